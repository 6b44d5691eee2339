import type { HallState } from './model.js';

/**
 * A private copy of a hall for one command, made only as deep as handlers
 * write: records they change field by field (tickets, window runtimes,
 * appointments, service stats) are copied one level; lists are copied; the
 * configuration, which no command changes, is shared. Much cheaper than a
 * deep clone for every command, and the property tests check that the input
 * state is never changed.
 */
export function draftOf(state: HallState): HallState {
  return {
    ...state,
    counters: { ...state.counters },
    tickets: copyRecords(state.tickets),
    windows: copyRecords(state.windows),
    serviceStats: copyRecords(state.serviceStats),
    appointments: copyRecords(state.appointments),
    announcements: [...state.announcements],
    recentCalls: [...state.recentCalls],
    requests: [...state.requests],
  };
}

function copyRecords<T extends object>(records: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const key in records) copy[key] = { ...records[key]! };
  return copy;
}
