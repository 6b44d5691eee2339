import { z } from 'zod';
import { printerAddressSchema } from './printerAddress.js';
import { allowEntrySchema } from './printerAllowList.js';
import type { HallConfig } from './model.js';

/**
 * The shape of a hall's configuration as an administrator sends it. Strict
 * objects and bounded lengths, like every other input; what depends on the
 * whole (unique prefixes, references) is checked by the engine
 * (server/domain/handlers/config.ts), which answers CONFIG_INVALID.
 */

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).optional();
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

const service = z.strictObject({
  id,
  name: text(60),
  nameAlt: optionalText(120),
  // One or two capital letters; I and O are avoided because they read as 1 and 0 on a board.
  prefix: z.string().regex(/^[A-HJ-NP-Z]{1,2}$/, 'one or two capital letters other than I and O'),
  department: optionalText(40),
  departmentAlt: optionalText(80),
  dailyCap: z.number().int().min(1).max(9999).nullable(),
  issuingHours: z.array(z.strictObject({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), from: clock, to: clock })).max(14),
  timeLimit: z.union([z.strictObject({ kind: z.literal('immediate') }), z.strictObject({ kind: z.literal('working-days'), days: z.number().int().min(1).max(365) })]),
  fee: optionalText(100),
  materials: z.array(text(200)).max(50),
  initialServiceMinutes: z.number().min(1).max(240),
  enabled: z.boolean(),
  booking: z
    .strictObject({
      enabled: z.boolean(),
      weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
      hours: z.array(z.strictObject({ from: clock, to: clock })).max(8),
      slotMinutes: z.number().int().min(5).max(240),
      perSlot: z.number().int().min(1).max(500),
      daysAhead: z.number().int().min(1).max(60).optional(),
      cutoffDayBefore: clock.nullable().optional(),
      sameDay: z.boolean().optional(),
    })
    .optional(),
});

const window = z.strictObject({
  id,
  number: z.number().int().min(1).max(999),
  name: text(40),
  nameAlt: optionalText(80),
  department: optionalText(40),
  services: z.array(z.strictObject({ serviceId: id, tier: z.number().int().min(1).max(9) })).max(100),
  printer: printerAddressSchema.optional(),
});

export const hallConfigSchema = z.strictObject({
  id,
  name: text(60),
  nameAlt: optionalText(120),
  timeZone: text(64),
  secondLanguage: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language code such as en or ii'),
  complaintPhone: optionalText(40),
  callTemplate: text(200).refine((value) => value.includes('{ticket}'), 'must contain {ticket}').optional(),
  callTemplateAlt: optionalText(200),
  voice: z
    .strictObject({
      sources: z
        .array(z.enum(['pack', 'synthesis', 'browser']))
        .min(1)
        .max(3)
        .refine((list) => new Set(list).size === list.length, 'each source at most once'),
    })
    .optional(),
  phoneTickets: z.boolean().optional(),
  deskPrinter: printerAddressSchema.optional(),
  printerAllowList: z.array(allowEntrySchema).max(50).optional(),
  openingHoursText: optionalText(100),
  closeDayAt: clock.optional(),
  // At least the 13 months a yearly assessment (年度考核) looks back on.
  retentionDays: z.number().int().min(400).max(3650).optional(),
  holidays: z.array(day).max(400).optional(),
  makeUpWorkdays: z.array(day).max(100).optional(),
  maxWaitMinutes: z.number().int().min(1).max(600),
  evaluationMinutes: z.number().int().min(1).max(120),
  ratings: z
    .strictObject({
      periodDays: z.number().int().min(1).max(90).optional(),
      reasons: z.array(text(30)).min(1).max(20).optional(),
      caseDueWorkingDays: z.number().int().min(1).max(30).optional(),
      defaultLevel: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).nullable().optional(),
      defaultAfterDays: z.number().int().min(1).max(90).optional(),
    })
    .optional(),
  booking: z
    .strictObject({
      requireIdTail: z.boolean().optional(),
      maxOpenPerPhone: z.number().int().min(1).max(20).optional(),
      noShowBlock: z
        .strictObject({ count: z.number().int().min(1).max(20), withinDays: z.number().int().min(1).max(365), blockDays: z.number().int().min(1).max(365) })
        .nullable()
        .optional(),
      address: optionalText(200),
    })
    .optional(),
  notify: z
    .strictObject({
      enabled: z.boolean(),
      aheadAt: z.number().int().min(1).max(20).optional(),
      onCall: z.boolean().optional(),
      perNumberPerDay: z.number().int().min(1).max(100).optional(),
      phoneAlert: z.boolean().optional(),
    })
    .optional(),
  group: z.array(text(40)).max(4).optional(),
  marketDays: z
    .strictObject({
      lastDigits: z.array(z.number().int().min(0).max(9)).max(10).optional(),
      dates: z.array(day).max(400).optional(),
    })
    .optional(),
  integrity: z
    .strictObject({
      idleMinutes: z.number().int().min(1).max(240).optional(),
      quickNoShowSeconds: z.number().int().min(1).max(600).optional(),
      shortServiceShare: z.number().min(0.01).max(1).optional(),
      shortServiceCount: z.number().int().min(1).max(100).optional(),
      ratingBurstCount: z.number().int().min(2).max(100).optional(),
      ratingBurstSeconds: z.number().int().min(5).max(3600).optional(),
      allTopShare: z.number().min(0.5).max(1).optional(),
      allTopMinRatings: z.number().int().min(1).max(1000).optional(),
      pauseMinutesPerDay: z.number().int().min(1).max(600).optional(),
    })
    .optional(),
  policy: z.strictObject({
    priorityStreakCap: z.number().int().min(1).max(20),
    boostAfterMinutes: z.number().int().min(1).max(600).nullable(),
    requeueAfter: z.number().int().min(0).max(50),
    appointmentEarlyMinutes: z.number().int().min(0).max(240),
    appointmentGraceMinutes: z.number().int().min(0).max(240),
  }),
  services: z.array(service).min(1).max(200),
  windows: z.array(window).max(300),
}) satisfies z.ZodType<HallConfig>;

export const configureSchema = z.strictObject({
  config: hallConfigSchema,
  requestId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
});
