import { Redis } from 'ioredis';
import type { NotifyKind, NotifyRecord, NotifyStatus, NotifyStore } from './store.js';
import { closedError, parseStored, toStoreError } from '../store/redis/errors.js';
import { hallqRedisOptions } from '../store/redis/index.js';

/**
 * The notifier's records (server/notify/store.ts) in Redis, shared by every process of a scale-out
 * deployment. Here rather than in server/store/redis (whose errors and options it uses), so the
 * store folder does not import the notifier's. Keys (beside keys.ts, built here only; a hall's under
 * its hash tag, so each script touches one slot):
 *   <p>hall:{h}:notify           hash: cursor
 *   <p>hall:{h}:notify:records   hash: `<kind>:<ticketId>` → record JSON (never the number)
 *   <p>hall:{h}:notify:pending   zset: the pending fields by createdAt
 *   <p>hall:{h}:notify:created   zset: every field by createdAt (pruning)
 *   <p>notify-halls              set: hall ids with records (pruning)
 *   <p>notify-quota:<key>:<day>  counter of messages sent to a number (by hash), expiring
 * The quota counter is global (a different slot), so it is raised after the settling script, and
 * only when that script moved the record to `sent`: a crash between the two counts one message less.
 */
const SCRIPTS = {
  /* KEYS records, pending, created   ARGV field, record JSON, status, at. 1 if created. */
  hallqNotifyClaim: {
    numberOfKeys: 3,
    lua: `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
if ARGV[3] == 'pending' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1]) end
return 1
`,
  },
  /* KEYS records, pending   ARGV field, status, at. 1 if it became 'sent' now, 0 otherwise, -1 without record. */
  hallqNotifySettle: {
    numberOfKeys: 2,
    lua: `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return -1 end
local record = cjson.decode(json)
local was = record.status
record.status = ARGV[2]
record.settledAt = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
redis.call('ZREM', KEYS[2], ARGV[1])
if was ~= 'sent' and ARGV[2] == 'sent' then return 1 end
return 0
`,
  },
  /* KEYS records   ARGV field, error, next attempt at. */
  hallqNotifyFailed: {
    numberOfKeys: 1,
    lua: `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local record = cjson.decode(json)
record.attempts = (record.attempts or 0) + 1
record.lastError = ARGV[2]
record.nextAttemptAt = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(record))
return 1
`,
  },
  /* KEYS meta   ARGV seq: the cursor only moves forward. */
  hallqNotifyCursor: {
    numberOfKeys: 1,
    lua: `
local current = tonumber(redis.call('HGET', KEYS[1], 'cursor') or '-1')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'cursor', ARGV[1]) end
return 1
`,
  },
  /* KEYS records, pending, created   ARGV before. Deletes settled records created before; returns how many. */
  hallqNotifyPrune: {
    numberOfKeys: 3,
    lua: `
local removed = 0
for _, field in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1])) do
  local json = redis.call('HGET', KEYS[1], field)
  if not json or cjson.decode(json).status ~= 'pending' then
    redis.call('HDEL', KEYS[1], field)
    redis.call('ZREM', KEYS[3], field)
    redis.call('ZREM', KEYS[2], field)
    if json then removed = removed + 1 end
  end
end
return removed
`,
  },
} as const;

type Call = (...keysThenArgs: Array<string | number>) => Promise<number>;
type NotifyRedis = Redis & Record<keyof typeof SCRIPTS, Call>;

interface StoredRecord {
  status: NotifyStatus;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

/** The quota counters outlive the local day they count (any time zone) and then go by themselves. */
const QUOTA_TTL_SECONDS = 3 * 86_400;

export class RedisNotifyStore implements NotifyStore {
  private readonly redis: NotifyRedis;
  private closed = false;

  /**
   * Its own connection, like the Socket.IO bus and the rate limiter: the notifier starts with the
   * server synchronously, so commands wait in the offline queue for the first connect (each still
   * bounded by the command timeout); a lost command at worst sends one message again under its id.
   */
  constructor(
    url: string,
    private readonly prefix: string,
    onError?: (error: Error) => void,
  ) {
    this.redis = new Redis(url, { ...hallqRedisOptions(), lazyConnect: false, enableOfflineQueue: true, connectionName: 'hallq-notify' }) as NotifyRedis;
    this.redis.on('error', (error: Error) => onError?.(error));
    for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) this.redis.defineCommand(name, { numberOfKeys, lua });
  }

  async cursor(hallId: string): Promise<number | null> {
    return this.run('cursor', async () => {
      const seq = await this.redis.hget(this.keys(hallId).meta, 'cursor');
      return seq === null ? null : Number(seq);
    });
  }

  async setCursor(hallId: string, seq: number): Promise<void> {
    await this.run('setCursor', () => this.redis.hallqNotifyCursor(this.keys(hallId).meta, seq));
  }

  async claim(hallId: string, ticketId: string, kind: NotifyKind, status: 'pending' | 'skipped', at: number): Promise<boolean> {
    const k = this.keys(hallId);
    const record: StoredRecord = { status, createdAt: at, attempts: 0, nextAttemptAt: 0 };
    return this.run('claim', async () => {
      // The index first: an index entry without records costs pruning a look, records without one would stay.
      await this.redis.sadd(this.hallsKey, hallId);
      return (await this.redis.hallqNotifyClaim(k.records, k.pending, k.created, field(ticketId, kind), JSON.stringify(record), status, at)) === 1;
    });
  }

  async pending(hallId: string): Promise<NotifyRecord[]> {
    const k = this.keys(hallId);
    return this.run('pending', async () => {
      const fields = await this.redis.zrange(k.pending, 0, -1);
      if (fields.length === 0) return [];
      const values = await this.redis.hmget(k.records, ...fields);
      const found: NotifyRecord[] = [];
      fields.forEach((name, i) => {
        const record = values[i] ? toRecord(hallId, name, values[i]) : null;
        if (record?.status === 'pending') found.push(record);
      });
      return found;
    });
  }

  async get(hallId: string, ticketId: string, kind: NotifyKind): Promise<NotifyRecord | null> {
    return this.run('get', async () => {
      const name = field(ticketId, kind);
      const json = await this.redis.hget(this.keys(hallId).records, name);
      return json === null ? null : toRecord(hallId, name, json);
    });
  }

  async settle(hallId: string, ticketId: string, kind: NotifyKind, status: Exclude<NotifyStatus, 'pending'>, at: number, quota?: { phoneKey: string; day: string }): Promise<void> {
    const k = this.keys(hallId);
    await this.run('settle', async () => {
      const becameSent = (await this.redis.hallqNotifySettle(k.records, k.pending, field(ticketId, kind), status, at)) === 1;
      if (becameSent && quota) {
        const key = this.quotaKey(quota.phoneKey, quota.day);
        await this.redis.multi().incr(key).expire(key, QUOTA_TTL_SECONDS).exec();
      }
    });
  }

  async failed(hallId: string, ticketId: string, kind: NotifyKind, error: string, nextAttemptAt: number): Promise<void> {
    await this.run('failed', () => this.redis.hallqNotifyFailed(this.keys(hallId).records, field(ticketId, kind), error.slice(0, 500), nextAttemptAt));
  }

  async sentCount(phoneKey: string, day: string): Promise<number> {
    return this.run('sentCount', async () => Number((await this.redis.get(this.quotaKey(phoneKey, day))) ?? 0));
  }

  async prune(before: number): Promise<number> {
    return this.run('prune', async () => {
      let removed = 0;
      for (const hallId of await this.redis.smembers(this.hallsKey)) {
        const k = this.keys(hallId);
        removed += await this.redis.hallqNotifyPrune(k.records, k.pending, k.created, before);
      }
      return removed;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A QUIT queued while Redis is away would hold the server's shutdown until it is back.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private get hallsKey(): string {
    return `${this.prefix}notify-halls`;
  }

  private quotaKey(phoneKey: string, day: string): string {
    return `${this.prefix}notify-quota:${phoneKey}:${day}`;
  }

  private keys(hallId: string): { meta: string; records: string; pending: string; created: string } {
    const h = `${this.prefix}hall:{${hallId}}:notify`;
    return { meta: h, records: `${h}:records`, pending: `${h}:pending`, created: `${h}:created` };
  }

  private async run<R>(what: string, body: () => Promise<R>): Promise<R> {
    if (this.closed) throw closedError();
    try {
      return await body();
    } catch (error) {
      throw toStoreError(error, `notify ${what}`);
    }
  }
}

function field(ticketId: string, kind: NotifyKind): string {
  return `${kind}:${ticketId}`;
}

function toRecord(hallId: string, name: string, json: string): NotifyRecord {
  const stored = parseStored<StoredRecord>(json, `notify record ${hallId}/${name}`);
  const colon = name.indexOf(':');
  return {
    hallId,
    ticketId: name.slice(colon + 1),
    kind: name.slice(0, colon) as NotifyKind,
    status: stored.status,
    createdAt: stored.createdAt,
    attempts: stored.attempts,
    nextAttemptAt: stored.nextAttemptAt,
    ...(stored.lastError !== undefined ? { lastError: stored.lastError } : {}),
  };
}
