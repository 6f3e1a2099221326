-- A multi-seller order is cancelled line by line: each seller cancels their own lines (stock
-- returned per line, the order's total reduced, the money given back for those lines only).
alter table order_lines add column cancelled_at timestamptz;
