import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/port.js';
import { createGateway, notifyGatewaySettings, type NotifyGatewaySettings } from './config.js';
import type { NotifyGateway } from './gateway.js';
import { SqliteNotifyStore } from './store.js';
import { type NotifyTiming, NotifyWorker } from './worker.js';

export interface NotifyStartOptions {
  /** Instead of HALLQ_NOTIFY_* from the environment. */
  gateway?: NotifyGatewaySettings | NotifyGateway;
  timing?: Partial<NotifyTiming>;
}

/**
 * The notifier of a server on SQLite (its records in the data directory's notify.db). With several
 * processes on Redis there is no shared record yet, so none sends rather than each sending once.
 */
export function startNotifier(
  // Declared here, not imported: server/config.ts is a wiring file, which imports this folder.
  config: { dataDir: string; redisUrl?: string | undefined; sqliteSynchronous?: string },
  store: Store,
  log: Logger,
  now: () => number,
  options: NotifyStartOptions = {},
): NotifyWorker | undefined {
  if (config.redisUrl !== undefined) {
    log.warn('无声叫号 text messages are not sent on the Redis store yet (no shared delivery record); the e-ticket page alert still works');
    return undefined;
  }
  const given = options.gateway;
  const gateway = given && 'send' in given ? given : createGateway(given ?? notifyGatewaySettings(process.env), log);
  return new NotifyWorker({
    halls: store.halls,
    store: new SqliteNotifyStore(join(config.dataDir, 'notify.db'), config.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL'),
    gateway,
    log,
    now,
    ...(options.timing ? { timing: options.timing } : {}),
  });
}
