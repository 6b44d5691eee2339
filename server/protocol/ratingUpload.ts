import { z } from 'zod';

/**
 * The admin's settings and state of the upload to the provincial 好差评 platform
 * (`GET/PUT /api/halls/:hallId/rating-upload`, docs/ratings-upload.md). The secret is
 * never answered back: only whether one is set and its last four characters.
 */

/** HMAC keys shorter than this are guessable; longer than the maximum is not a key but a mistake (or an attack). */
export const UPLOAD_SECRET_MIN = 16;
export const UPLOAD_SECRET_MAX = 256;
export const UPLOAD_URL_MAX = 2000;

/** An outbox endpoint's address (the 好差评 upload, webhooks). */
export const endpointUrl = z
  .string()
  .trim()
  .max(UPLOAD_URL_MAX)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address')
  // A password in the address would be stored and shown like the address; the secret has its own field.
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.username === '' && url.password === '';
    } catch {
      return true; // reported by the check above
    }
  }, 'must not carry a user name or password; use the secret');

/** PUT …/rating-upload. `secret` may be left out to keep the one stored (required the first time). */
export const ratingUploadSettingsSchema = z.strictObject({
  url: endpointUrl,
  secret: z
    .string()
    .min(UPLOAD_SECRET_MIN, `at least ${UPLOAD_SECRET_MIN} characters`)
    .max(UPLOAD_SECRET_MAX, `at most ${UPLOAD_SECRET_MAX} characters`)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
  enabled: z.boolean(),
});

export type RatingUploadSettingsInput = z.input<typeof ratingUploadSettingsSchema>;

/** What GET …/rating-upload answers. */
export interface RatingUploadView {
  hallId: string;
  /** null until an administrator has configured the endpoint. */
  url: string | null;
  enabled: boolean;
  secretSet: boolean;
  /** The secret's last four characters, so an administrator can tell which one is in use. */
  secretHint: string | null;
  updatedAt: number | null;
  /** Every event up to this seq has been delivered (or makes no record). */
  deliveredSeq: number;
  /** Records still to deliver (ratings and case steps after deliveredSeq)... */
  pending: number;
  /** ...or at least that many, when false (the count reads a bounded part of a long log). */
  pendingComplete: boolean;
  lastDeliveredAt: number | null;
  lastAttemptAt: number | null;
  /** Why the last attempt failed (HTTP status or network error); null after a success. */
  lastError: string | null;
  /** Failed attempts in a row; the next is due at nextAttemptAt (exponential back-off). */
  failures: number;
  nextAttemptAt: number | null;
}

/** What POST …/rating-upload/test answers: one signed test record sent to the endpoint, never retried. */
export interface RatingUploadTestResult {
  delivered: boolean;
  /** The endpoint's HTTP status, if it answered. */
  status: number | null;
  error: string | null;
}
