import { draftOf } from '../../domain/draft.js';
import { applyEvent } from '../../domain/evolve.js';
import { selectNext } from '../../domain/queue.js';
import type { HallEvent } from '../../protocol/events.js';
import type { HallState, Ticket } from '../../protocol/model.js';
import { Groups, dayOf, subjectAt, type SignalDraft } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';

/** More than this many tickets passed over by one call are not listed one by one (the log has them). */
const SKIPPED_LISTED = 200;

/**
 * The tickets the hall's calling rules would have called at `windowId` before `chosen`, in that order:
 * asks the engine's own selectNext, then lets a copy of the hall call that ticket (the engine's
 * applyEvent, so the priority streak moves as it would have), and asks again until the chosen one comes.
 */
export function passedOver(state: HallState, windowId: string, chosen: string, at: number): Ticket[] {
  if (state.tickets.get(chosen)?.status !== 'waiting') return [];
  const hall = draftOf(state);
  const window = hall.config.windows.find((candidate) => candidate.id === windowId);
  const skipped: Ticket[] = [];
  while (skipped.length < SKIPPED_LISTED) {
    const next = selectNext(hall, windowId, at);
    if (!next || next.ticket.id === chosen) break;
    skipped.push(next.ticket);
    applyEvent(hall, {
      type: 'ticket:called',
      v: 0,
      hallId: hall.config.id,
      seq: hall.seq,
      at,
      ticket: { ...next.ticket, status: 'called', windowId, calledAt: at },
      windowId,
      windowNumber: window?.number ?? 0,
      reason: next.reason,
      outOfOrder: false,
      waiting: {},
    });
  }
  return skipped;
}

/** 'out-of-order': a call by number (`window.call`) the engine marked out of order, with who it passed over. */
export function outOfOrderDetector(context: DetectorContext): Detector {
  const groups = new Groups();
  return {
    before(event: HallEvent, state: HallState) {
      if (event.type !== 'ticket:called' || !event.outOfOrder) return;
      const skipped = passedOver(state, event.windowId, event.ticket.id, event.at);
      groups.add(dayOf(event.at, context.timeZone), subjectAt(state, event.windowId), [event], skipped.map((ticket) => ticket.number), 1);
    },
    signals(): SignalDraft[] {
      return groups.countSignals('out-of-order');
    },
  };
}
