import type { HallState, Ticket } from '../../server/protocol/model.js';
import { TicketMap } from '../../server/protocol/ticketMap.js';

/** A hall as plain data, the live tickets as [id, ticket] pairs in order: a deep copy to compare with `isDeepStrictEqual`. */
export type PlainHall = Omit<HallState, 'tickets'> & { tickets: Array<[string, Ticket]> };

export function plainHall(state: HallState): PlainHall {
  return structuredClone({ ...state, tickets: state.tickets.entries() });
}

/** A hall back from JSON (where its live tickets are an object keyed by id), as the engine takes it. */
export function hallFromJson(json: string): HallState {
  const parsed = JSON.parse(json) as Omit<HallState, 'tickets'> & { tickets: Record<string, Ticket> };
  return { ...parsed, tickets: TicketMap.fromRecord(parsed.tickets) };
}
