import type { HallState } from '../../protocol/model.js';
import type { HallOverview, OverviewAttention } from '../../protocol/overview.js';
import { isCaseOverdue } from '../../protocol/rules/ratings.js';
import type { TodayNumbers } from './today.js';
import { ATTENTION_ORDER } from '../../protocol/rules/overview.js';

const MINUTE_MS = 60_000;

/**
 * One hall's overview row, a pure function of its state, today's figures and its devices offline.
 * A window counts as open while its clerk is signed in and not paused: a paused window calls nobody,
 * which is what a supervisor looking for 'no-window-open' wants to see.
 */
export function overviewRow(state: HallState, now: number, today: TodayNumbers & { day: string }, devicesOffline: number): HallOverview {
  const { config } = state;
  const open = config.windows.filter((window) => state.windows[window.id]?.status === 'open');
  const served = new Set(open.flatMap((window) => window.services.map((link) => link.serviceId)));
  let waiting = 0;
  let oldest = Infinity;
  let unserved = false;
  for (const ticket of state.tickets.values()) {
    if (ticket.status !== 'waiting') continue;
    waiting += 1;
    oldest = Math.min(oldest, ticket.issuedAt);
    if (!served.has(ticket.serviceId)) unserved = true;
  }
  const longestWaitMinutes = waiting === 0 ? 0 : Math.max(0, Math.floor((now - oldest) / MINUTE_MS));
  const cases = Object.values(state.ratingCases ?? {});
  const openBadCases = cases.filter((rc) => rc.status !== 'closed').length;
  const overdueBadCases = cases.filter((rc) => isCaseOverdue(rc, today.day)).length;
  const archived = state.archivedAt !== undefined;
  // An archived hall needs no look: it is listed, greyed, at the bottom.
  const attention: OverviewAttention[] = archived
    ? []
    : ATTENTION_ORDER.filter((kind) => {
        switch (kind) {
          case 'unserved':
            // With no window open at all, 'no-window-open' says it better.
            return unserved && open.length > 0;
          case 'over-wait-limit':
            return waiting > 0 && longestWaitMinutes > config.maxWaitMinutes;
          case 'no-window-open':
            return waiting > 0 && open.length === 0;
          case 'devices-offline':
            return devicesOffline > 0;
          case 'overdue-cases':
            return overdueBadCases > 0;
        }
      });
  return {
    hallId: config.id,
    name: config.name,
    group: [...(config.group ?? [])],
    day: today.day,
    openWindows: open.length,
    windows: config.windows.length,
    waiting,
    longestWaitMinutes,
    servedToday: today.served,
    goodRatePercent: today.goodRatePercent,
    ratedToday: today.rated,
    devicesOffline,
    openBadCases,
    overdueBadCases,
    attention,
    at: now,
    ...(archived ? { archived: true } : {}),
  };
}

/** Whether two rows show the same thing: `at` alone changing is no news. */
export function sameRow(a: HallOverview | undefined, b: HallOverview): boolean {
  if (!a) return false;
  return JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });
}
