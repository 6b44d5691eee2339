import type {
  Announcement,
  Appointment,
  CallReason,
  Clerk,
  HallConfig,
  Outcome,
  PauseReason,
  RatingCase,
  RatingChannel,
  RatingLevel,
  ServiceConfig,
  Ticket,
  WindowConfig,
  WindowRuntime,
} from './model.js';
import type { BoardChange } from './viewTypes.js';

/** Waiting tickets per service after the change, so boards and kiosks never count for themselves. */
export type WaitingCounts = Record<string, number>;

/**
 * Event bodies, named `entity:past-tense`. The store gives each one the hall's
 * next sequence number; the event log is the record that boards replay and
 * statistics read.
 */
export type EventBody =
  | { type: 'ticket:issued'; ticket: Ticket; ahead: number; estimatedWaitMinutes: number; waiting: WaitingCounts }
  | {
      type: 'ticket:called';
      ticket: Ticket;
      windowId: string;
      windowNumber: number;
      reason: CallReason;
      outOfOrder: boolean;
      clerkId?: string;
      waiting: WaitingCounts;
    }
  | { type: 'ticket:recalled'; ticket: Ticket; windowId: string; windowNumber: number; recallCount: number }
  | { type: 'ticket:started'; ticket: Ticket; windowId: string }
  | {
      type: 'ticket:finished';
      ticket: Ticket;
      windowId: string;
      outcome: Outcome;
      caseNumber?: string;
      serviceSeconds: number;
      /** Finished implicitly because the clerk called the next ticket. */
      automatic: boolean;
    }
  | { type: 'ticket:no-show'; ticket: Ticket; windowId: string }
  | { type: 'ticket:requeued'; ticket: Ticket; after: number; waiting: WaitingCounts }
  | {
      type: 'ticket:transferred';
      ticket: Ticket;
      fromWindowId: string;
      toServiceId: string;
      toWindowId?: string;
      note?: string;
      waiting: WaitingCounts;
    }
  | { type: 'ticket:cancelled'; ticket: Ticket; waiting: WaitingCounts }
  | { type: 'ticket:expired'; ticket: Ticket }
  /**
   * 一次一评. `channel` is absent only in events written before channels were recorded. `reasons` (a 差评
   * has at least one) and `note` are the citizen's; the follow-up phone of a 差评 is never in this event
   * (it goes to the case only: the event reaches every staff screen). A 差评 is followed, in the same
   * command, by `rating-case:opened`.
   */
  | {
      type: 'ticket:rated';
      ticket: Ticket;
      windowId?: string;
      level: RatingLevel;
      clerkId?: string;
      channel?: RatingChannel;
      reasons?: string[];
      note?: string;
      /** For channel 'desk': the staff member who recorded the citizen's word. */
      recordedBy?: { id: string; name: string };
    }
  /** A 差评 opened its work order; `case.followUpPhone` is stripped before the event goes to any screen. */
  | { type: 'rating-case:opened'; case: RatingCase }
  | { type: 'rating-case:verified'; caseId: string; verification: NonNullable<RatingCase['verification']> }
  | { type: 'rating-case:fixed'; caseId: string; fix: NonNullable<RatingCase['fix']> }
  | { type: 'rating-case:followed-up'; caseId: string; followUp: NonNullable<RatingCase['followUp']> }
  | { type: 'rating-case:closed'; caseId: string; closed: NonNullable<RatingCase['closed']> }
  /**
   * 网上预约: a booking was made. `code` and `secret` (the manage link's) are given to evolve as the engine
   * applies the event and taken out before it is recorded or sent, like appointment:created's code. The
   * name, phone and idTailHash are personal data: never in a public event, masked in staff events (redact.ts).
   */
  | { type: 'booking:created'; appointment: Omit<Appointment, 'code' | 'secret'>; code?: string; secret?: string }
  /** `by`: the citizen's link, staff of the hall, or the booking platform. */
  | { type: 'booking:cancelled'; appointmentId: string; serviceId: string; slotStart: number; by: BookingCanceller }
  | { type: 'booking:moved'; appointmentId: string; serviceId: string; from: { slotStart: number; slotEnd: number }; to: { slotStart: number; slotEnd: number } }
  /**
   * Not checked in by slot end + the hall's grace, recorded by the engine's clock. `phoneKey` (a hash, never
   * the number) feeds the 失信 record `bookingNoShows`; absent for a booking without a phone.
   */
  | { type: 'booking:no-show'; appointmentId: string; serviceId: string; slotStart: number; phoneKey?: string }
  | { type: 'window:opened'; windowId: string; clerk: Clerk }
  | { type: 'window:taken-over'; windowId: string; clerk: Clerk; previousClerk?: Clerk }
  | { type: 'window:paused'; windowId: string; reason: PauseReason; note?: string }
  | { type: 'window:resumed'; windowId: string; pausedSeconds: number }
  | {
      type: 'window:closed';
      windowId: string;
      clerk?: Clerk;
      /** Tickets that had been transferred to this window and now wait in their service's queue. */
      released: Ticket[];
    }
  /**
   * `code`, the check-in code, is given to evolve as the engine applies the event and taken out before
   * the event is recorded or sent anywhere: the log never holds it, so a hall rebuilt from its log has
   * its bookings without codes (see evolve.ts).
   */
  | { type: 'appointment:created'; appointment: Omit<Appointment, 'code'>; code?: string }
  | { type: 'appointment:checked-in'; appointmentId: string; ticket: Ticket; waiting: WaitingCounts }
  | { type: 'announcement:posted'; announcement: Announcement }
  | { type: 'announcement:removed'; announcementId: string }
  | { type: 'hall:day-started'; day: string; previousDay: string; waiting: WaitingCounts }
  /** Today's business ended: `expired` tickets left the queues; `automatic` when at the hall's closeDayAt. */
  | { type: 'hall:day-closed'; day: string; expired: number; automatic: boolean; waiting: WaitingCounts }
  /**
   * A configuration change: `config` is the whole new configuration (what the hall is rebuilt from),
   * `changes` the audit of it, what each changed part was before and is after (null = absent).
   * `config` is absent only in events written before version 2, which are rebuilt from `changes`.
   * `closeDayWaivedFor`: the change put today's closing time in the past; today does not close by itself.
   */
  | { type: 'hall:configured'; changes: ConfigChange[]; config?: HallConfig; closeDayWaivedFor?: string }
  /** The hall came into being (always seq 1): from a template or an imported configuration; `actor` says who. */
  | { type: 'hall:created'; template?: string }
  /** The hall was retired: no more tickets or queue work; `expired` waiting tickets left the queues. Records stay. */
  | { type: 'hall:archived'; expired: number; waiting: WaitingCounts }
  /**
   * What changed with the clock alone (an issuing period opening or closing, the rating window ending,
   * an announcement expiring, a waiting ticket's class), at the minute it happened: sent by the server's
   * tick, only when something did change, and carrying it in `board` (and `runtimes`) like any event.
   */
  | { type: 'hall:clock' };

export type BookingCanceller = 'citizen' | 'staff' | 'platform';

export type ConfigChange =
  | { section: 'hall'; before: Partial<HallConfig>; after: Partial<HallConfig> }
  | { section: 'service'; id: string; before: ServiceConfig | null; after: ServiceConfig | null }
  | { section: 'window'; id: string; before: WindowConfig | null; after: WindowConfig | null };

export type EventType = EventBody['type'];

/**
 * The schema version of the events this engine writes. Bump it when an event's
 * shape changes, and add the step from the previous version to `upcast.ts`,
 * so every event ever stored is read in today's shape.
 * 1: the events written before they carried `v` (no version field).
 * 2: `v` on every event; `hall:configured` carries the whole `config`.
 */
export const EVENT_VERSION = 2;

export type HallEvent = EventBody & {
  /** Schema version the event is in (see EVENT_VERSION); stored events are upcast to the current one on read. */
  v: number;
  hallId: string;
  seq: number;
  at: number;
  /** Staff member or device that caused it, for the audit trail. */
  actor?: string;
  /** On the last event of a command: what it (and the clock since the last event) changed in the board view. */
  board?: BoardChange;
  /** On the last event of a command, staff only: the window runtimes it changed, as they now are. */
  runtimes?: Record<string, WindowRuntime>;
};

/** Every event type; clients listen to each by name (a type missing here fails to compile below). */
export const EVENT_TYPES = [
  'ticket:issued',
  'ticket:called',
  'ticket:recalled',
  'ticket:started',
  'ticket:finished',
  'ticket:no-show',
  'ticket:requeued',
  'ticket:transferred',
  'ticket:cancelled',
  'ticket:expired',
  'ticket:rated',
  'window:opened',
  'window:taken-over',
  'window:paused',
  'window:resumed',
  'window:closed',
  'appointment:created',
  'appointment:checked-in',
  'announcement:posted',
  'announcement:removed',
  'hall:day-started',
  'hall:configured',
  'hall:day-closed',
  'hall:created',
  'hall:archived',
  'hall:clock',
  'rating-case:opened',
  'rating-case:verified',
  'rating-case:fixed',
  'rating-case:followed-up',
  'rating-case:closed',
  'booking:created',
  'booking:cancelled',
  'booking:moved',
  'booking:no-show',
] as const satisfies readonly EventType[];

type Unlisted = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
export const EVENT_TYPES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true;
