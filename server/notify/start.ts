import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/port.js';
import { createGateway, notifyGatewaySettings, type NotifyGatewaySettings } from './config.js';
import type { NotifyGateway } from './gateway.js';
import { DEFAULT_PREFIX } from '../store/redis/index.js';
import { RedisNotifyStore } from './redisStore.js';
import { type NotifyStore, SqliteNotifyStore } from './store.js';
import { NOTIFY_LEASE, type NotifyLease, type NotifyTiming, NotifyWorker } from './worker.js';

export interface NotifyStartOptions {
  /** Instead of HALLQ_NOTIFY_* from the environment. */
  gateway?: NotifyGatewaySettings | NotifyGateway;
  timing?: Partial<NotifyTiming>;
}

/**
 * The notifier: on SQLite its records are in the data directory's notify.db and the process is the
 * only sender; on Redis every process runs one, the records are shared in Redis and the outbox's
 * per-hall lease lets one process at a time send a hall's messages.
 */
export function startNotifier(
  // Declared here, not imported: server/config.ts is a wiring file, which imports this folder.
  config: { dataDir: string; redisUrl?: string | undefined; sqliteSynchronous?: string },
  store: Store,
  log: Logger,
  now: () => number,
  options: NotifyStartOptions = {},
): NotifyWorker | undefined {
  const given = options.gateway;
  const gateway = given && 'send' in given ? given : createGateway(given ?? notifyGatewaySettings(process.env), log);
  let records: NotifyStore;
  let lease: NotifyLease | undefined;
  if (config.redisUrl !== undefined) {
    // At most one line per 10 s: while Redis is down the client fails on every reconnect attempt.
    let warnedAt = 0;
    records = new RedisNotifyStore(config.redisUrl, DEFAULT_PREFIX, (error) => {
      if (Date.now() - warnedAt < 10_000) return;
      warnedAt = Date.now();
      log.warn({ err: error }, 'notify: Redis connection error (reconnecting)');
    });
    lease = {
      acquire: (hallId, holder, ttlMs) => store.outbox.acquireLease(hallId, NOTIFY_LEASE, holder, ttlMs),
      release: (hallId, holder) => store.outbox.releaseLease(hallId, NOTIFY_LEASE, holder),
    };
  } else {
    records = new SqliteNotifyStore(join(config.dataDir, 'notify.db'), config.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL');
  }
  return new NotifyWorker({
    halls: store.halls,
    store: records,
    ...(lease ? { lease } : {}),
    gateway,
    log,
    now,
    ...(options.timing ? { timing: options.timing } : {}),
  });
}
