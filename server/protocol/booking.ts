import type { AppointmentStatus, BookingSource } from './model.js';

/**
 * The 网上预约 wire contract (issue 18). Times are epoch milliseconds like the rest of the API; days are
 * hall-local YYYY-MM-DD. Routes:
 *
 * - `GET  /api/halls/:hallId/booking-slots?serviceId=&from=&to=` (public; `from`/`to` epoch ms, default
 *   the bookable window) → `BookingSlotsAnswer`
 * - `GET  /api/halls/:hallId/booking-services` (public) → `BookableService[]` (what the booking page lists)
 * - `POST /api/halls/:hallId/bookings` `BookingRequest` → 201 `BookingCreated`. Public (the hall's rules,
 *   rate-limited per client), staff of the hall (source `desk`), or a booking platform's integration
 *   token (source `platform`; `externalRef` makes a retry answer the first booking instead of a second).
 * - `GET  /api/bookings/:id?secret=` → `BookingView`; wrong secret or unknown id: APPOINTMENT_NOT_FOUND
 * - `POST /api/bookings/:id/cancel` `{ secret }` → `BookingView` (until the slot starts)
 * - `POST /api/bookings/:id/move` `{ secret, slotStart }` → `BookingView` (same rules as a new booking)
 * - `GET  /api/halls/:hallId/bookings?date=YYYY-MM-DD` (staff of the hall) → `BookingList`, masked
 * - `POST /api/halls/:hallId/bookings/:id/cancel` (staff of the hall) → `BookingStaffRow`
 *
 * Errors: SLOT_FULL, BOOKING_CLOSED (cut-off passed, slot started, or not a slot of the service),
 * BOOKING_LIMIT (`details.rule`: 'per-day' | 'open'), BOOKING_BLOCKED (`details.until`: the local day the
 * block ends, and `details.untilAt` epoch ms), SERVICE_NOT_BOOKABLE, VALIDATION_FAILED for malformed fields.
 */

export interface BookingSlot {
  start: number;
  end: number;
  capacity: number;
  remaining: number;
}

export interface BookingSlotsAnswer {
  serviceId: string;
  slots: BookingSlot[];
}

export interface BookableService {
  id: string;
  name: string;
  nameAlt?: string;
  department?: string;
  departmentAlt?: string;
  /** 一次性告知: what to bring. */
  materials: string[];
  slotMinutes: number;
}

export interface BookingRequest {
  serviceId: string;
  slotStart: number;
  /** 1–20 characters. */
  name: string;
  /** Mainland mobile number, 11 digits starting with 1. */
  phone: string;
  /** Last 6 characters of the ID card number (digits, the last may be X); required when the hall asks for it. */
  idTail?: string;
  /** A booking platform's own id; with an integration token a repeat returns the first booking. */
  externalRef?: string;
  requestId?: string;
}

export interface BookingCreated {
  id: string;
  /** Six digits, typed or scanned at the kiosk. */
  code: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  /** Absolute path with the secret: `/book/manage/<id>?secret=<secret>&hall=<hallId>`. */
  manageUrl: string;
}

/** What the citizen's manage link shows. */
export interface BookingView {
  id: string;
  hallId: string;
  hallName: string;
  hallNameAlt?: string;
  address?: string;
  serviceId: string;
  serviceName: string;
  serviceNameAlt?: string;
  materials: string[];
  slotStart: number;
  slotEnd: number;
  code: string;
  status: AppointmentStatus;
  /** Masked (张*). */
  name: string;
  /** Masked (138****5678). */
  phone: string;
  /** Cancel and move are possible (status booked and the slot has not started). */
  changeable: boolean;
  /** From when the kiosk accepts the code. */
  checkInFrom: number;
}

/** A row of the staff list: masked personal data, never the code's secret link. */
export interface BookingStaffRow {
  id: string;
  serviceId: string;
  slotStart: number;
  slotEnd: number;
  status: AppointmentStatus;
  source: BookingSource;
  name: string;
  phone: string;
  code: string;
  ticketId?: string;
  ticketNumber?: string;
  externalRef?: string;
}

export interface BookingList {
  date: string;
  bookings: BookingStaffRow[];
  /** Per service: booked, checked in, no-show, cancelled for the day. */
  counts: Record<string, { booked: number; checkedIn: number; noShow: number; cancelled: number }>;
}
