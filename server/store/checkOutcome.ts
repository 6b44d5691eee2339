import type { HallEvent } from '../protocol/events.js';
import type { HallState } from '../protocol/model.js';

/** Rejects an outcome that would break the event log; these are programming errors, not refusals. */
export function checkOutcome(hallId: string, before: HallState, outcome: { state: HallState; events: HallEvent[] }): void {
  const { state, events } = outcome;
  if (!state || typeof state !== 'object' || !Array.isArray(events)) {
    throw new Error(`update(${hallId}): an ok outcome needs a state and an events array`);
  }
  if (state === before && events.length > 0) {
    throw new Error(`update(${hallId}): fn returned its input state object; it must return a new state`);
  }
  if (state.requests !== undefined && !Array.isArray(state.requests)) {
    throw new Error(`update(${hallId}): returned state.requests is not an array`);
  }
  if (state.config?.id !== hallId) {
    throw new Error(`update(${hallId}): returned state belongs to hall ${String(state.config?.id)}`);
  }
  for (let k = 0; k < events.length; k++) {
    const event = events[k]!;
    const expected = before.seq + 1 + k;
    if (event.seq !== expected) {
      throw new Error(`update(${hallId}): event #${k} (${event.type}) has seq ${event.seq}, expected ${expected}`);
    }
    if (event.hallId !== hallId) {
      throw new Error(`update(${hallId}): event seq ${event.seq} names hall ${event.hallId}`);
    }
    if (typeof event.type !== 'string' || !Number.isFinite(event.at)) {
      throw new Error(`update(${hallId}): event seq ${event.seq} needs a type and a numeric "at"`);
    }
  }
  const lastSeq = events.length > 0 ? events[events.length - 1]!.seq : before.seq;
  if (state.seq !== lastSeq) {
    throw new Error(`update(${hallId}): returned state.seq ${state.seq} but the last event seq is ${lastSeq}`);
  }
}

/**
 * The events a hall is created with, if any, must be its whole log so far:
 * seqs 1..state.seq, all of this hall. (Without events, a hall may be created
 * at any seq: a store keeps whatever state it is given.)
 */
export function checkCreationEvents(hallId: string, seq: number, events: readonly HallEvent[]): void {
  if (events.length === 0) return;
  events.forEach((event, k) => {
    if (event.seq !== k + 1 || event.hallId !== hallId || typeof event.type !== 'string' || !Number.isFinite(event.at)) {
      throw new Error(`createHall(${hallId}): creation event #${k} must be seq ${k + 1} of this hall with a type and a numeric "at"`);
    }
  });
  if (events.length !== seq) throw new Error(`createHall(${hallId}): state.seq ${seq} but ${events.length} creation event(s)`);
}
