import type { Channel, RatingLevel, Ticket, WindowRuntime } from './model.js';
import type { PrintJobView } from './printing.js';

/** What issuing (or an appointment check-in) answers, over REST and sockets alike. */
export interface IssuedTicketAnswer {
  id: string;
  number: string;
  serviceId: string;
  ahead: number;
  estimatedWaitMinutes: number;
  issuedAt: number;
  priority: boolean;
  channel: Channel;
}

/** What call-next and call answer: the called ticket, whether it was out of order, and what got finished first. */
export type CalledTicketAnswer = Ticket & { outOfOrder: boolean; finished?: Ticket };

/** What the window commands without a ticket answer (open, take-over, pause, resume, close). */
export interface WindowAnswer {
  windowId: string;
  window: WindowRuntime;
}

/** What a window screen or device learns of its rating: nothing beyond what it sent. */
export interface RatingAnswer {
  number: string;
  level: RatingLevel | undefined;
}

/** What a kiosk gets for POST /api/halls/:hallId/kiosk/tickets. */
export interface KioskTicketAnswer {
  ticket: IssuedTicketAnswer;
  /** The phone link to this ticket; the kiosk shows it as a QR code, the slip prints it. */
  eTicketUrl: string;
  /** null when the citizen chose an e-ticket instead of paper. */
  print: PrintJobView | null;
}

/** What a window notice (一次性告知单, 受理回执) answers. */
export interface NoticeAnswer {
  job: PrintJobView;
  ticketNumber: string;
  /** For an acceptance receipt: the promised completion date (YYYY-MM-DD). */
  promisedDate?: string;
}
