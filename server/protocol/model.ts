import type { IntegritySettings } from './integrity.js';
import type { VoiceSource } from './voice.js';
import type { TicketMap } from './ticketMap.js';
/**
 * The data the queue engine works on. Everything here is plain JSON (times are
 * epoch milliseconds) so that a store can persist a hall as one document and
 * the protocol can send it as is.
 */

export type Channel = 'kiosk' | 'desk' | 'phone' | 'appointment';
export const CHANNELS: readonly Channel[] = ['kiosk', 'desk', 'phone', 'appointment'];

export type Outcome = 'completed' | 'accepted' | 'rejected' | 'consulted';
export const OUTCOMES: readonly Outcome[] = ['completed', 'accepted', 'rejected', 'consulted'];

/** GB/T 39734-2020 five levels, 5 = 非常满意 … 1 = 非常不满意. 1 and 2 are 差评 (server/protocol/rules/ratings.ts). */
export type RatingLevel = 1 | 2 | 3 | 4 | 5;

/**
 * How a rating reached HallQ (一次一评, whichever channel comes first): the paired window screen, the QR
 * code on the slip / the phone e-ticket, the guide desk on the citizen's word, or the hall's default for a
 * service never rated (`default`, recorded as such, never as the citizen's).
 */
export type RatingChannel = 'window-screen' | 'qr' | 'desk' | 'default';
export const RATING_CHANNELS: readonly RatingChannel[] = ['window-screen', 'qr', 'desk', 'default'];

/** The hall's 好差评 settings; every field has a default (rules/ratings.ts `ratingSettings`). */
export interface RatingSettings {
  /** Days after service during which the QR code / e-ticket may still rate it (default 7). */
  periodDays?: number;
  /** Reasons a 差评 must choose from (at least one); default after GB/T 39734 (DEFAULT_BAD_RATING_REASONS). */
  reasons?: string[];
  /** Working days (weekends and the hall's holidays skipped, make-up days counted) to close a 差评 case; default 5. */
  caseDueWorkingDays?: number;
  /** Level recorded for a service never rated once `defaultAfterDays` have passed; absent/null = off (default). */
  defaultLevel?: RatingLevel | null;
  /** Days after service after which the default level is recorded (default 7). */
  defaultAfterDays?: number;
}

/** A 差评整改 work order: every 差评 opens one; verified (核实), fixed (整改), followed up (回访), closed. */
export type RatingCaseStatus = 'open' | 'verified' | 'fixed' | 'followed-up' | 'closed';

/** Who did a case step, as the audit shows it. */
export interface CaseActor {
  id: string;
  name: string;
}

export interface RatingCase {
  /** Same as the rated ticket's id: one rating per ticket, so one case per ticket. */
  id: string;
  ticketId: string;
  ticketNumber: string;
  serviceId: string;
  windowId?: string;
  clerkId?: string;
  /** 办件编号, when the clerk entered one. */
  caseNumber?: string;
  level: RatingLevel;
  reasons: string[];
  note?: string;
  /** For 回访; personal data: staff of the hall only, masked in lists, never on a board or public API. */
  followUpPhone?: string;
  channel: RatingChannel;
  openedAt: number;
  /** Local day (YYYY-MM-DD) by which the case must be closed; overdue after that day ends. */
  dueDay: string;
  status: RatingCaseStatus;
  verification?: { substantiated: boolean; note: string; by: CaseActor; at: number };
  fix?: { measures: string; by: CaseActor; at: number };
  followUp?: { reached: boolean; satisfied?: boolean; note?: string; by: CaseActor; at: number };
  closed?: { note?: string; by: CaseActor; at: number };
}

export type PauseReason = 'away' | 'lunch' | 'meeting' | 'other';
export const PAUSE_REASONS: readonly PauseReason[] = ['away', 'lunch', 'meeting', 'other'];

export type Role = 'clerk' | 'supervisor' | 'admin';

/** Why the engine picked a ticket; shown to the clerk and kept in the event log. */
export type CallReason =
  | 'transfer' // transferred in from another window or service
  | 'appointment' // checked-in appointment whose slot has come
  | 'priority' // green channel
  | 'long-wait' // waited longer than the hall's boost limit
  | 'queue-order' // by tier, then issue order
  | 'manual'; // a clerk chose it out of order (audited)

/** A period in which tickets may be issued, in hall-local time. days: 1 = Monday … 7 = Sunday. */
export interface IssuingPeriod {
  days: number[];
  from: string; // "08:30"
  to: string; // "12:00", exclusive
}

export type TimeLimit = { kind: 'immediate' } | { kind: 'working-days'; days: number };

export interface ServiceConfig {
  id: string;
  name: string;
  /** Name in the hall's second language. */
  nameAlt?: string;
  prefix: string;
  department?: string;
  /** The department in the hall's second language (the kiosk's English tags). */
  departmentAlt?: string;
  /** Tickets per local day; null = no cap. */
  dailyCap: number | null;
  /** Empty = tickets may be issued at any time. */
  issuingHours: IssuingPeriod[];
  timeLimit: TimeLimit;
  fee?: string;
  /** The materials list used by the one-time notice (一次性告知单). */
  materials: string[];
  /** Seed for the service-time average before any ticket has been served. */
  initialServiceMinutes: number;
  /** A disabled service issues no tickets but keeps its history. */
  enabled: boolean;
  /** 网上预约 capacity; absent or `enabled: false` = the service cannot be booked (SERVICE_NOT_BOOKABLE). */
  booking?: ServiceBookingSettings;
}

/**
 * When and how much of a service can be booked (网上预约). A day is bookable when it is one of `weekdays`
 * and not one of the hall's holidays, or when it is one of the hall's make-up working days (调休上班);
 * every bookable day has the same `hours`, cut into slots of `slotMinutes` (a slot that would run past
 * the end of an hour range is not offered). Rules: server/protocol/rules/booking.ts.
 */
export interface ServiceBookingSettings {
  enabled: boolean;
  /** 1 = Monday … 7 = Sunday; default Monday–Friday. */
  weekdays?: number[];
  /** Hall-local ranges, e.g. [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '17:00' }]. */
  hours: Array<{ from: string; to: string }>;
  /** Slot length in minutes (e.g. 30). */
  slotMinutes: number;
  /** Bookings one slot can take. */
  perSlot: number;
  /** How many bookable days ahead can be booked, counted from tomorrow (or today with `sameDay`); default 5. */
  daysAhead?: number;
  /**
   * Bookings for a day close at this hall-local time on the previous calendar day (e.g. '17:00');
   * absent/null = until the slot starts. Moves and cancellations are allowed until the slot starts.
   */
  cutoffDayBefore?: string | null;
  /** Today's remaining slots can be booked too (until each starts); default false (from tomorrow). */
  sameDay?: boolean;
}

/** The hall's 网上预约 rules; every field has a default (rules/booking.ts `bookingRules`). */
export interface BookingRules {
  /** Ask for the last 6 characters of the ID card number (stored as a salted hash only); default false. */
  requireIdTail?: boolean;
  /** Open (booked, not yet due) bookings one mobile number may hold in this hall; default 3. */
  maxOpenPerPhone?: number;
  /**
   * 失信 rule: after `count` no-shows within `withinDays` days the number cannot book for `blockDays`
   * days from the last of them. Absent/null = off (default).
   */
  noShowBlock?: { count: number; withinDays: number; blockDays: number } | null;
  /** The hall's address, printed on the confirmation (what citizens need to find the hall). */
  address?: string;
}

export interface WindowServiceLink {
  serviceId: string;
  /** 1 is served first; tickets of a lower tier wait until higher tiers are empty (or boosted). */
  tier: number;
}

export interface WindowConfig {
  id: string;
  number: number;
  name: string;
  nameAlt?: string;
  department?: string;
  services: WindowServiceLink[];
  /** Printer interface for notices printed at this window, e.g. tcp://10.0.0.5:9100. */
  printer?: string;
}

export interface CallingPolicy {
  /** After this many priority calls in a row at a window, a normal ticket goes next if one waits. */
  priorityStreakCap: number;
  /** A ticket waiting longer than this jumps ahead of tier order; null = never. */
  boostAfterMinutes: number | null;
  /** Default number of people a requeued no-show goes behind. */
  requeueAfter: number;
  /** Minutes before a checked-in appointment's slot when it may be called. */
  appointmentEarlyMinutes: number;
  /** Minutes after slot end during which a check-in is still accepted. */
  appointmentGraceMinutes: number;
}

export interface HallConfig {
  id: string;
  name: string;
  nameAlt?: string;
  timeZone: string;
  /** BCP 47 code of the second language on boards, slips and kiosks ("en", "ii" for 彝文…). */
  secondLanguage: string;
  complaintPhone?: string;
  /**
   * How boards speak a call in the second language when the app has no grammar for it (彝文 …):
   * a template with {ticket} and {window}, e.g. "{ticket} ꉬ {window} ꀕ". English needs none.
   */
  callTemplateAlt?: string;
  /** How boards speak a call in Chinese, with {ticket} and {window}; default 请{ticket}号到{window}号窗口办理 (protocol/voice.ts). */
  callTemplate?: string;
  /** Where boards take the call voice from, in order (default pack → synthesis → browser; docs/voice.md). */
  voice?: { sources: VoiceSource[] };
  /** Printer of the guide desk (导办台), which prints notices for windows without their own. */
  deskPrinter?: string;
  /**
   * Network printers (tcp://) this hall may use: IP addresses, CIDR ranges or host names, optionally
   * with :port (server/protocol/printerAllowList.ts). Print agents must be paired in the hall instead.
   */
  printerAllowList?: string[];
  /** Public holidays (YYYY-MM-DD), skipped when promised dates are counted in working days. */
  holidays?: string[];
  /** Weekend days worked in exchange for a holiday (调休上班), counted as working days. */
  makeUpWorkdays?: string[];
  /** Local time ("17:30") at which the day closes by itself: waiting tickets expire and kiosks stop issuing. */
  closeDayAt?: string;
  /** Data retention: events and finished tickets older than this many days are deleted; absent = kept. */
  retentionDays?: number;
  /** One line of opening hours for slips, e.g. "周一至周五 9:00-12:00 13:30-17:00". */
  openingHoursText?: string;
  /** Citizens may take a ticket on their own phone (QR code at the entrance), rate-limited per client. */
  phoneTickets?: boolean;
  /** A waiting ticket older than this raises a supervisor alert. */
  maxWaitMinutes: number;
  /** How long after finishing a ticket the window screen may still rate it (minutes). */
  evaluationMinutes: number;
  /** 好差评: QR rating period, 差评 reasons, case due days, default rating (all optional, with defaults). */
  ratings?: RatingSettings;
  /** 网上预约 rules of the hall (per-service capacity is `ServiceConfig.booking`). */
  booking?: BookingRules;
  /** 无声叫号: text messages to citizens who left a mobile number (server/notify); absent = off. */
  notify?: NotifySettings;
  /**
   * Where the hall sits in the county, outermost first (e.g. ['城关县', '城关镇']): the overview groups by it and
   * accounts may be scoped to a group with a `group:<name>` entry in their hallIds (docs/oversight.md).
   */
  group?: string[];
  /** 逢场天: market days, by the last digit of the day of the month (逢二五八 = [2, 5, 8]) and/or by date. */
  marketDays?: { lastDigits?: number[]; dates?: string[] };
  /** Integrity signals' thresholds (defaults in server/protocol/rules/integrity.ts). */
  integrity?: IntegritySettings;
  policy: CallingPolicy;
  services: ServiceConfig[];
  windows: WindowConfig[];
}

/** 无声叫号 settings of a hall (defaults in server/protocol/rules/notify.ts). */
export interface NotifySettings {
  /** Citizens may leave a number (kiosk, phone page, desk) and messages are sent. */
  enabled: boolean;
  /** "Your turn is near" once this many people or fewer are ahead (default 2). */
  aheadAt?: number;
  /** A message when the ticket is called, naming the window (default true). */
  onCall?: boolean;
  /** Messages per mobile number per local day, against abuse of the gateway (default 10). */
  perNumberPerDay?: number;
  /** The e-ticket page (/t/:id) vibrates and sounds at "aheadAt", free of charge (default false). */
  phoneAlert?: boolean;
}

export type TicketStatus =
  | 'waiting'
  | 'called'
  | 'serving'
  | 'no-show'
  | 'served'
  | 'cancelled'
  | 'expired';

/** Statuses after which a ticket never comes back to a queue. */
export const TERMINAL_STATUSES: readonly TicketStatus[] = ['served', 'cancelled', 'expired'];

export interface TransferMark {
  fromWindowId: string;
  fromServiceId: string;
  toWindowId?: string;
  note?: string;
  at: number;
}

export interface Ticket {
  /** Unguessable; used in links such as /t/:id. */
  id: string;
  number: string; // "A001"
  serviceId: string;
  /** Local day (YYYY-MM-DD) the number belongs to. */
  day: string;
  seqOfDay: number;
  channel: Channel;
  priority: boolean;
  appointmentId?: string;
  /** Appointment slot start; such a ticket is preferred once the slot has come. */
  slotStart?: number;
  status: TicketStatus;
  issuedAt: number;
  /** Queue order key among tickets of equal standing; smaller = earlier. */
  rank: number;
  /** Set while a transferred ticket waits; it is what puts the ticket in front. */
  transfer?: TransferMark;
  /** The transfer that brought the ticket to the window now calling it, kept so that clerk reads the note. */
  receivedTransfer?: TransferMark;
  windowId?: string;
  callReason?: CallReason;
  calledAt?: number;
  recallCount: number;
  startedAt?: number;
  finishedAt?: number;
  outcome?: Outcome;
  caseNumber?: string;
  noShowCount: number;
  rating?: RatingLevel;
  /** Which channel gave `rating` (absent on tickets rated before channels were recorded). */
  ratedVia?: RatingChannel;
  clerkId?: string;
  /**
   * 无声叫号: the mobile number the citizen left (kiosk, phone page, desk, or the booking's), for "your turn
   * is near" messages. Personal data: removed when the ticket ends, masked where staff see it, never on a
   * board, a public API or a webhook payload.
   */
  notifyPhone?: string;
}

export type WindowStatus = 'closed' | 'open' | 'paused';

export interface Clerk {
  id: string;
  name: string;
  role: Role;
  staffNo?: string;
  post?: string;
}

export interface WindowRuntime {
  status: WindowStatus;
  clerk?: Clerk;
  openedAt?: number;
  pauseReason?: PauseReason;
  pauseNote?: string;
  pausedAt?: number;
  currentTicketId?: string;
  /** Consecutive priority calls; reset by a normal call (for priorityStreakCap). */
  priorityStreak: number;
  /** The last ticket finished here, which the window screen may have rated. */
  lastFinishedTicketId?: string;
}

export interface ServiceStats {
  /** Exponential moving average of service time. */
  avgServiceSeconds: number;
  samples: number;
}

/** How a booking was made: the citizen's booking page, staff at the guide desk, or a booking platform's token. */
export type BookingSource = 'online' | 'desk' | 'platform';

/**
 * A booking (预约). Appointments made through `appointment.create` before 网上预约 have no name or phone.
 * `no-show`: not checked in by slot end + the hall's grace; `cancelled`: by the citizen's link or staff.
 */
export type AppointmentStatus = 'booked' | 'checked-in' | 'cancelled' | 'no-show';

export interface Appointment {
  id: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  /** Short code the citizen types or scans at the kiosk; never broadcast. */
  code: string;
  externalRef?: string;
  status: AppointmentStatus;
  ticketId?: string;
  createdAt: number;
  source?: BookingSource;
  /** Personal data: staff of the hall only, masked in lists (张*), never on a board, slip or public API. */
  name?: string;
  /** Personal data as `name` (138****5678 in lists). */
  phone?: string;
  /** `salt:hash` of the last 6 of the ID card number; the digits themselves are never stored. */
  idTailHash?: string;
  /**
   * The manage link's secret (`/book/manage/:id?secret=`); like `code`, never in the event log or a
   * broadcast (evolve takes it from the command's event and it is removed before the event is recorded).
   */
  secret?: string;
  cancelledAt?: number;
  /** When a no-show was recorded. */
  noShowAt?: number;
  /** The slot this booking was moved from, last move only. */
  movedFrom?: { slotStart: number; slotEnd: number };
  /** Source `platform`: the platform token (device id) that made it, the only one that may cancel it. */
  platformId?: string;
}

export interface Announcement {
  id: string;
  text: string;
  textAlt?: string;
  postedAt: number;
  expiresAt?: number;
}

export interface CallRecord {
  ticketNumber: string;
  serviceId: string;
  windowId: string;
  windowNumber: number;
  at: number;
  recall: boolean;
}

export interface HallState {
  config: HallConfig;
  /** Sequence number of the last event; the next event gets seq + 1. */
  seq: number;
  /** Local day the counters belong to. */
  day: string;
  /** Set when today's business was closed (by hand or at closeDayAt); no tickets until the next day. */
  dayClosedAt?: number;
  /**
   * The local day on which `closeDayAt` does not close the hall by itself: set when a configuration
   * change (an earlier closing time, another time zone) puts the closing time in the past of a day
   * still open, so that saving a setting never expires everyone waiting. Cleared by the next day.
   */
  closeDayWaivedFor?: string;
  /** Set when the hall was retired (hall.archive): it refuses every command from then on; its records stay readable. */
  archivedAt?: number;
  /** Last number issued today, per service. */
  counters: Record<string, number>;
  /** Monotonic queue rank source; never reset so ranks stay comparable across days. */
  rankCounter: number;
  /**
   * Tickets that can still change: waiting, called, serving, no-show, and served ones still rateable.
   * A persistent map (protocol/ticketMap.ts): a command's copy costs what it writes, not the hall's size;
   * in JSON it is an object keyed by id.
   */
  tickets: TicketMap<Ticket>;
  windows: Record<string, WindowRuntime>;
  serviceStats: Record<string, ServiceStats>;
  appointments: Record<string, Appointment>;
  /** 差评整改 cases by id (= ticket id), kept across days until closed (see evolve.ts). */
  ratingCases?: Record<string, RatingCase>;
  /**
   * 失信 record: no-show times per booking phone key (a hash of the number, never the number), kept only
   * as long as the hall's `noShowBlock` rule looks back (withinDays + blockDays).
   */
  bookingNoShows?: Record<string, number[]>;
  announcements: Announcement[];
  recentCalls: CallRecord[];
  /** Results of recent commands by client request id, so a retried command is answered, not repeated. */
  requests: Array<{ id: string; result: unknown }>;
  /**
   * When the screens were last told what changed (the time of the last event): what changes with the
   * clock alone (an issuing period, the rating window) is found by comparing the view then and now.
   */
  publishedAt?: number;
}

/** Who is issuing a command. Authentication happens before the engine; authorisation on windows happens in it. */
export type Actor =
  | { kind: 'staff'; user: Clerk }
  | { kind: 'device'; deviceId: string; deviceKind: 'kiosk' | 'printer' | 'window-screen' | 'platform' }
  | { kind: 'public' };
