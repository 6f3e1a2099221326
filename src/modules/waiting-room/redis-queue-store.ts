import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { LineDraw } from '../../domain/fair-draw.ts';
import type { AdmissionRecord, PacerState } from '../../domain/waiting-room.ts';
import type { QueueSettings, QueueStore, Ticket } from './queue-store.ts';

/** Post-open tickets sort after the drawn pre-open block, whatever its size. */
const POST_OPEN_BASE = 1_000_000_000;

const k = (saleId: string, part: string) => `fm:wr:{${saleId}}:${part}`;

// Atomic multi-key steps as Lua scripts (all keys of one sale share a hash tag: cluster-safe).
const JOIN = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local raw = redis.call('HGET', KEYS[2], existing)
  if raw then
    local t = cjson.decode(raw)
    -- Still holding a place (see holdsPlace): the buyer keeps it. Otherwise a new ticket, at the back.
    if t.state == 'waiting' or (t.state == 'admitted' and tonumber(t.admissionExpiresAt or 0) > tonumber(ARGV[6])) then
      return {0, raw}
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local score = ARGV[5]
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[3], score, ARGV[2])
else
  local seq = redis.call('INCR', KEYS[6])
  redis.call('ZADD', KEYS[4], tonumber(ARGV[7]) + seq, ARGV[2])
end
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[2])
redis.call('HINCRBY', KEYS[7], 'version', 1)
return {1, ARGV[3]}`;

const SET_STATE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
local t = cjson.decode(raw)
local allowed = false
for i = 3, #ARGV do if t.state == ARGV[i] then allowed = true end end
if not allowed then return raw end
t.state = ARGV[2]
local out = cjson.encode(t)
redis.call('HSET', KEYS[1], ARGV[1], out)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HINCRBY', KEYS[5], 'version', 1)
return out`;

const NEXT_WAITING = `
local want = tonumber(ARGV[1])
local seenSince = tonumber(ARGV[2])
local out = {}
local offset = 0
local abandoned = 0
while #out < want do
  local ids = redis.call('ZRANGE', KEYS[1], offset, offset + want * 2 - 1)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    if #out >= want then break end
    local seen = tonumber(redis.call('ZSCORE', KEYS[2], id) or '0')
    if seen < seenSince then
      local raw = redis.call('HGET', KEYS[3], id)
      if raw then
        local t = cjson.decode(raw)
        t.state = 'abandoned'
        redis.call('HSET', KEYS[3], id, cjson.encode(t))
      end
      redis.call('ZREM', KEYS[1], id)
      abandoned = abandoned + 1
      offset = offset - 1
    else
      table.insert(out, id)
    end
    offset = offset + 1
  end
end
if abandoned > 0 then redis.call('HINCRBY', KEYS[4], 'version', 1) end
return out`;

const ADMIT = `
local now = tonumber(ARGV[1])
local expires = tonumber(ARGV[2])
local n = 0
for i = 3, #ARGV - 1 do
  local id = ARGV[i]
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    local t = cjson.decode(raw)
    if t.state == 'waiting' then
      t.state = 'admitted'
      t.admittedAt = now
      t.admissionExpiresAt = expires
      redis.call('HSET', KEYS[1], id, cjson.encode(t))
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZADD', KEYS[3], expires, id)
      n = n + 1
    end
  end
end
if n > 0 then
  redis.call('ZADD', KEYS[4], now, now .. ':' .. n .. ':' .. ARGV[#ARGV])
  redis.call('INCRBY', KEYS[5], n)
  redis.call('HINCRBY', KEYS[6], 'version', 1)
end
return n`;

const LEAD = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const OPEN_LINE = `
if redis.call('HGET', KEYS[3], 'opened') == '1' then return 0 end
for i = 1, #ARGV do
  redis.call('ZADD', KEYS[1], i, ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
end
redis.call('HSET', KEYS[3], 'opened', '1')
redis.call('HINCRBY', KEYS[3], 'version', 1)
return 1`;

type Scripted = Redis & {
  fmJoin(...args: Array<string | number>): Promise<[number, string]>;
  fmSetState(...args: Array<string | number>): Promise<string | null>;
  fmNextWaiting(...args: Array<string | number>): Promise<string[]>;
  fmAdmit(...args: Array<string | number>): Promise<number>;
  fmLead(...args: Array<string | number>): Promise<number>;
  fmOpenLine(...args: Array<string | number>): Promise<number>;
};

/**
 * The scale-out queue: one queue in Redis shared by every node. Positions are ZRANKs in one
 * sorted set (global, O(log n)); joins, admissions and departures are Lua scripts (atomic); one
 * node at a time holds a sale's admission lease, so the pace is one and nobody is admitted twice.
 */
export class RedisQueueStore implements QueueStore {
  readonly kind = 'redis' as const;
  private readonly redis: Scripted;

  constructor(url: string) {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    redis.on('error', () => {}); // commands in flight fail and their callers see it; unheard, it would crash
    redis.defineCommand('fmJoin', { numberOfKeys: 7, lua: JOIN });
    redis.defineCommand('fmSetState', { numberOfKeys: 5, lua: SET_STATE });
    redis.defineCommand('fmNextWaiting', { numberOfKeys: 4, lua: NEXT_WAITING });
    redis.defineCommand('fmAdmit', { numberOfKeys: 6, lua: ADMIT });
    redis.defineCommand('fmLead', { numberOfKeys: 1, lua: LEAD });
    redis.defineCommand('fmOpenLine', { numberOfKeys: 3, lua: OPEN_LINE });
    this.redis = redis as Scripted;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async join(c: Ticket): Promise<{ ticket: Ticket; created: boolean }> {
    const s = c.saleId;
    const [created, raw] = await this.redis.fmJoin(
      k(s, 'b'),
      k(s, 't'),
      k(s, 'pre'),
      k(s, 'line'),
      k(s, 'seen'),
      k(s, 'seq'),
      k(s, 's'),
      c.buyerId,
      c.id,
      JSON.stringify(c),
      c.preOpen ? '1' : '0',
      c.joinedAt,
      c.joinedAt,
      POST_OPEN_BASE,
    );
    return { ticket: JSON.parse(raw) as Ticket, created: created === 1 };
  }

  async ticket(saleId: string, ticketId: string): Promise<Ticket | undefined> {
    const raw = await this.redis.hget(k(saleId, 't'), ticketId);
    return raw ? (JSON.parse(raw) as Ticket) : undefined;
  }

  async tickets(saleId: string, ticketIds: readonly string[]): Promise<Map<string, Ticket>> {
    const out = new Map<string, Ticket>();
    if (ticketIds.length === 0) return out;
    const raws = await this.redis.hmget(k(saleId, 't'), ...ticketIds);
    raws.forEach((raw, i) => {
      if (raw) out.set(ticketIds[i] as string, JSON.parse(raw) as Ticket);
    });
    return out;
  }

  async ticketOfBuyer(saleId: string, buyerId: string): Promise<Ticket | undefined> {
    const id = await this.redis.hget(k(saleId, 'b'), buyerId);
    return id ? this.ticket(saleId, id) : undefined;
  }

  async touch(saleId: string, ticketIds: readonly string[], now: number): Promise<void> {
    if (ticketIds.length === 0) return;
    // XX: only tickets that exist (and were not abandoned out of `seen`) are refreshed.
    await this.redis.zadd(k(saleId, 'seen'), 'XX', ...ticketIds.flatMap((id) => [now, id]));
  }

  private setState(saleId: string, ticketId: string, state: Ticket['state'], from: Ticket['state'][]) {
    const s = saleId;
    return this.redis.fmSetState(
      k(s, 't'),
      k(s, 'line'),
      k(s, 'pre'),
      k(s, 'active'),
      k(s, 's'),
      ticketId,
      state,
      ...from,
    );
  }

  async leave(saleId: string, ticketId: string): Promise<Ticket | undefined> {
    const raw = await this.setState(saleId, ticketId, 'left', ['waiting', 'admitted']);
    return raw ? (JSON.parse(raw) as Ticket) : undefined;
  }

  async finish(saleId: string, buyerId: string): Promise<void> {
    const id = await this.redis.hget(k(saleId, 'b'), buyerId);
    if (id) await this.setState(saleId, id, 'done', ['admitted']);
  }

  async positions(saleId: string, ticketIds: readonly string[]): Promise<Map<string, number | undefined>> {
    const p = this.redis.pipeline();
    for (const id of ticketIds) {
      p.zrank(k(saleId, 'line'), id);
      p.zscore(k(saleId, 'active'), id);
    }
    const res = (await p.exec()) ?? [];
    const out = new Map<string, number | undefined>();
    ticketIds.forEach((id, i) => {
      const rank = res[2 * i]?.[1] as number | null;
      const active = res[2 * i + 1]?.[1] as string | null;
      out.set(id, rank !== null && rank !== undefined ? rank + 1 : active !== null ? 0 : undefined);
    });
    return out;
  }

  async counts(saleId: string, now: number) {
    const res =
      (await this.redis
        .pipeline()
        .zcard(k(saleId, 'line'))
        .zcard(k(saleId, 'pre'))
        .get(k(saleId, 'admitted'))
        .zcount(k(saleId, 'active'), `(${now}`, '+inf')
        .exec()) ?? [];
    const n = (i: number) => Number(res[i]?.[1] ?? 0);
    return { waiting: n(0), preOpen: n(1), admitted: n(2), active: n(3) };
  }

  async lineVersion(saleId: string): Promise<number> {
    return Number((await this.redis.hget(k(saleId, 's'), 'version')) ?? 0);
  }

  async settings(saleId: string): Promise<QueueSettings> {
    const [rate, paused] = await this.redis.hmget(k(saleId, 's'), 'admitPerMinute', 'paused');
    return { paused: paused === '1', ...(rate ? { admitPerMinute: Number(rate) } : {}) };
  }

  async updateSettings(saleId: string, patch: Partial<QueueSettings>): Promise<QueueSettings> {
    const fields: Record<string, string> = {};
    if (patch.admitPerMinute !== undefined) fields.admitPerMinute = String(patch.admitPerMinute);
    if (patch.paused !== undefined) fields.paused = patch.paused ? '1' : '0';
    if (Object.keys(fields).length > 0) await this.redis.hset(k(saleId, 's'), fields);
    return this.settings(saleId);
  }

  async admissions(saleId: string, since: number): Promise<AdmissionRecord[]> {
    await this.redis.zremrangebyscore(k(saleId, 'adm'), '-inf', `(${since - 120_000}`);
    const members = await this.redis.zrangebyscore(k(saleId, 'adm'), since, '+inf');
    return members.map((m) => {
      const [at, count] = m.split(':');
      return { at: Number(at), count: Number(count) };
    });
  }

  async spendChallenge(challengeId: string, expiresAt: number, now: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAt - now);
    return (await this.redis.set(`fm:wr:pow:${challengeId}`, '1', 'PX', ttl, 'NX')) === 'OK';
  }

  async lead(saleId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.fmLead(k(saleId, 'lead'), nodeId, ttlMs)) === 1;
  }

  async lineOpened(saleId: string): Promise<boolean> {
    return (await this.redis.hget(k(saleId, 's'), 'opened')) === '1';
  }

  async preOpenTickets(saleId: string): Promise<string[]> {
    return this.redis.zrange(k(saleId, 'pre'), 0, -1);
  }

  async openLine(saleId: string, order: readonly string[], draw?: LineDraw): Promise<void> {
    // Only the leader opens, once; hsetnx keeps the first record should two ever race.
    if (draw) await this.redis.hsetnx(k(saleId, 's'), 'draw', JSON.stringify(draw));
    await this.redis.fmOpenLine(k(saleId, 'line'), k(saleId, 'pre'), k(saleId, 's'), ...order);
  }

  async lineDraw(saleId: string): Promise<LineDraw | undefined> {
    const json = await this.redis.hget(k(saleId, 's'), 'draw');
    return json ? (JSON.parse(json) as LineDraw) : undefined;
  }

  async nextWaiting(saleId: string, n: number, seenSince: number): Promise<string[]> {
    if (n <= 0) return [];
    return this.redis.fmNextWaiting(
      k(saleId, 'line'),
      k(saleId, 'seen'),
      k(saleId, 't'),
      k(saleId, 's'),
      n,
      seenSince,
    );
  }

  async admit(saleId: string, ticketIds: readonly string[], now: number, expiresAt: number): Promise<void> {
    if (ticketIds.length === 0) return;
    const s = saleId;
    await this.redis.fmAdmit(
      k(s, 't'),
      k(s, 'line'),
      k(s, 'active'),
      k(s, 'adm'),
      k(s, 'admitted'),
      k(s, 's'),
      now,
      expiresAt,
      ...ticketIds,
      randomBytes(4).toString('hex'),
    );
  }

  async pacer(saleId: string): Promise<PacerState | undefined> {
    const raw = await this.redis.get(k(saleId, 'pacer'));
    return raw ? (JSON.parse(raw) as PacerState) : undefined;
  }

  async savePacer(saleId: string, state: PacerState): Promise<void> {
    await this.redis.set(k(saleId, 'pacer'), JSON.stringify(state));
  }

  /** Removes every key of a sale's queue (tests, and a sale's end). */
  async clear(saleId: string): Promise<void> {
    const parts = ['t', 'b', 'pre', 'line', 'seq', 'seen', 'active', 'adm', 'admitted', 's', 'pacer', 'lead'];
    await this.redis.del(...parts.map((p) => k(saleId, p)));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => {}); // closing: a connection already lost has nothing to quit
  }
}
