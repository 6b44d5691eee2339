/**
 * The views' types, in one place for the apps: the shapes are declared beside
 * the pure view functions that build and update them (views/), so a field is
 * added once.
 */
export type { BoardService, BoardView, BoardWindow } from './views/board.js';
export type { StaffView } from './views/staff.js';
export type { TicketStatusView } from './views/ticket.js';

/** A hall as the pickers list it (GET /api/halls). */
export interface HallSummary {
  id: string;
  name: string;
  nameAlt?: string;
  timeZone: string;
  /** Set when the hall was retired; pickers leave such halls out. */
  archivedAt?: number;
}
