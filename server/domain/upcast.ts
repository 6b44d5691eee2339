import { EVENT_VERSION, type HallEvent } from '../protocol/events.js';

/**
 * Stored events are read in today's shape: each step takes an event of
 * version n to version n + 1, and `upcast` runs the steps an event needs.
 * Both stores call it on everything they read from the log (`eventsSince`),
 * so the engine, the screens and the statistics see one shape only.
 *
 * To change an event's shape: bump EVENT_VERSION (events.ts) and add the step
 * here, keyed by the version it starts from. Steps are pure and never fail; a
 * field an old event never had gets the value that means "not recorded".
 */
type Stored = Record<string, unknown> & { type: string };

const STEPS: Record<number, (event: Stored) => Stored> = {
  // Version 1 (no `v`) to 2: what 2 added to `hall:configured`, the whole `config`, cannot be
  // recovered from the event alone; evolve rebuilds the configuration from its audit (`changes`).
  1: (event) => event,
};

function versionOf(event: Stored): number {
  return typeof event.v === 'number' && Number.isInteger(event.v) && event.v >= 1 ? event.v : 1;
}

/** An event as stored, in any version so far, in the current one. A newer version than this code knows is refused. */
export function upcast(stored: unknown): HallEvent {
  let event = stored as Stored;
  let version = versionOf(event);
  if (version > EVENT_VERSION) throw new RangeError(`event of version ${version}; this server reads up to ${EVENT_VERSION}`);
  while (version < EVENT_VERSION) {
    const step = STEPS[version];
    if (!step) throw new RangeError(`no upcaster from event version ${version}`);
    event = step(event);
    version += 1;
  }
  return (event.v === EVENT_VERSION ? event : { ...event, v: EVENT_VERSION }) as unknown as HallEvent;
}

/** A page of stored events in the current shape; events already current are returned as they are. */
export function upcastAll(stored: readonly unknown[]): HallEvent[] {
  return stored.map(upcast);
}
