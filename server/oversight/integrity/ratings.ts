import type { HallEvent } from '../../protocol/events.js';
import type { HallState } from '../../protocol/model.js';
import { Groups, dayOf, type SignalDraft, type Subject } from './collector.js';
import type { Detector, DetectorContext } from './detector.js';

type Rated = Extract<HallEvent, { type: 'ticket:rated' }>;

const TOP_LEVEL = 5;

/**
 * 'rating-burst' (ratings at one window, `ratingBurstCount` or more within `ratingBurstSeconds`) and
 * 'rating-all-top' (a day's share of 非常满意 at a window and clerk, over at least `allTopMinRatings`).
 * The hall's default ratings are the system's, not anybody's word, and are left out of both.
 */
export function ratingDetector(context: DetectorContext): Detector {
  const byWindowDay = new Map<string, { day: string; windowId: string; ratings: { event: Rated; subject: Subject }[] }>();
  const perClerk = new Groups<number>();
  return {
    before(event: HallEvent, state: HallState) {
      if (event.type !== 'ticket:rated' || event.channel === 'default' || event.windowId === undefined) return;
      const day = dayOf(event.at, context.timeZone);
      const runtimeClerk = state.windows[event.windowId]?.clerk;
      const clerk = event.clerkId === undefined ? undefined : runtimeClerk?.id === event.clerkId ? runtimeClerk : { id: event.clerkId, name: event.clerkId };
      const subject: Subject = { windowId: event.windowId, ...(clerk ? { clerk } : {}) };
      const key = `${day}\u0000${event.windowId}`;
      let entry = byWindowDay.get(key);
      if (!entry) byWindowDay.set(key, (entry = { day, windowId: event.windowId, ratings: [] }));
      entry.ratings.push({ event, subject });
      perClerk.add(day, subject, [event], [], event.level);
    },
    signals(): SignalDraft[] {
      return [...bursts(), ...allTop()];
    },
  };

  function bursts(): SignalDraft[] {
    const { ratingBurstCount: count, ratingBurstSeconds: seconds } = context.settings;
    const found: SignalDraft[] = [];
    for (const { day, ratings } of byWindowDay.values()) {
      // A rating is in a burst when some `count` consecutive ratings around it fit in `seconds`; runs of such ratings are bursts.
      const inBurst = ratings.map(() => false);
      for (let first = 0; first + count - 1 < ratings.length; first++) {
        if (ratings[first + count - 1]!.event.at - ratings[first]!.event.at > seconds * 1000) continue;
        for (let index = first; index < first + count; index++) inBurst[index] = true;
      }
      let run: typeof ratings = [];
      const close = () => {
        if (run.length >= count) found.push(burstSignal(day, run, count));
        run = [];
      };
      ratings.forEach((rating, index) => (inBurst[index] ? run.push(rating) : close()));
      close();
    }
    return found;
  }

  function allTop(): SignalDraft[] {
    const { allTopShare, allTopMinRatings } = context.settings;
    const found: SignalDraft[] = [];
    for (const group of perClerk.entries()) {
      const total = group.extra.length;
      if (total < allTopMinRatings) continue;
      const share = group.extra.filter((level) => level === TOP_LEVEL).length / total;
      if (share < allTopShare) continue;
      found.push({
        kind: 'rating-all-top',
        day: group.day,
        subject: group.subject,
        amount: Math.round(share * 1000) / 10,
        unit: 'percent',
        threshold: Math.round(allTopShare * 1000) / 10,
        evidence: group.events,
      });
    }
    return found;
  }
}

/** The burst is the window's; its clerk is the one most of its ratings name. */
function burstSignal(day: string, run: { event: Rated; subject: Subject }[], threshold: number): SignalDraft {
  const votes = new Map<string, { subject: Subject; count: number }>();
  for (const { subject } of run) {
    const key = subject.clerk?.id ?? '';
    const vote = votes.get(key) ?? { subject, count: 0 };
    vote.count += 1;
    votes.set(key, vote);
  }
  const subject = [...votes.values()].sort((a, b) => b.count - a.count)[0]!.subject;
  return {
    kind: 'rating-burst',
    day,
    subject,
    amount: run.length,
    unit: 'count',
    threshold,
    tickets: run.map(({ event }) => event.ticket.number),
    evidence: run.map(({ event }) => event),
  };
}
