import type { VoiceSource } from './voice.js';
import type { Clerk, HallConfig, HallState, PauseReason, Ticket, WindowStatus } from './model.js';
import type { IssuingRefusal } from './rules/issuing.js';

/**
 * The board view's shapes, apart from the functions that build and update it
 * (views/), so that the event types can name a board change without an
 * import cycle.
 */

export interface BoardService {
  id: string;
  name: string;
  nameAlt?: string;
  prefix: string;
  department?: string;
  departmentAlt?: string;
  waiting: number;
  estimatedWaitMinutes: number;
  /** Why a ticket cannot be taken now (OUTSIDE_HOURS, CAP_REACHED, SERVICE_UNAVAILABLE), or null. */
  unavailable: IssuingRefusal | null;
  /** Windows open (or briefly paused) that serve it now: with none, a screen says so instead of a wait. */
  windowsServing: number;
}

export interface BoardWindow {
  id: string;
  number: number;
  name: string;
  nameAlt?: string;
  department?: string;
  /** The services the window handles, first tier first: its screen lists them while it waits (办理业务). */
  serviceIds: string[];
  status: WindowStatus;
  currentTicket: string | null;
  currentServiceId: string | null;
  pauseReason: PauseReason | null;
  pauseNote: string | null;
  /** 工作人员公示: the clerk on duty, as the hall publishes it on the window. */
  clerk: Pick<Clerk, 'name' | 'staffNo' | 'post'> | null;
  /** The window screen shows the evaluator while this is set. */
  awaitingRating: boolean;
  /**
   * 一次一评: the number and service the window screen rates now (the ticket last finished there, while it may
   * still be rated), or null. Named, not just flagged, so that a newly finished ticket is a change even while the
   * previous one was left unrated, and so that the screen shows (and sends) the number the citizen rates.
   */
  ratingFor: { number: string; serviceId: string } | null;
}

export interface BoardView {
  hall: Pick<HallConfig, 'id' | 'name' | 'nameAlt' | 'timeZone' | 'secondLanguage' | 'complaintPhone' | 'evaluationMinutes' | 'callTemplateAlt' | 'callTemplate'> & {
    /** Where the board takes its call voice from, in the hall's order (protocol/voice.ts). */
    voiceSources: VoiceSource[];
    /** Whether the phone take-a-number page may issue tickets. */
    phoneTickets: boolean;
    /** Set when the hall was retired: screens show 「本大厅已停止服务」 instead of queues. */
    archivedAt?: number;
    /** The reasons a 差评 chooses from (the hall's list, defaults filled in). */
    ratingReasons: string[];
    /** 无声叫号: set when the hall sends text messages, so kiosk, phone page and desk offer to take a number. */
    notifySms?: true;
    /** 无声叫号 on the e-ticket page: vibrate and sound once this many or fewer are ahead. */
    phoneAlertAt?: number;
  };
  day: string;
  seq: number;
  services: BoardService[];
  windows: BoardWindow[];
  recentCalls: HallState['recentCalls'];
  announcements: HallState['announcements'];
}

/**
 * What a command (or the clock) changed in the board view, carried by the
 * last event of the command (or by `hall:clock`). Entries are whole and
 * absolute (a changed service or window is sent as it now is; a changed list
 * is sent whole), so applying one twice does nothing more, and screens need
 * none of the engine's rules: waiting counts, estimates, availability, the
 * rating window and expiry are all decided here, on the server, once.
 */
export interface BoardChange {
  day?: string;
  services?: BoardService[];
  windows?: BoardWindow[];
  recentCalls?: HallState['recentCalls'];
  announcements?: HallState['announcements'];
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
  /** 好差评: the level given (by whichever channel), or null. */
  rating: Ticket['rating'] | null;
  /** Until when (epoch ms) the e-ticket / QR code may rate this service; null when it cannot (not served, rated, period over). */
  rateableUntil: number | null;
  /** The reasons a 差评 chooses from. */
  ratingReasons: string[];
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
