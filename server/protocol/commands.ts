import type { Channel, HallConfig, Outcome, PauseReason, RatingLevel, Ticket } from './model.js';

/**
 * Commands the engine accepts. `requestId`, when a client sends one, makes a
 * command idempotent: a retry (double click, lost acknowledgement) gets the
 * first answer instead of a second effect.
 */
interface Base {
  requestId?: string;
}

export type Command = Base &
  (
    | { type: 'ticket.issue'; serviceId: string; channel: Channel; priority: boolean }
    | { type: 'ticket.cancel'; ticketId: string }
    /**
     * 一次一评 by the citizen. A 差评 (level 1 or 2) needs `reasons` from the hall's list; `note` and
     * `followUpPhone` (for 回访) are optional. `ticketNumber`: the number the window screen showed, so a
     * rating never lands on another ticket than the one the citizen saw.
     */
    | {
        type: 'ticket.rate';
        level: RatingLevel;
        ticketId?: string;
        windowId?: string;
        ticketNumber?: string;
        reasons?: string[];
        note?: string;
        followUpPhone?: string;
        /**
         * Set by the server, never by a client: the finished ticket as the store keeps it, when it has left the
         * live state (QR / desk ratings within the hall's rating period). The engine still decides.
         */
        stored?: Ticket;
      }
    | { type: 'window.open'; windowId: string }
    | { type: 'window.take-over'; windowId: string }
    | { type: 'window.pause'; windowId: string; reason: PauseReason; note?: string }
    | { type: 'window.resume'; windowId: string }
    | { type: 'window.close'; windowId: string }
    | { type: 'window.call-next'; windowId: string }
    | { type: 'window.call'; windowId: string; ticketId: string }
    | { type: 'window.recall'; windowId: string }
    | { type: 'window.start'; windowId: string }
    | { type: 'window.finish'; windowId: string; outcome: Outcome; caseNumber?: string }
    | { type: 'window.no-show'; windowId: string }
    | { type: 'window.requeue'; windowId: string; ticketId: string; after?: number }
    | { type: 'window.transfer'; windowId: string; serviceId?: string; toWindowId?: string; note?: string }
    | { type: 'appointment.create'; serviceId: string; slotStart: number; slotEnd: number; externalRef?: string }
    | { type: 'appointment.check-in'; code: string }
    | { type: 'announcement.post'; text: string; textAlt?: string; expiresAt?: number }
    | { type: 'announcement.remove'; announcementId: string }
    /** A supervisor ends today's business: waiting tickets expire (recorded) and no more are issued today. */
    | { type: 'hall.close-day' }
    /** An administrator replaces the hall's configuration (services, windows, hours, …) as a whole, atomically. */
    | { type: 'hall.configure'; config: HallConfig }
    /** An administrator retires the hall: waiting tickets expire (recorded) and every later command is refused. */
    | { type: 'hall.archive' }
    /** Sent by the server's clock, not by clients: lets midnight roll-over and expiry happen in an idle hall. */
    | { type: 'hall.tick' }
    /**
     * Sent by the server's daily job, not by clients: the hall's default rating (ratings.defaultLevel, off by
     * default) for served tickets never rated within `defaultAfterDays`, read from the store. Recorded as
     * channel 'default', never as the citizen's.
     */
    | { type: 'ticket.rate-default'; tickets: Ticket[] }
    /** 差评整改 (server/protocol/rules/ratingCases.ts for the order): 核实 — is the 差评 true (属实) or not (不属实)? */
    | { type: 'rating-case.verify'; caseId: string; substantiated: boolean; note: string }
    /** 整改措施: what was done to put a 属实 case right. */
    | { type: 'rating-case.fix'; caseId: string; measures: string }
    /** 回访: the citizen called back (reached or not; satisfied with the answer or not). */
    | { type: 'rating-case.follow-up'; caseId: string; reached: boolean; satisfied?: boolean; note?: string }
    /** 办结: the case is closed; nothing in it changes afterwards. */
    | { type: 'rating-case.close'; caseId: string; note?: string }
    /**
     * 网上预约: book a slot of a bookable service (rules: protocol/rules/booking.ts). The source follows from
     * who sends it: the public (online), staff (desk), a booking platform's device token (platform).
     */
    | { type: 'booking.create'; serviceId: string; slotStart: number; name: string; phone: string; idTail?: string; externalRef?: string }
    /** Cancel a booking before its slot starts: staff of the hall, its platform, or anyone with the manage link's `secret`. */
    | { type: 'booking.cancel'; bookingId: string; secret?: string }
    /** Move a booking to another slot of the same service, under the rules of a new booking. */
    | { type: 'booking.move'; bookingId: string; slotStart: number; secret?: string }
  );

export type CommandType = Command['type'];

export type WindowCommand = Extract<Command, { windowId: string }>;
