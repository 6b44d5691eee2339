/**
 * The floor's commands, shared by its socket and REST entry points: validate
 * (zod, strict, bounded, as HallQ does), change the hall in memory, append
 * the one event, answer after the commit, then broadcast it once.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FloorEvent, FloorHall, FloorView } from './hall.js';
import type { FloorLog } from './log.js';

export type Answer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

const id = z.string().min(1).max(64);
const schemas = {
  'ticket:issue': z.strictObject({ serviceId: id, requestId: id.optional() }),
  'window:open': z.strictObject({ windowId: id, requestId: id.optional() }),
  'window:call-next': z.strictObject({ windowId: id, requestId: id.optional() }),
  'hall:sync': z.strictObject({ sinceSeq: z.number().int().min(-1) }),
} as const;

/** How many events a sync answers before it sends a snapshot instead. */
const SYNC_LIMIT = 500;

const refuse = (code: string, message = code): Answer => ({ ok: false, error: { code, message } });

export class FloorCommands {
  /** The one staff token (the bench logs in as admin); random per process. */
  readonly token = randomBytes(24).toString('base64url');

  constructor(
    private readonly halls: ReadonlyMap<string, FloorHall>,
    private readonly log: FloorLog,
    private readonly broadcast: (hallId: string, event: FloorEvent) => void,
  ) {}

  view(hallId: string): FloorView | null {
    return this.halls.get(hallId)?.view() ?? null;
  }

  async run(hallId: string, name: string, payload: unknown): Promise<Answer> {
    const hall = this.halls.get(hallId);
    if (!hall) return refuse('NOT_FOUND');
    const now = Date.now();
    let outcome: { data: unknown; event: FloorEvent } | string;
    if (name === 'ticket:issue') {
      const input = schemas['ticket:issue'].safeParse(payload);
      if (!input.success) return refuse('VALIDATION_FAILED');
      const r = hall.issue(input.data.serviceId, now);
      outcome = typeof r === 'string' ? r : { data: { ...r.ticket, ahead: r.ahead }, event: r.event };
    } else if (name === 'window:open') {
      const input = schemas['window:open'].safeParse(payload);
      if (!input.success) return refuse('VALIDATION_FAILED');
      const r = hall.open(input.data.windowId, now);
      outcome = typeof r === 'string' ? r : { data: { windowId: input.data.windowId }, event: r };
    } else if (name === 'window:call-next') {
      const input = schemas['window:call-next'].safeParse(payload);
      if (!input.success) return refuse('VALIDATION_FAILED');
      const r = hall.callNext(input.data.windowId, now);
      outcome = typeof r === 'string' ? r : { data: { ...r.ticket, ...(r.finished ? { finished: { id: r.finished.id } } : {}) }, event: r.event };
    } else {
      return refuse('UNKNOWN_COMMAND');
    }
    if (typeof outcome === 'string') return refuse(outcome);
    await this.log.append(outcome.event);
    // Answer in the commit's turn, screens in the next: the order HallQ uses.
    const { event } = outcome;
    setImmediate(() => this.broadcast(hallId, event));
    return { ok: true, data: outcome.data };
  }

  sync(hallId: string, payload: unknown): Answer {
    const input = schemas['hall:sync'].safeParse(payload);
    const view = this.view(hallId);
    if (!input.success || !view) return refuse('VALIDATION_FAILED');
    const missing = view.seq - input.data.sinceSeq;
    if (missing <= SYNC_LIMIT && input.data.sinceSeq >= 0) {
      return { ok: true, data: { kind: 'events', events: this.log.eventsSince(hallId, input.data.sinceSeq, SYNC_LIMIT) } };
    }
    return { ok: true, data: { kind: 'snapshot', snapshot: { audience: 'public', view } } };
  }
}
