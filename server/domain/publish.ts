import type { EventBody } from '../protocol/events.js';
import type { HallState, WindowRuntime } from '../protocol/model.js';
import { classOf, isWaiting } from './queue.js';
import { waitingIndexOf } from '../protocol/rules/waitingIndex.js';
import { type BoardChange, type BoardView, boardChange, boardView, isEmptyChange } from '../protocol/views/board.js';

/**
 * What the screens are told after a command: the change of the board view
 * since the last event (so what moved with the clock alone rides along), and
 * the window runtimes that changed. The screens apply it with the protocol's
 * view functions and need no rule of the engine.
 */

/** The board view a state was last published with; commands on an unchanged hall reuse it. */
const published = new WeakMap<HallState, { at: number; view: BoardView }>();

function boardAt(state: HallState, at: number): BoardView {
  const cached = published.get(state);
  if (cached && cached.at === at) return cached.view;
  return boardView(state, at);
}

function sameRuntime(a: WindowRuntime | undefined, b: WindowRuntime): boolean {
  if (a === undefined) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key as keyof WindowRuntime] !== b[key as keyof WindowRuntime]) return false;
  return true;
}

function changedRuntimes(before: HallState['windows'], after: HallState['windows']): Record<string, WindowRuntime> | undefined {
  let changed: Record<string, WindowRuntime> | undefined;
  for (const id in after) {
    const runtime = after[id]!;
    if (!sameRuntime(before[id], runtime)) (changed ??= {})[id] = runtime;
  }
  return changed;
}

/** Whether a waiting ticket moved to another calling class between two times (a boost, an appointment's slot coming). */
function queueClassesMoved(state: HallState, from: number, to: number): boolean {
  if (from === to) return false;
  const index = waitingIndexOf(state.tickets);
  if (index) {
    for (const waiting of index.byService.values()) {
      for (const list of [waiting.special, waiting.byRank]) for (const ticket of list) if (classOf(state, ticket, from) !== classOf(state, ticket, to)) return true;
    }
    return false;
  }
  for (const ticket of state.tickets.values()) {
    if (isWaiting(ticket) && classOf(state, ticket, from) !== classOf(state, ticket, to)) return true;
  }
  return false;
}

export interface Publication {
  board?: BoardChange;
  runtimes?: Record<string, WindowRuntime>;
  /** Something changed that no event of the command tells: a `hall:clock` event must carry it. */
  needsClockEvent: boolean;
}

/**
 * Compares the hall as last published with the hall after the command. A
 * new configuration reshapes the views (screens take a fresh snapshot), so
 * nothing is computed for it.
 */
export function publication(before: HallState, after: HallState, bodies: readonly EventBody[], now: number): Publication {
  if (bodies.some((body) => body.type === 'hall:configured')) return { needsClockEvent: false };
  const since = before.publishedAt ?? now;
  const afterView = boardView(after, now);
  published.set(after, { at: now, view: afterView });
  const board = boardChange(boardAt(before, since), afterView);
  const runtimes = changedRuntimes(before.windows, after.windows);
  const changed = !isEmptyChange(board) || runtimes !== undefined;
  return {
    ...(isEmptyChange(board) ? {} : { board }),
    ...(runtimes ? { runtimes } : {}),
    needsClockEvent: bodies.length === 0 && (changed || queueClassesMoved(before, since, now)),
  };
}
