/**
 * What the citizen's booking page (`/book?hall=`) needs about the hall beyond the contract of
 * protocol/booking.ts: whether to ask for the last 6 of the ID card, and where the hall is.
 * `GET /api/halls/:hallId/booking-page` (public; nothing personal, nothing that changes per request).
 */
export interface BookingPageInfo {
  hallId: string;
  hallName: string;
  hallNameAlt?: string;
  address?: string;
  timeZone: string;
  /** The hall asks for the last 6 characters of the ID card number (`BookingRules.requireIdTail`). */
  requireIdTail: boolean;
  /** Some service can be booked at all (a hall without 网上预约 says so instead of an empty list). */
  bookingOpen: boolean;
}
