import type { HallEvent } from '../../protocol/events.js';
import type { HallState, Outcome } from '../../protocol/model.js';
import { Groups, dayOf, subjectAt, type SignalDraft } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';

type Finished = Extract<HallEvent, { type: 'ticket:finished' }>;

/** A consultation or a refused application is short by nature; only services actually done are measured. */
const MEASURED: ReadonlySet<Outcome> = new Set<Outcome>(['completed', 'accepted']);

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * 'short-service': per window and clerk a day, at least `shortServiceCount` services under
 * `shortServiceShare` of the service's norm. The norm is the service's configured length
 * (`initialServiceMinutes`); a service no longer configured is measured against its month's median
 * over the events given (the route reads whole months for it).
 */
export function shortServiceDetector(context: DetectorContext): Detector {
  const finished: { event: Finished; day: string; subject: ReturnType<typeof subjectAt> }[] = [];
  return {
    before(event: HallEvent, state: HallState) {
      if (event.type !== 'ticket:finished' || !MEASURED.has(event.outcome)) return;
      finished.push({ event, day: dayOf(event.at, context.timeZone), subject: subjectAt(state, event.windowId) });
    },
    signals(): SignalDraft[] {
      const monthly = new Map<string, number[]>();
      for (const { event, day } of finished) {
        const key = `${event.ticket.serviceId}\u0000${day.slice(0, 7)}`;
        let seconds = monthly.get(key);
        if (!seconds) monthly.set(key, (seconds = []));
        seconds.push(event.serviceSeconds);
      }
      const normSeconds = (serviceId: string, day: string): number | undefined => {
        const configured = context.config.services.find((service) => service.id === serviceId)?.initialServiceMinutes;
        if (configured !== undefined && configured > 0) return configured * 60;
        return median(monthly.get(`${serviceId}\u0000${day.slice(0, 7)}`) ?? []);
      };
      const groups = new Groups();
      for (const { event, day, subject } of finished) {
        const norm = normSeconds(event.ticket.serviceId, day);
        if (norm === undefined || event.serviceSeconds >= norm * context.settings.shortServiceShare) continue;
        groups.add(day, subject, [event], [event.ticket.number], 1);
      }
      const threshold = context.settings.shortServiceCount;
      return [...groups.entries()]
        .filter((group) => group.extra.length >= threshold)
        .map((group) => ({
          kind: 'short-service',
          day: group.day,
          subject: group.subject,
          amount: group.extra.length,
          unit: 'count',
          threshold,
          tickets: group.tickets,
          evidence: group.events,
        }));
    },
  };
}
