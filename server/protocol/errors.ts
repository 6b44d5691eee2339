/**
 * The one list of error codes shared by the server, the apps and integrations.
 * Codes are stable wire values; messages live in ./messages.ts so that apps can
 * show them in the user's language.
 */
export const ErrorCode = {
  // 400 — the request itself is wrong
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  // 401 / 403 — who is asking
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  FORBIDDEN: 'FORBIDDEN',
  WINDOW_NOT_HELD: 'WINDOW_NOT_HELD',
  // 404 — unknown ids
  NOT_FOUND: 'NOT_FOUND',
  HALL_NOT_FOUND: 'HALL_NOT_FOUND',
  SERVICE_NOT_FOUND: 'SERVICE_NOT_FOUND',
  WINDOW_NOT_FOUND: 'WINDOW_NOT_FOUND',
  TICKET_NOT_FOUND: 'TICKET_NOT_FOUND',
  APPOINTMENT_NOT_FOUND: 'APPOINTMENT_NOT_FOUND',
  ANNOUNCEMENT_NOT_FOUND: 'ANNOUNCEMENT_NOT_FOUND',
  // 409 — the hall's state does not allow it now
  QUEUE_EMPTY: 'QUEUE_EMPTY',
  CAP_REACHED: 'CAP_REACHED',
  OUTSIDE_HOURS: 'OUTSIDE_HOURS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  WINDOW_BUSY: 'WINDOW_BUSY',
  WINDOW_CLOSED: 'WINDOW_CLOSED',
  WINDOW_PAUSED: 'WINDOW_PAUSED',
  WINDOW_NOT_PAUSED: 'WINDOW_NOT_PAUSED',
  NO_CURRENT_TICKET: 'NO_CURRENT_TICKET',
  WINDOW_HAS_TICKET: 'WINDOW_HAS_TICKET',
  CLERK_HOLDS_OTHER_WINDOW: 'CLERK_HOLDS_OTHER_WINDOW',
  TICKET_NOT_WAITING: 'TICKET_NOT_WAITING',
  TICKET_NOT_NO_SHOW: 'TICKET_NOT_NO_SHOW',
  TICKET_ALREADY_STARTED: 'TICKET_ALREADY_STARTED',
  TICKET_FINISHED: 'TICKET_FINISHED',
  SERVICE_NOT_AT_WINDOW: 'SERVICE_NOT_AT_WINDOW',
  TRANSFER_TARGET_INVALID: 'TRANSFER_TARGET_INVALID',
  NOT_RATEABLE: 'NOT_RATEABLE',
  ALREADY_RATED: 'ALREADY_RATED',
  APPOINTMENT_ALREADY_CHECKED_IN: 'APPOINTMENT_ALREADY_CHECKED_IN',
  APPOINTMENT_TOO_EARLY: 'APPOINTMENT_TOO_EARLY',
  APPOINTMENT_EXPIRED: 'APPOINTMENT_EXPIRED',
  APPOINTMENT_SLOT_INVALID: 'APPOINTMENT_SLOT_INVALID',
  DUPLICATE: 'DUPLICATE',
  PRINTER_UNAVAILABLE: 'PRINTER_UNAVAILABLE',
  PRINTER_NOT_CONFIGURED: 'PRINTER_NOT_CONFIGURED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  // 413 / 429 / 5xx
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  // Hall lifecycle (issue 11): a retired hall (409), a hall id that is not a slug (400), an unknown template (400)
  HALL_ARCHIVED: 'HALL_ARCHIVED',
  HALL_ID_INVALID: 'HALL_ID_INVALID',
  TEMPLATE_NOT_FOUND: 'TEMPLATE_NOT_FOUND',
  // 403 — a given (generated) password must be replaced before anything else
  PASSWORD_CHANGE_REQUIRED: 'PASSWORD_CHANGE_REQUIRED',
  // issue 13 (security)
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  PRINTER_NOT_ALLOWED: 'PRINTER_NOT_ALLOWED',
  // 好差评 (issue 14): a 差评 without a reason (400), an unknown case (404), a case step out of order (409)
  REASON_REQUIRED: 'REASON_REQUIRED',
  CASE_NOT_FOUND: 'CASE_NOT_FOUND',
  CASE_STEP_INVALID: 'CASE_STEP_INVALID',
  // issue 15 (kiosk green channel): a guide-desk clerk's PIN that is wrong (401), or locked after wrong tries (429)
  PIN_INVALID: 'PIN_INVALID',
  PIN_LOCKED: 'PIN_LOCKED',
  // issue 15: a window calling back a ticket it transferred away (409)
  TICKET_TRANSFERRED_AWAY: 'TICKET_TRANSFERRED_AWAY',
  // 好差评 upload: a test delivery before an endpoint is configured (409)
  UPLOAD_NOT_CONFIGURED: 'UPLOAD_NOT_CONFIGURED',
  // 网上预约 (issue 18): all 409 but SERVICE_NOT_BOOKABLE (400)
  SLOT_FULL: 'SLOT_FULL',
  BOOKING_CLOSED: 'BOOKING_CLOSED',
  BOOKING_LIMIT: 'BOOKING_LIMIT',
  BOOKING_BLOCKED: 'BOOKING_BLOCKED',
  SERVICE_NOT_BOOKABLE: 'SERVICE_NOT_BOOKABLE',
  // webhooks (issue 19): an unknown webhook of the hall (404)
  WEBHOOK_NOT_FOUND: 'WEBHOOK_NOT_FOUND',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  CONFIG_INVALID: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  WINDOW_NOT_HELD: 403,
  NOT_FOUND: 404,
  HALL_NOT_FOUND: 404,
  SERVICE_NOT_FOUND: 404,
  WINDOW_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  APPOINTMENT_NOT_FOUND: 404,
  ANNOUNCEMENT_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  INTERNAL: 500,
  HALL_ID_INVALID: 400,
  TEMPLATE_NOT_FOUND: 400,
  PASSWORD_CHANGE_REQUIRED: 403,
  TOO_MANY_CONNECTIONS: 429,
  PRINTER_NOT_ALLOWED: 400,
  REASON_REQUIRED: 400,
  CASE_NOT_FOUND: 404,
  PIN_INVALID: 401,
  PIN_LOCKED: 429,
  SERVICE_NOT_BOOKABLE: 400,
  WEBHOOK_NOT_FOUND: 404,
};

/** HTTP status for a code; every state conflict is 409. */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? 409;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Machine-readable specifics, e.g. which field failed or when to retry. */
  details?: Record<string, unknown>;
}

/** Every command acknowledgement, socket or REST, has this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in ErrorCode;
}
