import type { Clerk, HallConfig, HallState, PauseReason, Ticket, WindowStatus } from './model.js';

/**
 * The read models the screens show, as they travel on the wire. The board view
 * is public (wall boards, kiosks, phones): no personal data, no ticket ids, no
 * check-in codes. The staff view adds what clerks and supervisors need to act.
 * The engine computes them (server/domain/views.ts).
 */

export interface BoardService {
  id: string;
  name: string;
  nameAlt?: string;
  prefix: string;
  department?: string;
  waiting: number;
  estimatedWaitMinutes: number;
  /** Why a ticket cannot be taken now (OUTSIDE_HOURS, CAP_REACHED, SERVICE_UNAVAILABLE), or null. */
  unavailable: string | null;
}

export interface BoardWindow {
  id: string;
  number: number;
  name: string;
  nameAlt?: string;
  department?: string;
  status: WindowStatus;
  currentTicket: string | null;
  currentServiceId: string | null;
  pauseReason: PauseReason | null;
  pauseNote: string | null;
  /** 工作人员公示: the clerk on duty, as the hall publishes it on the window. */
  clerk: Pick<Clerk, 'name' | 'staffNo' | 'post'> | null;
  /** The window screen shows the evaluator while this is set. */
  awaitingRating: boolean;
}

export interface BoardView {
  hall: Pick<HallConfig, 'id' | 'name' | 'nameAlt' | 'timeZone' | 'secondLanguage' | 'complaintPhone' | 'evaluationMinutes' | 'callTemplateAlt'> & {
    /** Whether the phone take-a-number page may issue tickets. */
    phoneTickets: boolean;
    /** Set when the hall was retired: screens show 「本大厅已停止服务」 instead of queues. */
    archivedAt?: number;
  };
  day: string;
  seq: number;
  services: BoardService[];
  windows: BoardWindow[];
  recentCalls: HallState['recentCalls'];
  announcements: HallState['announcements'];
}

export interface TicketStatusView {
  id: string;
  number: string;
  serviceId: string;
  serviceName: string;
  status: Ticket['status'];
  priority: boolean;
  ahead: number;
  estimatedWaitMinutes: number;
  issuedAt: number;
  calledAt: number | null;
  window: { id: string; number: number; name: string } | null;
}

export interface StaffView extends BoardView {
  /** Every live ticket, queues in calling order per service. */
  queues: Record<string, Ticket[]>;
  windowsRuntime: HallState['windows'];
  current: Ticket[];
  noShows: Ticket[];
  maxWaitMinutes: number;
  policy: HallState['config']['policy'];
  serviceWindows: Record<string, string[]>;
  /** Each service's materials list, for the one-time notice of missing materials. */
  serviceMaterials: Record<string, string[]>;
}

/** A hall as the pickers list it (GET /api/halls). */
export interface HallSummary {
  id: string;
  name: string;
  nameAlt?: string;
  timeZone: string;
  /** Set when the hall was retired; pickers leave such halls out. */
  archivedAt?: number;
}
