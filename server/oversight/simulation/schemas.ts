import { z } from 'zod';
import { isCalendarDay } from '../../stats/days.js';
import { shiftMinutes } from './staffing.js';

const day = z.string().refine(isCalendarDay, { message: 'must be a calendar day YYYY-MM-DD' });
const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, { message: 'must be HH:MM (24:00 as an end)' });
const id = z.string().min(1).max(64);

const shift = z
  .strictObject({ windowId: id, from: hhmm, to: hhmm })
  .refine((value) => shiftMinutes(value.to) > shiftMinutes(value.from), { message: 'to must be after from', path: ['to'] });

/** Bounds as the configuration's own (configSchema.ts): a replay may try what a hall could be set to. */
const policy = z.strictObject({
  windows: z
    .array(z.strictObject({ windowId: id, services: z.array(z.strictObject({ serviceId: id, tier: z.number().int().min(1).max(9) })).max(100) }))
    .max(500)
    .optional(),
  priorityStreakCap: z.number().int().min(1).max(20).optional(),
  boostAfterMinutes: z.number().int().min(1).max(600).nullable().optional(),
});

export const simulationRequest = z.strictObject({
  day,
  staffing: z.array(shift).max(5000).optional(),
  policy: policy.optional(),
  serviceTimes: z.enum(['drawn', 'recorded']).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});

export const suggestionRequest = z.strictObject({
  day: day.optional(),
  weeks: z.number().int().min(1).max(12).optional(),
  p90LimitMinutes: z.number().min(1).max(600).optional(),
});
