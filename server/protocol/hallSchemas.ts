import { z } from 'zod';

/**
 * Inputs of the hall lifecycle (`POST /api/halls`, the `hallq halls` command
 * line). The configuration itself is validated by configSchema.ts, exactly as
 * `PUT /api/halls/:hallId/config` validates it.
 */

/** A hall id is part of every address (/display?hall=…, /api/halls/…): lower-case, digits and hyphens. */
export const HALL_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;

export function isHallId(value: unknown): value is string {
  return typeof value === 'string' && HALL_ID_PATTERN.test(value);
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

/** `{ id, template, name }` (and what the first-run page adds): a hall from a template. */
export const fromTemplateSchema = z.strictObject({
  id: z.string(),
  template: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(60),
  nameAlt: z.string().trim().min(1).max(120).optional(),
  timeZone: z.string().trim().min(1).max(64).optional(),
  /** Issuing hours of every service; absent = tickets at any time. */
  hours: z.strictObject({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), from: clock, to: clock }).optional(),
});

/** `{ id, config }`: a hall from a full configuration (an exported file); `config` is checked by configureSchema. */
export const fromConfigSchema = z.strictObject({
  id: z.string(),
  config: z.unknown(),
});

export type FromTemplateInput = z.infer<typeof fromTemplateSchema>;

/** One entry of `GET /api/hall-templates`. */
export interface TemplateSummary {
  id: string;
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  services: number;
  windows: number;
}
