/**
 * Every Redis key HallQ uses, built here and nowhere else (BullMQ's rule), so
 * that a look at this file tells an operator what is in the database.
 *
 * All keys start with the store's prefix (default `hallq:`), so several
 * installations, or the tests, can share one Redis. A hall's keys carry its id
 * in a hash tag (`{demo}`), and the account keys the tag `{accounts}`, so the
 * keys a script works on sit together. Two keys are global: the set of hall
 * ids (written just before a hall's creation script) and the ticket-id → hall
 * index, which the commit script writes with the hall's keys, so that a
 * command is one round trip (issue 16). That one script spans two slots:
 * HallQ runs on one Redis with its replicas, not on Redis Cluster.
 */
/** The prefix of a HallQ installation's keys unless told otherwise. */
export const DEFAULT_PREFIX = 'hallq:';

export interface HallKeys {
  /** Hash: v (version), seq, rest, config, summary, reqOrd, tOrd. */
  meta: string;
  /** Hash: ticket id → `<ord>|<ticket JSON>` for every live ticket. */
  tickets: string;
  /** Hash: ord → JSON of one remembered request answer. */
  requests: string;
  /** Stream: one entry `<seq>-0` with field `e` = the event's JSON. */
  events: string;
  /** Hash: ticket id → latest JSON of every ticket ever issued here (finished ones included). */
  records: string;
}

export interface AccountKeys {
  /** Hash: user id → user JSON. */
  users: string;
  /** Hash: username → user id. */
  usernames: string;
  /** Hash: device id → device JSON (without revokedAt / lastSeenAt). */
  devices: string;
  /** Hash: token hash → device id. */
  deviceTokens: string;
  /** Hash: device id → revokedAt (first revocation only). */
  deviceRevoked: string;
  /** Hash: device id → lastSeenAt. */
  deviceSeen: string;
  /** Hash: secret name → value. */
  secrets: string;
}

export class RedisKeys {
  readonly accounts: AccountKeys;
  /** Set of hall ids. */
  readonly hallIds: string;
  /** Hash: ticket id → hall id. */
  readonly ticketHalls: string;
  /** Prefix of the Socket.IO Redis adapter's pub/sub channels (hall broadcasts between processes). */
  readonly socketIoChannel: string;
  /** Prefix of the rate-limit and login-lockout counters shared by the processes (app/rateLimits.ts). */
  readonly rateLimits: string;
  /** Set of JSON [hallId, name]: every outbox endpoint configured (server/outbox). */
  readonly outboxIndex: string;

  constructor(readonly prefix: string) {
    const a = `${prefix}{accounts}:`;
    this.accounts = {
      users: `${a}users`,
      usernames: `${a}usernames`,
      devices: `${a}devices`,
      deviceTokens: `${a}device-tokens`,
      deviceRevoked: `${a}device-revoked`,
      deviceSeen: `${a}device-seen`,
      secrets: `${a}secrets`,
    };
    this.hallIds = `${prefix}halls`;
    this.ticketHalls = `${prefix}ticket-halls`;
    this.socketIoChannel = `${prefix}socket.io`;
    this.rateLimits = `${prefix}rl:`;
    this.outboxIndex = `${prefix}outbox-endpoints`;
  }

  /**
   * One outbox endpoint of a hall: `endpoint` is a hash (field endpoint = the record JSON with its
   * secret; seq = delivered up to; lastDeliveredAt, lastAttemptAt, lastError, failures), `lease` the
   * delivering process's id with an expiry.
   */
  outbox(hallId: string, name: string): { endpoint: string; lease: string } {
    const h = `${this.prefix}hall:{${hallId}}:outbox:${name}`;
    return { endpoint: h, lease: `${h}:lease` };
  }

  hall(hallId: string): HallKeys {
    const h = `${this.prefix}hall:{${hallId}}`;
    return { meta: h, tickets: `${h}:tickets`, requests: `${h}:requests`, events: `${h}:events`, records: `${h}:records` };
  }

  /**
   * A hall's voice packs (issue 17): `clips` a hash `<lang>/<name>` → JSON { durationMs, updatedAt },
   * `audio` a hash with the same fields → the clip's WAV bytes. Apart from the hall's meta hash, which
   * every commit reads and writes; the two are always written together, by one script.
   */
  voice(hallId: string): { clips: string; audio: string } {
    const h = `${this.prefix}hall:{${hallId}}:voice`;
    return { clips: h, audio: `${h}:audio` };
  }

  /** Hash: service id → tickets issued that day (per-day counters, kept for statistics). */
  issuedOn(hallId: string, day: string): string {
    return `${this.prefix}hall:{${hallId}}:issued:${day}`;
  }

  /** Hash: device id → 1, the devices of one hall. */
  hallDevices(hallId: string): string {
    return `${this.prefix}{accounts}:hall-devices:${hallId}`;
  }

  /**
   * One kind of one-time value (oneTime.ts), e.g. `oidc-pending`: `values` a hash key → value,
   * `expiries` a sorted set key → expiry (ms, Redis's clock). Tag `{one-time}`: one slot.
   */
  oneTime(kind: string): { values: string; expiries: string } {
    const k = `${this.prefix}{one-time}:${kind}`;
    return { values: k, expiries: `${k}:expiries` };
  }
}
