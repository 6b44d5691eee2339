/**
 * Hand-built states and events for the store contract suite. Deliberately
 * independent of the engine: a store only has to persist what it is given.
 */
import { EVENT_VERSION, type HallEvent } from '../../server/protocol/events.js';
import type { HallState, RatingCase, Ticket, TicketStatus } from '../../server/protocol/model.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';
import { hallFromJson } from '../helpers/plainHall.js';
import type { DeviceRecord, UpdateOutcome, UserRecord } from '../../server/store/port.js';

export const T0 = Date.UTC(2025, 2, 3, 1, 0, 0); // 2025-03-03 09:00 Asia/Shanghai

/** A valid minimal hall: one service (A), one window (1), nothing issued yet. */
export function makeHallState(id: string): HallState {
  return {
    config: {
      id,
      name: `便民服务中心 ${id}`,
      nameAlt: `Service Hall ${id}`,
      timeZone: 'Asia/Shanghai',
      secondLanguage: 'en',
      maxWaitMinutes: 60,
      evaluationMinutes: 5,
      policy: {
        priorityStreakCap: 2,
        boostAfterMinutes: 45,
        requeueAfter: 3,
        appointmentEarlyMinutes: 10,
        appointmentGraceMinutes: 15,
      },
      services: [
        {
          id: 'svc-a',
          name: '社保业务',
          nameAlt: 'Social insurance',
          prefix: 'A',
          dailyCap: null,
          issuingHours: [],
          timeLimit: { kind: 'immediate' },
          materials: ['居民身份证'],
          initialServiceMinutes: 5,
          enabled: true,
        },
      ],
      windows: [{ id: 'win-1', number: 1, name: '1号窗口', services: [{ serviceId: 'svc-a', tier: 1 }] }],
    },
    seq: 0,
    day: '2025-03-03',
    counters: {},
    rankCounter: 0,
    tickets: TicketMap.empty(),
    windows: { 'win-1': { status: 'closed', priorityStreak: 0 } },
    serviceStats: { 'svc-a': { avgServiceSeconds: 300, samples: 0 } },
    appointments: {},
    announcements: [],
    recentCalls: [],
    requests: [],
  };
}

export function makeTicket(id: string, seqOfDay: number, overrides: Partial<Ticket> = {}): Ticket {
  return {
    id,
    number: `A${String(seqOfDay).padStart(3, '0')}`,
    serviceId: 'svc-a',
    day: '2025-03-03',
    seqOfDay,
    channel: 'kiosk',
    priority: false,
    status: 'waiting',
    issuedAt: T0 + seqOfDay * 1000,
    rank: seqOfDay,
    recallCount: 0,
    noShowCount: 0,
    ...overrides,
  };
}

/** A `ticket:issued` event as the engine would emit it. */
export function ticketIssuedEvent(hallId: string, seq: number, ticket: Ticket, at = ticket.issuedAt): HallEvent {
  return {
    v: EVENT_VERSION,
    type: 'ticket:issued',
    ticket,
    ahead: 0,
    estimatedWaitMinutes: 0,
    waiting: { 'svc-a': 1 },
    hallId,
    seq,
    at,
  };
}

/** Update fn: issue the next ticket of service A (a new state, never mutating the input). */
export function issueNext(state: HallState): UpdateOutcome<Ticket> {
  const hallId = state.config.id;
  const n = (state.counters['svc-a'] ?? 0) + 1;
  const ticket = makeTicket(`${hallId}-t${n}`, n, { rank: state.rankCounter + 1 });
  const seq = state.seq + 1;
  return {
    ok: true,
    state: {
      ...state,
      seq,
      counters: { ...state.counters, 'svc-a': n },
      rankCounter: state.rankCounter + 1,
      tickets: withTicket(state.tickets, ticket),
    },
    events: [ticketIssuedEvent(hallId, seq, ticket)],
    result: ticket,
  };
}

/**
 * Update fn: move a live ticket to `status`, emitting one event carrying it.
 * Terminal tickets leave the hall state, as the engine does.
 */
export function setTicketStatus(ticketId: string, status: TicketStatus, at: number) {
  return (state: HallState): UpdateOutcome<Ticket> => {
    const current = state.tickets.get(ticketId);
    if (!current) return { ok: false, error: { code: 'TICKET_NOT_FOUND' } };
    const hallId = state.config.id;
    const seq = state.seq + 1;
    const ticket: Ticket = { ...current, status, windowId: 'win-1' };
    const tickets = state.tickets.edit();
    let event: HallEvent;
    if (status === 'called') {
      ticket.calledAt = at;
      tickets.set(ticketId, ticket);
      event = {
        v: EVENT_VERSION,
        type: 'ticket:called',
        ticket,
        windowId: 'win-1',
        windowNumber: 1,
        reason: 'queue-order',
        outOfOrder: false,
        waiting: { 'svc-a': 0 },
        hallId,
        seq,
        at,
      };
    } else if (status === 'served') {
      ticket.finishedAt = at;
      ticket.outcome = 'completed';
      tickets.delete(ticketId);
      event = {
        v: EVENT_VERSION,
        type: 'ticket:finished',
        ticket,
        windowId: 'win-1',
        outcome: 'completed',
        serviceSeconds: 60,
        automatic: false,
        hallId,
        seq,
        at,
      };
    } else {
      throw new Error(`fixture cannot set status ${status}`);
    }
    return { ok: true, state: { ...state, seq, tickets }, events: [event], result: ticket };
  };
}

/** Update fn: an event without a ticket (announcement), to check the projection ignores it. */
export function postAnnouncement(id: string, at: number) {
  return (state: HallState): UpdateOutcome<void> => {
    const seq = state.seq + 1;
    const announcement = { id, text: '午间12:00-13:30照常办理', postedAt: at };
    return {
      ok: true,
      state: { ...state, seq, announcements: [...state.announcements, announcement] },
      events: [{ v: EVENT_VERSION, type: 'announcement:posted', announcement, hallId: state.config.id, seq, at }],
      result: undefined,
    };
  };
}

export function makeUser(id: string, username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    username,
    displayName: `张三 ${id}`,
    role: 'clerk',
    hallIds: ['h1'],
    staffNo: `S-${id}`,
    post: '综合受理',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    disabled: false,
    createdAt: T0,
    ...overrides,
  };
}

export function makeDevice(id: string, hallId: string, tokenHash: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    id,
    hallId,
    kind: 'kiosk',
    name: `取号机 ${id}`,
    tokenHash,
    createdAt: T0,
    createdBy: 'admin-1',
    ...overrides,
  };
}

/** A hall holding `count` waiting tickets `${id}-t1` … (issued before the store saw the hall). */
export function makeHallWithTickets(id: string, count: number): HallState {
  const state = makeHallState(id);
  for (let n = 1; n <= count; n++) state.tickets.set(`${id}-t${n}`, makeTicket(`${id}-t${n}`, n));
  state.counters['svc-a'] = count;
  state.rankCounter = count;
  return state;
}

/** Update fn: recall a live ticket (a new ticket object; every other ticket keeps its identity). */
export function recallTicket(ticketId: string, at: number) {
  return (state: HallState): UpdateOutcome<Ticket> => {
    const current = state.tickets.get(ticketId);
    if (!current) return { ok: false, error: { code: 'TICKET_NOT_FOUND' } };
    const seq = state.seq + 1;
    const ticket: Ticket = { ...current, status: 'called', windowId: 'win-1', calledAt: at, recallCount: current.recallCount + 1 };
    return {
      ok: true,
      state: { ...state, seq, tickets: withTicket(state.tickets, ticket) },
      events: [
        { v: EVENT_VERSION, type: 'ticket:recalled', ticket, windowId: 'win-1', windowNumber: 1, recallCount: ticket.recallCount, hallId: state.config.id, seq, at },
      ],
      result: ticket,
    };
  };
}

/**
 * Update fn: a deep copy of the whole state (no object shared with the input,
 * not even the unchanged config or tickets), changed by `change`, plus an
 * announcement so that there is an event.
 */
export function rewriteEverything(change: (copy: HallState) => void, at: number) {
  return (state: HallState): UpdateOutcome<void> => {
    // Nothing shared: every part, every ticket and the ticket map are new objects.
    const copy = hallFromJson(JSON.stringify(state));
    change(copy);
    const seq = state.seq + 1;
    const announcement = { id: `ann-${seq}`, text: '系统维护', postedAt: at };
    copy.seq = seq;
    copy.announcements.push(announcement);
    return {
      ok: true,
      state: copy,
      events: [{ v: EVENT_VERSION, type: 'announcement:posted', announcement, hallId: state.config.id, seq, at }],
      result: undefined,
    };
  };
}

/**
 * Wraps an update fn as the engine handles a command that carries a client
 * requestId: its answer is appended to a copy of `requests` (entries shared)
 * and the oldest are dropped beyond `cap`.
 */
export function withRequest<T>(id: string, step: (state: HallState) => UpdateOutcome<T>, cap = 8) {
  return (state: HallState): UpdateOutcome<T> => {
    const outcome = step(state);
    if (!outcome.ok) return outcome;
    const requests = [...state.requests];
    requests.push({ id, result: outcome.result });
    if (requests.length > cap) requests.splice(0, requests.length - cap);
    return { ...outcome, state: { ...outcome.state, requests } };
  };
}

/** A hall whose `requests` already holds `count` answers `${id}-r1` … (remembered before the store saw it). */
export function makeHallWithRequests(id: string, count: number): HallState {
  const state = makeHallState(id);
  for (let n = 1; n <= count; n++) {
    state.requests.push({ id: `staff:u1|ticket.issue|${id}-r${n}`, result: { ticket: makeTicket(`${id}-old${n}`, n), ahead: n - 1 } });
  }
  return state;
}

/** A 差评 case (case id = ticket id), as the engine keeps it in HallState.ratingCases. */
export function makeRatingCase(ticketId: string, overrides: Partial<RatingCase> = {}): RatingCase {
  return {
    id: ticketId,
    ticketId,
    ticketNumber: 'A001',
    serviceId: 'svc-a',
    windowId: 'win-1',
    level: 1,
    reasons: ['办事效率低'],
    followUpPhone: '13812345678',
    channel: 'window-screen',
    openedAt: T0,
    dueDay: '2025-03-10',
    status: 'open',
    ...overrides,
  };
}

/**
 * Update fn: a 差评 case opened (`opened`) or replaced by its next step, as evolve does it: the cases
 * map is new, every other case is shared with the input state.
 */
export function putRatingCase(rc: RatingCase, at: number) {
  return (state: HallState): UpdateOutcome<RatingCase> => {
    const seq = state.seq + 1;
    const hallId = state.config.id;
    const event: HallEvent =
      rc.status === 'open'
        ? { v: EVENT_VERSION, type: 'rating-case:opened', case: rc, hallId, seq, at }
        : { v: EVENT_VERSION, type: 'rating-case:verified', caseId: rc.id, verification: rc.verification!, hallId, seq, at };
    return { ok: true, state: { ...state, seq, ratingCases: { ...state.ratingCases, [rc.id]: rc } }, events: [event], result: rc };
  };
}

/** A new ticket map: `tickets` and `ticket` (added, or in place of the entry of its id); `tickets` is unchanged. */
export function withTicket(tickets: TicketMap<Ticket>, ticket: Ticket): TicketMap<Ticket> {
  const next = tickets.edit();
  next.set(ticket.id, ticket);
  return next;
}
