import type { HallEvent } from '../../protocol/events.js';
import type { HallState } from '../../protocol/model.js';
import { Groups, dayOf, subjectAt, type SignalDraft } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';

type Transfer = Extract<HallEvent, { type: 'ticket:transferred' }>;

/**
 * 'transfer-bounced': a ticket transferred away from window A and, at the window it reached, transferred
 * back to A (by window, or to the service it had at A). The signal is the bouncing window's: the citizen
 * was sent back instead of served (首问负责).
 */
export function transferBouncedDetector(context: DetectorContext): Detector {
  const last = new Map<string, Transfer>();
  const groups = new Groups();
  return {
    before(event: HallEvent, state: HallState) {
      if (event.type !== 'ticket:transferred') return;
      const previous = last.get(event.ticket.id);
      last.set(event.ticket.id, event);
      if (!previous || previous.fromWindowId === event.fromWindowId) return;
      const cameFrom = previous.ticket.transfer;
      const backToWindow = event.toWindowId !== undefined && event.toWindowId === previous.fromWindowId;
      const backToService = event.toWindowId === undefined && cameFrom !== undefined && event.toServiceId === cameFrom.fromServiceId;
      if (!backToWindow && !backToService) return;
      groups.add(dayOf(event.at, context.timeZone), subjectAt(state, event.fromWindowId), [previous, event], [event.ticket.number], 1);
    },
    signals(): SignalDraft[] {
      return groups.countSignals('transfer-bounced');
    },
  };
}
