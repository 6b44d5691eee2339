import type { Logger } from 'pino';
import { localTime } from '../domain/time.js';
import { isBadRating, ratingSettings } from '../protocol/rules/ratings.js';
import type { HallStore } from '../store/port.js';
import type { HallService } from './hallService.js';

const DAY = 86_400_000;
/** How far behind the due day the job still looks (a server that was down for a while catches up). */
const LOOKBACK_DAYS = 31;
const BATCH = 500;

/**
 * 好差评 default rating (ratings.defaultLevel, off unless set): some provinces count a service nobody rated
 * as 基本满意 after a number of days. Once an hour each such hall gets the store's unrated served tickets of
 * the days that may be due, in batches, as an engine command; the engine decides which are due and records
 * them as channel 'default' (never as the citizen's). Hourly and idempotent: a ticket once defaulted is rated.
 */
export async function applyDefaultRatings(service: HallService, halls: HallStore, now: number, log: Logger): Promise<number> {
  let total = 0;
  for (const summary of await halls.listHalls()) {
    if (summary.archivedAt !== undefined) continue;
    const hall = await halls.loadHall(summary.id);
    if (!hall) continue;
    const settings = ratingSettings(hall.config);
    if (settings.defaultLevel === null || isBadRating(settings.defaultLevel)) continue;
    // Nothing finished after this day can be due yet (the engine checks the exact time).
    const dueDays = Math.max(settings.defaultAfterDays, settings.periodDays);
    const toDay = localTime(now - dueDays * DAY, hall.config.timeZone).day;
    const fromDay = localTime(now - (dueDays + LOOKBACK_DAYS) * DAY, hall.config.timeZone).day;
    for (;;) {
      const tickets = await halls.unratedServed(hall.config.id, fromDay, toDay, BATCH);
      if (tickets.length === 0) break;
      const answer = await service.rateByDefault(hall.config.id, tickets);
      const rated = answer.ok ? (answer.data as { rated: number }).rated : 0;
      if (!answer.ok) log.warn({ hallId: hall.config.id, error: answer.error.code }, 'default ratings refused');
      total += rated;
      // Tickets the engine would not rate (not yet due, a removed service) stay unrated: stop rather than loop.
      if (rated === 0 || tickets.length < BATCH) break;
    }
  }
  if (total > 0) log.info({ rated: total }, 'default ratings recorded');
  return total;
}

export function startDefaultRatings(service: HallService, halls: HallStore, clock: () => number, log: Logger, intervalMs = 3_600_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void applyDefaultRatings(service, halls, clock(), log)
      .catch((error: unknown) => log.error({ err: error }, 'default ratings failed'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
