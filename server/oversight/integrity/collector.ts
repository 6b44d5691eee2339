import { localTime } from '../../domain/time.js';
import type { HallEvent } from '../../protocol/events.js';
import type { IntegrityEvidence, IntegrityKind, IntegritySignal } from '../../protocol/integrity.js';
import type { Clerk, HallState } from '../../protocol/model.js';

/** Evidence kept per signal; the rest is counted in evidenceTotal (the log has them all). */
export const EVIDENCE_KEPT = 50;

export function evidenceOf(event: HallEvent): IntegrityEvidence {
  const ticketNumber = 'ticket' in event ? event.ticket.number : undefined;
  return { seq: event.seq, at: event.at, type: event.type, ...(ticketNumber !== undefined ? { ticketNumber } : {}) };
}

/** Who a signal is about: a window, and the clerk who held it then. */
export interface Subject {
  windowId?: string;
  clerk?: Pick<Clerk, 'id' | 'name'>;
}

export function subjectAt(state: HallState, windowId: string): Subject {
  const clerk = state.windows[windowId]?.clerk;
  return { windowId, ...(clerk ? { clerk } : {}) };
}

export interface SignalDraft {
  kind: IntegrityKind;
  day: string;
  subject: Subject;
  amount: number;
  unit: IntegritySignal['unit'];
  threshold: number;
  tickets?: readonly string[];
  evidence: readonly HallEvent[];
}

/** A signal as the contract has it: evidence in seq order, each seq once, at most EVIDENCE_KEPT. */
export function signalOf(draft: SignalDraft): IntegritySignal {
  const unique = new Map<number, HallEvent>();
  for (const event of draft.evidence) unique.set(event.seq, event);
  const evidence = [...unique.values()].sort((a, b) => a.seq - b.seq);
  const tickets = draft.tickets ? [...new Set(draft.tickets)] : undefined;
  return {
    kind: draft.kind,
    day: draft.day,
    ...(draft.subject.windowId !== undefined ? { windowId: draft.subject.windowId } : {}),
    ...(draft.subject.clerk ? { clerkId: draft.subject.clerk.id, clerkName: draft.subject.clerk.name } : {}),
    amount: draft.amount,
    unit: draft.unit,
    threshold: draft.threshold,
    ...(tickets && tickets.length > 0 ? { tickets } : {}),
    evidence: evidence.slice(0, EVIDENCE_KEPT).map(evidenceOf),
    evidenceTotal: evidence.length,
  };
}

/** Hall-local day of an instant. */
export function dayOf(at: number, timeZone: string): string {
  return localTime(at, timeZone).day;
}

/**
 * Findings of one kind grouped per day, window and clerk (the unit every signal is reported in):
 * each group keeps its events and ticket numbers until the walk is over.
 */
export class Groups<Extra = number> {
  private readonly groups = new Map<string, { day: string; subject: Subject; events: HallEvent[]; tickets: string[]; extra: Extra[] }>();

  add(day: string, subject: Subject, events: readonly HallEvent[], tickets: readonly string[] = [], extra?: Extra): void {
    const key = `${day}\u0000${subject.windowId ?? ''}\u0000${subject.clerk?.id ?? ''}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { day, subject, events: [], tickets: [], extra: [] }));
    group.events.push(...events);
    group.tickets.push(...tickets);
    if (extra !== undefined) group.extra.push(extra);
  }

  *entries(): Iterable<{ day: string; subject: Subject; events: HallEvent[]; tickets: string[]; extra: Extra[] }> {
    yield* this.groups.values();
  }

  /** Signals that count occurrences, any one of which is worth a look (threshold 1): one per group, `amount` how many. */
  countSignals(kind: IntegrityKind): SignalDraft[] {
    return [...this.groups.values()].map((group) => ({
      kind,
      day: group.day,
      subject: group.subject,
      amount: group.extra.length,
      unit: 'count',
      threshold: 1,
      tickets: group.tickets,
      evidence: group.events,
    }));
  }
}
