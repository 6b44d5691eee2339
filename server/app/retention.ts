import type { Logger } from 'pino';
import { localTime } from '../domain/time.js';
import type { HallStore } from '../store/port.js';

const DAY = 86_400_000;

/**
 * Data retention: halls with `retentionDays` set lose events and finished
 * tickets older than that, once an hour. Statistics and audits cannot reach
 * further back afterwards; that is the point of the setting (personal data
 * is kept no longer than the hall decided).
 */
export async function pruneHalls(halls: HallStore, now: number, log: Logger): Promise<void> {
  for (const summary of await halls.listHalls()) {
    const hall = await halls.loadHall(summary.id);
    const days = hall?.config.retentionDays;
    if (!hall || days === undefined) continue;
    const before = now - days * DAY;
    const pruned = await halls.pruneHistory(hall.config.id, before, localTime(before, hall.config.timeZone).day);
    if (pruned.events + pruned.tickets > 0) log.info({ hallId: hall.config.id, retentionDays: days, ...pruned }, 'pruned history past retention');
  }
}

export function startRetention(halls: HallStore, clock: () => number, log: Logger, intervalMs = 3_600_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void pruneHalls(halls, clock(), log)
      .catch((error: unknown) => log.error({ err: error }, 'retention pruning failed'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
