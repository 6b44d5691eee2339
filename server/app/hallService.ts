import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { mayRun } from '../auth/permissions.js';
import { presentResult } from './commandCatalog.js';
import type { Command } from '../protocol/commands.js';
import { type IdSource, execute } from '../domain/engine.js';
import type { HallEvent } from '../protocol/events.js';
import type { Actor, HallState, Ticket } from '../protocol/model.js';
import { boardView, staffView, ticketStatusView } from '../domain/views.js';
import type { BoardView, StaffView, TicketStatusView } from '../protocol/viewTypes.js';
import type { Ack, ErrorBody, ErrorCode } from '../protocol/errors.js';
import { messageFor } from '../protocol/messages.js';
import type { Failure } from '../domain/failure.js';
import { type HallStore, StoreError, type UpdateOutcome } from '../store/port.js';
import type { RateLimits } from './rateLimits.js';

/** A refusal decided on the state an update runs on, before the engine; null lets the command through. */
type Guard = (state: HallState) => Failure | null;

/** Delivers committed events to the hall's connected clients. */
export interface Broadcaster {
  publish(hallId: string, events: HallEvent[]): void;
}

export function refusal(code: ErrorCode, details?: Record<string, unknown>): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code, message: messageFor(code), ...(details ? { details } : {}) } };
}

const MAX_EVENTS_PER_SYNC = 1000;
/** How long (clock ms) an unchanged hall's board or staff view is reused. */
const VIEW_REUSE_MS = 1000;

/** Who the event log names for the server's own clock. */
const SYSTEM_ACTOR: Actor = { kind: 'staff', user: { id: 'system', name: '系统', role: 'admin' } };

function withoutTicketIds(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  const { ticketId: _hidden, ...rest } = details;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The one path every command takes, from REST and sockets alike:
 * authorise → rate-limit → engine inside one atomic store update → acknowledge
 * → broadcast. Nothing is acknowledged or broadcast before the store has
 * made it durable.
 */
export class HallService {
  constructor(
    private readonly store: HallStore,
    private readonly clock: () => number,
    private readonly ids: IdSource,
    private readonly broadcaster: Broadcaster,
    private readonly limits: RateLimits,
    private readonly log: Logger,
  ) {}

  async run(principal: Principal, hallId: string, command: Command): Promise<Ack<unknown>> {
    // Whether a rating's ticket is still live decides which path it takes, so ratings read the stored
    // hall; every other command may look at this process's copy (no round trip to a shared store,
    // issue 16), because the permission is checked again inside the update on the committed state.
    const rating = command.type === 'ticket.rate' && command.ticketId !== undefined;
    const cached = rating ? undefined : this.store.cachedHall?.(hallId);
    const allowed = (state: HallState) => mayRun(principal, hallId, command, state.config.phoneTickets === true);
    // A refusal is never answered from a copy alone: it may predate the change that allows the command.
    const hall = cached && allowed(cached) ? cached : await this.store.loadHall(hallId);
    if (!hall) return refusal('HALL_NOT_FOUND', { hallId });
    const refused: Failure = { code: principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN' };
    if (!allowed(hall)) return refusal(refused.code);
    const rate = await this.limits.forCommand(principal, command);
    if (!rate.ok) return refusal('RATE_LIMITED', { retryAfterSeconds: rate.retryAfterSeconds });
    const guard = (state: HallState) => (allowed(state) ? null : refused);
    const committed =
      rating && !hall.tickets.has(command.ticketId!)
        ? await this.rateStored(hallId, command as Extract<Command, { type: 'ticket.rate' }>, actorOf(principal), guard)
        : await this.commit(hallId, command, actorOf(principal), guard);
    if (!committed.ok) {
      // Only staff are told ticket ids: they are e-ticket links, and kiosks and screens stand in public.
      const details = principal.kind !== 'staff' ? withoutTicketIds(committed.error.details) : committed.error.details;
      return refusal(committed.error.code, details);
    }
    return { ok: true, data: presentResult(command, committed.data, principal) };
  }

  /**
   * The server's own clock acting on a hall (midnight roll-over): no caller to
   * authorise or rate-limit, so it can never be refused for being busy.
   */
  async tick(hallId: string): Promise<Ack<unknown>> {
    return this.commit(hallId, { type: 'hall.tick' }, SYSTEM_ACTOR);
  }

  /**
   * A rating by link or desk for a ticket that has left the live state (after the day, within the rating
   * period): the store's finished ticket is handed to the engine, which decides as for a live one. Ratings of
   * one ticket run one after another, each reading the store after the previous one committed, so a second
   * rating sees the first (ALREADY_RATED) in this process.
   */
  private rateStored(hallId: string, command: Extract<Command, { type: 'ticket.rate' }>, actor: Actor, guard: Guard): Promise<Ack<unknown>> {
    const ticketId = command.ticketId!;
    const previous = this.storedRatings.get(ticketId) ?? Promise.resolve();
    const next = previous.then(async (): Promise<Ack<unknown>> => {
      const record = await this.store.getTicket(ticketId);
      const stored = record?.hallId === hallId ? record.ticket : undefined;
      return this.commit(hallId, { ...command, ...(stored ? { stored } : {}) }, actor, guard);
    });
    const settled = next.catch(() => undefined).then(() => {
      if (this.storedRatings.get(ticketId) === settled) this.storedRatings.delete(ticketId);
    });
    this.storedRatings.set(ticketId, settled);
    return next;
  }

  private readonly storedRatings = new Map<string, Promise<unknown>>();

  /**
   * The hall's default rating for services never rated (off unless `ratings.defaultLevel` is set): the
   * server's daily job hands the engine the store's served tickets, and the engine decides which are due.
   */
  async rateByDefault(hallId: string, tickets: Ticket[]): Promise<Ack<unknown>> {
    return this.commit(hallId, { type: 'ticket.rate-default', tickets }, SYSTEM_ACTOR);
  }

  /** Engine inside one atomic store update (after `guard`, on the same state), then the broadcast. */
  private async commit(hallId: string, command: Command, actor: Actor, guard?: Guard): Promise<Ack<unknown>> {
    let outcome;
    try {
      outcome = await this.store.update(hallId, (state): UpdateOutcome<unknown> => {
        const refused = guard?.(state);
        return refused ? { ok: false, error: refused } : execute(state, command, actor, { now: this.clock(), ids: this.ids });
      });
    } catch (error) {
      if (error instanceof StoreError) {
        this.log.error({ err: error, hallId, command: command.type }, 'store refused a write');
        return refusal('STORE_UNAVAILABLE');
      }
      this.log.error({ err: error, hallId, command: command.type }, 'command failed unexpectedly');
      return refusal('INTERNAL');
    }
    if (!outcome) return refusal('HALL_NOT_FOUND', { hallId });
    if (!outcome.ok) return refusal(outcome.error.code, outcome.error.details);
    // The caller's answer goes out first (it is written in this turn of the event loop); the hall's
    // screens get the events right after, in the next turn, so a clerk never waits on a broadcast.
    const { events } = outcome;
    if (events.length > 0) setImmediate(() => this.broadcaster.publish(hallId, events));
    return { ok: true, data: outcome.result };
  }

  /**
   * The board and staff views are what any client may ask for again and again (GET /board, a
   * snapshot on every connect and far-behind sync): computing one walks every waiting ticket. One
   * view per hall is reused while the hall's seq is unchanged and for at most VIEW_REUSE_MS of the
   * clock, so a crowd of sockets costs one computation, not one each (issue 13 item 2).
   */
  async board(hallId: string): Promise<BoardView | null> {
    return this.reused(this.boards, hallId, boardView);
  }

  async staff(hallId: string): Promise<StaffView | null> {
    return this.reused(this.staffViews, hallId, staffView);
  }

  private readonly boards = new Map<string, { seq: number; at: number; view: BoardView }>();
  private readonly staffViews = new Map<string, { seq: number; at: number; view: StaffView }>();

  private async reused<V>(cache: Map<string, { seq: number; at: number; view: V }>, hallId: string, compute: (hall: HallState, now: number) => V): Promise<V | null> {
    const hall = await this.store.loadHall(hallId);
    if (!hall) return null;
    const now = this.clock();
    const known = cache.get(hallId);
    if (known && known.seq === hall.seq && now >= known.at && now - known.at < VIEW_REUSE_MS) return known.view;
    const view = compute(hall, now);
    if (cache.size > 10_000) cache.clear(); // bounded: far more halls than one process serves
    cache.set(hallId, { seq: hall.seq, at: now, view });
    return view;
  }

  async ticket(ticketId: string): Promise<(TicketStatusView & { hallId: string }) | null> {
    const record = await this.store.getTicket(ticketId);
    if (!record) return null;
    const hall = await this.store.loadHall(record.hallId);
    return { hallId: record.hallId, ...ticketStatusView(hall, record.ticket, this.clock()) };
  }

  /** Events after `sinceSeq`; `complete: false` means the gap is too large and the client should take a snapshot. */
  /**
   * A screen's catch-up: the events after `sinceSeq` if there are at most `max`, else null (it
   * takes a snapshot). A client further behind is told so without the log being read at all.
   */
  async catchUp(hallId: string, sinceSeq: number, max: number): Promise<HallEvent[] | null> {
    const hall = await this.store.loadHall(hallId);
    if (hall && hall.seq - sinceSeq > max) return null;
    const { events, complete } = await this.eventsSince(hallId, sinceSeq, max);
    return complete ? events : null;
  }

  async eventsSince(hallId: string, sinceSeq: number, max = MAX_EVENTS_PER_SYNC): Promise<{ events: HallEvent[]; complete: boolean }> {
    const limit = Math.min(max, MAX_EVENTS_PER_SYNC);
    const events = await this.store.eventsSince(hallId, sinceSeq, limit + 1);
    // A client further behind than the retention period finds a hole at the start: it needs a snapshot.
    const gap = events.length > 0 && events[0]!.seq !== sinceSeq + 1;
    return { events: events.slice(0, limit), complete: events.length <= limit && !gap };
  }
}
