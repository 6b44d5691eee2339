import { z } from 'zod';
import { CHANNELS } from './model.js';
import { printerAddressSchema } from './printerAddress.js';
import { MOBILE_PATTERN } from './rules/personalData.js';
import type { VoiceSource } from './voice.js';

const PRINTER_STATUSES = ['ready', 'paper-near-end', 'paper-out', 'cover-open', 'offline', 'error', 'unknown'] as const;

/**
 * Validation of everything that arrives from outside, REST and socket alike.
 * Strict objects: unknown keys are refused rather than ignored, and every
 * string has a length limit so a hostile client cannot bloat the hall state.
 * The commands' inputs are declared with the commands (./declarations.ts).
 */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
/** Half of a UTF-16 surrogate pair without its other half: not text, and it breaks JSON consumers and printers. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Format characters (zero-width space and joiners, BOM, bidi marks) and spaces: nothing a reader sees. */
const INVISIBLE = /[\p{Cf}\p{Z}\s]/gu;
/**
 * Free text shown to citizens and staff (announcements, notes, case numbers): well-formed Unicode
 * with something visible in it, so a board never shows a blank announcement.
 */
export const shortText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !LONE_SURROGATE.test(value), 'not well-formed text (a lone surrogate)')
    .refine((value) => value.replace(INVISIBLE, '') !== '', 'has no visible characters');
/** 无声叫号: a mainland mobile number (11 digits, starting with 1), nothing else. */
export const mobileNumber = z.string().trim().regex(MOBILE_PATTERN, 'a mainland mobile number: 11 digits, 1 then 3–9');
export const requestId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional();
/** Epoch milliseconds within a sane range (2000 … 2100). */
const epochMs = z.number().int().min(946_684_800_000).max(4_102_444_800_000);

export const schemas = {
  login: z.strictObject({ username: shortText(64), password: z.string().min(1).max(256) }),
  /** POST /api/auth/password: one's own password; a new one as long as HALLQ_ADMIN_PASSWORD must be. */
  changePassword: z
    .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(10, 'at least 10 characters').max(256) })
    .refine((body) => body.newPassword !== body.currentPassword, { path: ['newPassword'], message: 'must differ from the current password' }),
  issueTicket: z.strictObject({
    serviceId: id,
    priority: z.boolean().optional(),
    channel: z.enum(CHANNELS).optional(),
    requestId,
    notifyPhone: mobileNumber.optional(),
  }),
  cancelTicket: z.strictObject({ ticketId: id, requestId }),
  rateTicket: z
    .strictObject({
      level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
      ticketId: id.optional(),
      windowId: id.optional(),
      ticketNumber: z.string().regex(/^[A-Z]{1,3}\d{1,4}$/).optional(),
      reasons: z.array(z.string().trim().min(1).max(30)).max(10).optional(),
      note: z.string().trim().min(1).max(200).optional(),
      // A mainland mobile number or a landline with area code, for 回访 only.
      followUpPhone: z.string().regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/).optional(),
      requestId,
    })
    .refine((value) => value.ticketId !== undefined || value.windowId !== undefined, 'ticketId or windowId is required'),
  /** A body with nothing but the optional requestId (close-day, printing an announcement). */
  windowOnly: z.strictObject({ requestId }),
  createAppointment: z.strictObject({
    serviceId: id,
    slotStart: epochMs,
    slotEnd: epochMs,
    externalRef: shortText(100).optional(),
    requestId,
  }),
  checkIn: z.strictObject({ code: z.string().trim().regex(/^[0-9]{6}$/, 'six digits'), requestId }),
  postAnnouncement: z.strictObject({
    text: shortText(500),
    textAlt: shortText(500).optional(),
    expiresAt: epochMs.optional(),
    requestId,
  }),
  removeAnnouncement: z.strictObject({ announcementId: id, requestId }),
  createDevice: z
    .strictObject({
      kind: z.enum(['kiosk', 'printer', 'window-screen', 'platform']),
      name: shortText(64),
      /** A kiosk's printer; 'agent' pairs a print agent for it as well and answers its token. */
      printer: z.union([printerAddressSchema, z.literal('agent')]).optional(),
      /** A window screen's window. */
      windowId: id.optional(),
    })
    .refine((value) => (value.kind === 'window-screen') === (value.windowId !== undefined), 'a window screen needs windowId; other devices take none'),
  kioskTicket: z
    .strictObject({
      serviceId: id.optional(),
      /** Appointment check-in instead of a service. */
      code: z.string().trim().regex(/^[0-9]{6}$/, 'six digits').optional(),
      delivery: z.enum(['paper', 'e-ticket']),
      /** 绿色通道: a guide-desk clerk's login confirms it (the kiosk itself may not issue priority tickets). */
      priority: z.boolean().optional(),
      staffToken: z.string().min(1).max(4096).optional(),
      requestId,
      notifyPhone: mobileNumber.optional(),
    })
    .refine((value) => (value.serviceId === undefined) !== (value.code === undefined), 'serviceId or code, not both')
    .refine((value) => !value.priority || (value.staffToken !== undefined && value.serviceId !== undefined), 'priority needs staffToken and serviceId'),
  notice: z
    .strictObject({
      kind: z.enum(['missing-materials', 'acceptance-receipt']),
      items: z.array(shortText(200)).max(50).optional(),
      note: shortText(300).optional(),
      caseNumber: shortText(64).optional(),
      requestId,
    })
    .refine((value) => value.kind !== 'missing-materials' || (value.items?.length ?? 0) > 0 || value.note !== undefined, 'tick at least one missing item or write a note'),
  printerReport: z.strictObject({ status: z.enum(PRINTER_STATUSES) }),
  /** A board's `board:audio` report (protocol/voice.ts BoardAudioReport). */
  boardAudio: z.strictObject({ source: z.enum(['pack', 'synthesis', 'browser'] as const satisfies readonly VoiceSource[]).nullable(), unlocked: z.boolean() }),
  /** 「打印测试页」 on /admin: the printer address being set up. */
  printerTest: z.strictObject({ printer: printerAddressSchema, requestId }),
  sync: z.strictObject({ sinceSeq: z.number().int().min(0) }),
  join: z.strictObject({ hallId: id }),
  id,
} as const;

/** Field-level reasons for a VALIDATION_FAILED answer. */
export function validationDetails(error: z.ZodError): { issues: Array<{ path: string; message: string }> } {
  return {
    issues: error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  };
}
