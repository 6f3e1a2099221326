-- A buyer who left the line, lapsed or let their turn expire may join again, at the back: a buyer
-- can have several tickets for one sale over time, of which at most one holds a place (the queue
-- adapter, a single process with the embedded store, enforces that).
alter table queue_tickets drop constraint queue_tickets_sale_id_buyer_id_key;
create index queue_tickets_buyer_idx on queue_tickets (sale_id, buyer_id);
