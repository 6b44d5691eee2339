import { z } from 'zod';
import { ID_TAIL_PATTERN, MOBILE_PATTERN } from './rules/personalData.js';
import { requestId, schemas, shortText } from './schemas.js';

/**
 * Inputs of the 网上预约 commands and queries: strict objects with bounded fields, so a booking never
 * stores more than a name of 20 characters, one mobile number and a reference of 64.
 */

/** Epoch milliseconds within a sane range (2000 … 2100), as elsewhere in the API. */
const epochMs = z.number().int().min(946_684_800_000).max(4_102_444_800_000);
/** The manage link's secret: what the id source makes (22 base64url characters), with room to spare. */
const secret = z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+$/);
/** A real calendar day: "2026-02-30" is refused, not rolled into March. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((text) => {
    const at = Date.parse(`${text}T00:00:00Z`);
    return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === text;
  }, 'not a calendar day');

export const bookingCommandSchemas = {
  create: z.strictObject({
    serviceId: schemas.id,
    slotStart: epochMs,
    name: shortText(20),
    phone: z.string().regex(MOBILE_PATTERN, 'a mainland mobile number (11 digits)'),
    idTail: z.string().regex(ID_TAIL_PATTERN, 'the last 6 characters of the ID card number').optional(),
    externalRef: schemas.id.optional(),
    requestId,
  }),
  cancel: z.strictObject({ bookingId: schemas.id, secret: secret.optional(), requestId }),
  move: z.strictObject({ bookingId: schemas.id, slotStart: epochMs, secret: secret.optional(), requestId }),
};

export const bookingQuerySchemas = {
  /** GET …/booking-slots: query strings, so the numbers arrive as text. */
  slots: z.strictObject({
    serviceId: schemas.id,
    from: z.string().regex(/^\d{1,15}$/).optional(),
    to: z.string().regex(/^\d{1,15}$/).optional(),
    lang: z.enum(['zh', 'en']).optional(),
  }),
  list: z.strictObject({ date: day, lang: z.enum(['zh', 'en']).optional() }),
  view: z.strictObject({ secret, lang: z.enum(['zh', 'en']).optional() }),
  secretBody: z.strictObject({ secret, requestId }),
  moveBody: z.strictObject({ secret, slotStart: epochMs, requestId }),
};
