import type {
  Announcement,
  Appointment,
  CallReason,
  Clerk,
  HallConfig,
  Outcome,
  PauseReason,
  RatingLevel,
  ServiceConfig,
  Ticket,
  WindowConfig,
} from './model.js';

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
  | { type: 'ticket:rated'; ticket: Ticket; windowId?: string; level: RatingLevel; clerkId?: string }
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
  | { type: 'appointment:created'; appointment: Omit<Appointment, 'code'> }
  | { type: 'appointment:checked-in'; appointmentId: string; ticket: Ticket; waiting: WaitingCounts }
  | { type: 'announcement:posted'; announcement: Announcement }
  | { type: 'announcement:removed'; announcementId: string }
  | { type: 'hall:day-started'; day: string; previousDay: string; waiting: WaitingCounts }
  /** Today's business ended: `expired` tickets left the queues; `automatic` when at the hall's closeDayAt. */
  | { type: 'hall:day-closed'; day: string; expired: number; automatic: boolean; waiting: WaitingCounts }
  /** The audit of a configuration change: what each changed part was before and is after (null = absent). */
  | { type: 'hall:configured'; changes: ConfigChange[] };

export type ConfigChange =
  | { section: 'hall'; before: Partial<HallConfig>; after: Partial<HallConfig> }
  | { section: 'service'; id: string; before: ServiceConfig | null; after: ServiceConfig | null }
  | { section: 'window'; id: string; before: WindowConfig | null; after: WindowConfig | null };

export type EventType = EventBody['type'];

export type HallEvent = EventBody & {
  hallId: string;
  seq: number;
  at: number;
  /** Staff member or device that caused it, for the audit trail. */
  actor?: string;
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
] as const satisfies readonly EventType[];

type Unlisted = Exclude<EventType, (typeof EVENT_TYPES)[number]>;
export const EVENT_TYPES_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true;
