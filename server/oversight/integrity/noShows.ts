import type { HallEvent } from '../../protocol/events.js';
import type { HallState } from '../../protocol/model.js';
import { Groups, dayOf, subjectAt, type SignalDraft } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';

/** 'quick-no-show': a no-show marked within `quickNoShowSeconds` of the ticket's last call (a recall is a call). */
export function quickNoShowDetector(context: DetectorContext): Detector {
  const lastCall = new Map<string, HallEvent>();
  const groups = new Groups();
  const limitMs = context.settings.quickNoShowSeconds * 1000;
  return {
    before(event: HallEvent, state: HallState) {
      if (event.type === 'ticket:called' || event.type === 'ticket:recalled') {
        lastCall.set(event.ticket.id, event);
        return;
      }
      if (event.type !== 'ticket:no-show') return;
      const call = lastCall.get(event.ticket.id);
      if (!call || event.at - call.at >= limitMs) return;
      groups.add(dayOf(event.at, context.timeZone), subjectAt(state, event.windowId), [call, event], [event.ticket.number], 1);
    },
    signals(): SignalDraft[] {
      return groups.countSignals('quick-no-show');
    },
  };
}
