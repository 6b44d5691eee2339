import type { HallConfig, RatingChannel, Ticket } from '../model.js';
import { ratingSettings } from './ratings.js';

/**
 * Until when a served ticket may be rated, by channel (一次一评, whichever channel comes first). The window
 * screen rates only right after service (the hall's `evaluationMinutes`); the QR code / e-ticket and the guide
 * desk for the hall's rating period (`ratings.periodDays`, default 7 days). The engine refuses after it, the
 * e-ticket shows 「评价本次服务」 until it: one rule for both.
 */

const DAY = 86_400_000;

export function ratingEndsAt(ticket: Pick<Ticket, 'finishedAt'>, channel: RatingChannel, config: Pick<HallConfig, 'evaluationMinutes' | 'ratings'>): number | null {
  if (ticket.finishedAt === undefined) return null;
  if (channel === 'window-screen') return ticket.finishedAt + config.evaluationMinutes * 60_000;
  return ticket.finishedAt + ratingSettings(config).periodDays * DAY;
}

/** When the hall's default rating (if on) falls due for a service never rated: `defaultAfterDays` after it. */
export function defaultRatingDueAt(ticket: Pick<Ticket, 'finishedAt'>, config: Pick<HallConfig, 'ratings'>): number | null {
  if (ticket.finishedAt === undefined) return null;
  return ticket.finishedAt + ratingSettings(config).defaultAfterDays * DAY;
}

/** Whether the citizen's own link may still rate this ticket now (served, unrated, within the period). */
export function rateableUntil(ticket: Pick<Ticket, 'finishedAt' | 'status' | 'rating'>, config: Pick<HallConfig, 'evaluationMinutes' | 'ratings'>, now: number): number | null {
  if (ticket.status !== 'served' || ticket.rating !== undefined) return null;
  const ends = ratingEndsAt(ticket, 'qr', config);
  return ends !== null && now < ends ? ends : null;
}
