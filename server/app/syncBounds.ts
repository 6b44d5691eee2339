/**
 * How much a `hall:sync` may answer as events before it answers one snapshot
 * instead: a client far behind (or an attacker asking from 0 again and again)
 * must not make the server build and send thousands of events. The snapshot
 * is what the client needs anyway, and its size is bounded by the hall.
 */
export const SYNC_MAX_EVENTS = 200;
export const SYNC_MAX_BYTES = 64 * 1024;

export function fitsSyncAnswer(events: readonly unknown[]): boolean {
  return events.length <= SYNC_MAX_EVENTS && JSON.stringify(events).length <= SYNC_MAX_BYTES;
}
