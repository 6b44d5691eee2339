import type { HallEvent } from '../../protocol/events.js';
import type { HallState } from '../../protocol/model.js';
import { Groups, subjectAt, type SignalDraft, type Subject } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';
import { splitByDay } from './spans.js';

interface Pause {
  since: number;
  subject: Subject;
  /** The window:paused event; absent for a pause that began before the range. */
  event?: HallEvent;
}

/** 'pause-over-limit': a window's paused minutes a day (per clerk) beyond `pauseMinutesPerDay`. */
export function pauseDetector(context: DetectorContext, start: number, initial: HallState): Detector {
  const open = new Map<string, Pause>();
  for (const [windowId, runtime] of Object.entries(initial.windows)) {
    if (runtime.status === 'paused') open.set(windowId, { since: start, subject: subjectAt(initial, windowId) });
  }
  const groups = new Groups<number>();
  const book = (pause: Pause, until: number, ending?: HallEvent) => {
    const pieces = splitByDay(pause.since, until, context.timeZone);
    pieces.forEach((piece, index) => {
      const events = [...(index === 0 && pause.event ? [pause.event] : []), ...(index === pieces.length - 1 && ending ? [ending] : [])];
      groups.add(piece.day, pause.subject, events, [], piece.end - piece.start);
    });
  };
  return {
    after(event: HallEvent, state: HallState) {
      if (!event.type.startsWith('window:')) return;
      const windowId = (event as { windowId: string }).windowId;
      const paused = state.windows[windowId]?.status === 'paused';
      const running = open.get(windowId);
      if (running && !paused) {
        book(running, event.at, event);
        open.delete(windowId);
      } else if (!running && paused) open.set(windowId, { since: event.at, subject: subjectAt(state, windowId), event });
    },
    signals(end: number): SignalDraft[] {
      for (const pause of open.values()) if (end > pause.since) book(pause, end);
      open.clear();
      const limit = context.settings.pauseMinutesPerDay;
      const found: SignalDraft[] = [];
      for (const group of groups.entries()) {
        const minutes = group.extra.reduce((sum, ms) => sum + ms, 0) / 60_000;
        if (minutes <= limit) continue;
        found.push({ kind: 'pause-over-limit', day: group.day, subject: group.subject, amount: Math.floor(minutes * 10) / 10, unit: 'minutes', threshold: limit, evidence: group.events });
      }
      return found;
    },
  };
}
