import type { CallReason, HallConfig, HallState, ServiceConfig, Ticket, WindowConfig } from '../model.js';
import { callCandidates, waitingCount, waitingIndexOf, waitingOfService } from './waitingIndex.js';

/**
 * The calling rules (docs/rules.md): transferred-in first, then checked-in
 * appointments whose slot has come, then priority (capped per window so normal
 * tickets never starve), then tickets waiting past the boost limit, then the
 * window's service tiers in issue order. Every function here is pure.
 */

const MINUTE = 60_000;

/** How many calls the hall keeps for the boards' "recent calls" list (the engine trims, screens copy). */
export const RECENT_CALLS_KEPT = 10;

/** What the queue order needs of a hall: its tickets and calling policy (a staff screen has both). */
export type QueueState = Pick<HallState, 'tickets'> & PolicyState;
/** What a ticket's calling class needs: the hall's calling policy. */
export type PolicyState = { config: Pick<HallConfig, 'policy'> };

/** Order of the classes; lower is called first. */
const CLASS_ORDER: Record<Exclude<CallReason, 'manual'>, number> = {
  transfer: 0,
  appointment: 1,
  priority: 2,
  'long-wait': 3,
  'queue-order': 4,
};

export function isWaiting(ticket: Ticket): boolean {
  return ticket.status === 'waiting';
}

export function windowConfig(state: HallState, windowId: string): WindowConfig | undefined {
  return state.config.windows.find((window) => window.id === windowId);
}

export function serviceConfig(state: HallState, serviceId: string): ServiceConfig | undefined {
  return state.config.services.find((service) => service.id === serviceId);
}

export function tierAt(window: WindowConfig, serviceId: string): number | undefined {
  return window.services.find((link) => link.serviceId === serviceId)?.tier;
}

/**
 * Whether a window may call a ticket at all (before ordering): a ticket
 * transferred to a window only there, any other at a window serving its
 * service. `serves` says the latter (the engine asks the window's
 * configuration, the counter panel the staff view's `serviceWindows`).
 * A window never calls back a ticket it has just transferred away: the
 * transfer puts the ticket first in line, so the sender (serving the new
 * service too) would otherwise get it straight back with its next call.
 */
export function mayCallAt(windowId: string, serves: (serviceId: string) => boolean, ticket: Pick<Ticket, 'serviceId' | 'transfer'>): boolean {
  if (transferredAwayFrom(windowId, ticket)) return false;
  const pinned = ticket.transfer?.toWindowId;
  if (pinned !== undefined) return pinned === windowId;
  return serves(ticket.serviceId);
}

/**
 * The ticket waits after a transfer made at this very window (until called elsewhere). A ticket sent to a
 * window that then closed is released to its own service's queue: the sending window may serve it again,
 * or it could be left with nobody to call it.
 */
export function transferredAwayFrom(windowId: string, ticket: Pick<Ticket, 'transfer' | 'serviceId'>): boolean {
  const transfer = ticket.transfer;
  if (transfer?.fromWindowId !== windowId) return false;
  return transfer.toWindowId !== undefined || ticket.serviceId !== transfer.fromServiceId;
}

/** Whether `window` may call `ticket` at all (before ordering). */
export function windowCanServe(window: WindowConfig, ticket: Ticket): boolean {
  return mayCallAt(window.id, (serviceId) => tierAt(window, serviceId) !== undefined, ticket);
}

/** The class a waiting ticket falls in at `now`, ignoring the priority cap. */
export function classOf(state: PolicyState, ticket: Ticket, now: number): Exclude<CallReason, 'manual'> {
  const { policy } = state.config;
  if (ticket.transfer) return 'transfer';
  // A requeued no-show had its turn (as with the boost below): its slot or green channel no
  // longer puts it in front, otherwise "requeue after N" would send it straight back to the head.
  const hadTurn = ticket.noShowCount > 0;
  if (!hadTurn && ticket.slotStart !== undefined && ticket.slotStart - policy.appointmentEarlyMinutes * MINUTE <= now) {
    return 'appointment';
  }
  if (!hadTurn && ticket.priority) return 'priority';
  if (isBoosted(state, ticket, now)) return 'long-wait';
  return 'queue-order';
}

function isBoosted(state: PolicyState, ticket: Ticket, now: number): boolean {
  const limit = state.config.policy.boostAfterMinutes;
  // A requeued no-show had its turn; its original issue time does not earn a boost.
  return limit !== null && ticket.noShowCount === 0 && now - ticket.issuedAt >= limit * MINUTE;
}

/** Secondary key inside a class: transfer time, slot start, or issue order. */
function keyWithinClass(ticket: Ticket, cls: Exclude<CallReason, 'manual'>): number {
  switch (cls) {
    case 'transfer':
      return ticket.transfer?.at ?? ticket.rank;
    case 'appointment':
      return ticket.slotStart ?? ticket.rank;
    case 'long-wait':
      return ticket.issuedAt;
    default:
      return ticket.rank;
  }
}

interface Ranked {
  ticket: Ticket;
  cls: Exclude<CallReason, 'manual'>;
  tier: number;
  key: number;
}

function compareRanked(a: Ranked, b: Ranked): number {
  return (
    CLASS_ORDER[a.cls] - CLASS_ORDER[b.cls] ||
    (a.cls === 'queue-order' ? a.tier - b.tier : 0) ||
    a.key - b.key ||
    a.ticket.rank - b.ticket.rank
  );
}

export interface Selection {
  ticket: Ticket;
  reason: Exclude<CallReason, 'manual'>;
}

/** The ticket `windowId` should call next, or null when nothing it serves is waiting. */
export function selectNext(state: HallState, windowId: string, now: number): Selection | null {
  const window = windowConfig(state, windowId);
  if (!window) return null;
  const ranked: Ranked[] = [];
  const consider = (ticket: Ticket) => {
    if (!isWaiting(ticket) || !windowCanServe(window, ticket)) return;
    const cls = classOf(state, ticket, now);
    ranked.push({ ticket, cls, tier: tierAt(window, ticket.serviceId) ?? Number.MAX_SAFE_INTEGER, key: keyWithinClass(ticket, cls) });
  };
  // With the hall's index, only the few tickets that can come first (waitingIndex.ts); else every ticket.
  const candidates = callCandidates(state.tickets, window.services.map((link) => link.serviceId)) ?? state.tickets.values();
  for (const ticket of candidates) consider(ticket);
  if (ranked.length === 0) return null;
  ranked.sort(compareRanked);

  const streak = state.windows[windowId]?.priorityStreak ?? 0;
  const capReached = streak >= state.config.policy.priorityStreakCap;
  const first = ranked[0]!;
  if (first.cls === 'priority' && capReached) {
    // Ratio rule: after `cap` green-channel calls in a row, one ordinary ticket goes, if any waits.
    const ordinary = ranked.find((entry) => CLASS_ORDER[entry.cls] > CLASS_ORDER.priority);
    if (ordinary) return { ticket: ordinary.ticket, reason: ordinary.cls };
  }
  return { ticket: first.ticket, reason: first.cls };
}

/**
 * Waiting tickets of one service in the order they would be called, as seen by
 * the citizen holding one of them. Windows serving several services interleave
 * them, so "ahead" is an honest estimate, not a promise.
 */
export function serviceQueue(state: QueueState, serviceId: string, now: number): Ticket[] {
  const ranked = waitingOfService(state.tickets, serviceId).map((ticket) => rankedInService(state, ticket, now));
  return ranked.sort(compareRanked).map((entry) => entry.ticket);
}

function rankedInService(state: PolicyState, ticket: Ticket, now: number): Ranked {
  const cls = classOf(state, ticket, now);
  return { ticket, cls, tier: 0, key: keyWithinClass(ticket, cls) };
}

/** Whether a service's queue is still in calling order at `now` (the clock can move a ticket to another class). */
export function inCallingOrder(state: PolicyState, queue: readonly Ticket[], now: number): boolean {
  let previous: Ranked | undefined;
  for (const ticket of queue) {
    const ranked = rankedInService(state, ticket, now);
    if (previous && compareRanked(previous, ranked) > 0) return false;
    previous = ranked;
  }
  return true;
}

/** The ticket's place in `serviceQueue`, counted in one pass instead of sorting (it runs on every issue). */
export function peopleAhead(state: QueueState, ticket: Ticket, now: number): number {
  if (!isWaiting(ticket)) return 0;
  const target = rankedInService(state, ticket, now);
  let ahead = 0;
  for (const other of waitingOfService(state.tickets, ticket.serviceId)) {
    if (other.id === ticket.id) continue;
    if (compareRanked(rankedInService(state, other, now), target) < 0) ahead++;
  }
  return ahead;
}

/** Windows currently open (or briefly paused) that serve a service. */
export function windowsServing(state: HallState, serviceId: string): number {
  let count = 0;
  for (const window of state.config.windows) {
    const status = state.windows[window.id]?.status;
    if (status && status !== 'closed' && tierAt(window, serviceId) !== undefined) count++;
  }
  return count;
}

/** ahead × average service time ÷ windows serving it; with no window open yet, assume one will. */
export function estimatedWaitMinutes(state: HallState, serviceId: string, ahead: number): number {
  const service = serviceConfig(state, serviceId);
  const averageSeconds =
    state.serviceStats[serviceId]?.avgServiceSeconds ?? (service?.initialServiceMinutes ?? 5) * 60;
  const windows = Math.max(1, windowsServing(state, serviceId));
  return Math.round((ahead * averageSeconds) / windows / 60);
}

export function waitingCounts(state: HallState): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const service of state.config.services) counts[service.id] = 0;
  const index = waitingIndexOf(state.tickets);
  if (index) {
    for (const [serviceId, waiting] of index.byService) {
      const count = waitingCount(waiting);
      if (count > 0 || serviceId in counts) counts[serviceId] = count;
    }
    return counts;
  }
  for (const ticket of state.tickets.values()) if (isWaiting(ticket)) counts[ticket.serviceId] = (counts[ticket.serviceId] ?? 0) + 1;
  return counts;
}

/**
 * Rank that puts `ticket` behind the first `after` people of its service queue.
 * Returns 'end' when it belongs at the back (the caller then takes a fresh rank).
 * Ranks are only compared, so any value between two neighbours of the same class will do.
 */
export function rankAfter(state: HallState, ticket: Ticket, after: number, now: number): number | 'end' {
  const queue = serviceQueue(state, ticket.serviceId, now).filter((other) => other.id !== ticket.id);
  if (after >= queue.length) return 'end';
  const cls = classOf(state, ticket, now);
  let lastAhead: Ticket | undefined;
  let firstBehind: Ticket | undefined;
  queue.forEach((other, index) => {
    if (classOf(state, other, now) !== cls) return;
    if (index < after) lastAhead = other;
    else if (!firstBehind) firstBehind = other;
  });
  if (!firstBehind) return 'end';
  if (!lastAhead) return firstBehind.rank - 1;
  return lastAhead.rank + (firstBehind.rank - lastAhead.rank) / 2;
}
