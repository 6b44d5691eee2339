import { foundHall } from '../domain/engine.js';
import { DomainError } from '../domain/failure.js';
import { checkConfig } from '../domain/handlers/config.js';
import { configReasons } from '../domain/handlers/configMessages.js';
import type { Actor, HallConfig } from '../protocol/model.js';
import { configureSchema } from '../protocol/configSchema.js';
import type { Ack, ErrorBody, ErrorCode } from '../protocol/errors.js';
import { fromConfigSchema, fromTemplateSchema, isHallId } from '../protocol/hallSchemas.js';
import { messageFor } from '../protocol/messages.js';
import { validationDetails } from '../protocol/schemas.js';
import { type HallStore, type HallSummary, StoreError, type VoiceStore } from '../store/port.js';
import { checkImportedPacks, restoreVoicePacks, withoutVoicePacks } from '../voice/packExport.js';
import { TEMPLATE_IDS, findTemplate } from './templates.js';

export interface CreatedHall {
  hall: HallSummary;
  config: HallConfig;
  seq: number;
}

function refused(code: ErrorCode, details?: Record<string, unknown>): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code, message: messageFor(code), ...(details ? { details } : {}) } };
}

/**
 * A configuration as `PUT /api/halls/:hallId/config` checks it: the same schema
 * (VALIDATION_FAILED naming the field), then the same whole-config rules
 * (CONFIG_INVALID with the reason), and it must be for the hall it is given to.
 */
export function validateHallConfig(hallId: string, raw: unknown): { ok: true; config: HallConfig } | { ok: false; error: ErrorBody } {
  const parsed = configureSchema.safeParse({ config: raw });
  if (!parsed.success) return refused('VALIDATION_FAILED', validationDetails(parsed.error));
  const { config } = parsed.data;
  if (config.id !== hallId) return refused('CONFIG_INVALID', { reason: configReasons.anotherHall(config.id), hallId: config.id });
  try {
    checkConfig(config);
  } catch (error) {
    if (error instanceof DomainError) return refused(error.code, error.details);
    throw error;
  }
  return { ok: true, config };
}

/** The configuration a creation request asks for: `{ id, config }` as given, or `{ id, template, name, … }` built. */
function requestedConfig(body: Record<string, unknown>): { ok: true; config: unknown; template?: string } | { ok: false; error: ErrorBody } {
  if ('template' in body) {
    const parsed = fromTemplateSchema.safeParse(body);
    if (!parsed.success) return refused('VALIDATION_FAILED', validationDetails(parsed.error));
    const { id, template: templateId, name, nameAlt, timeZone, hours } = parsed.data;
    const template = findTemplate(templateId);
    if (!template) return refused('TEMPLATE_NOT_FOUND', { template: templateId, templates: [...TEMPLATE_IDS] });
    const config = template.build({ id, name, ...(nameAlt !== undefined ? { nameAlt } : {}), ...(timeZone !== undefined ? { timeZone } : {}), ...(hours ? { hours } : {}) });
    return { ok: true, config, template: template.id };
  }
  const parsed = fromConfigSchema.safeParse(body);
  if (!parsed.success) return refused('VALIDATION_FAILED', validationDetails(parsed.error));
  return { ok: true, config: parsed.data.config };
}

/**
 * Creates a hall for `POST /api/halls` and the `hallq halls create|import`
 * command line alike: checks the id, builds or checks the configuration, and
 * stores the new hall with its `hall:created` event in one step. The caller
 * has checked that `actor` may create halls. A configuration file's voice packs
 * (`voicePacks`, packExport.ts) are checked with the configuration, so a bad
 * clip refuses the import before the hall exists, and stored once it does.
 */
export async function createHall(halls: HallStore, body: unknown, actor: Actor, now: number, voice: VoiceStore): Promise<Ack<CreatedHall>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return refused('VALIDATION_FAILED', { issues: [{ path: '(body)', message: 'expected an object { id, config } or { id, template, name }' }] });
  }
  const { id } = body as { id?: unknown };
  if (!isHallId(id)) return refused('HALL_ID_INVALID', { id: typeof id === 'string' ? id : null });
  const requested = requestedConfig(body as Record<string, unknown>);
  if (!requested.ok) return requested;
  const { config: requestedConfigOnly, packs: requestedPacks } = withoutVoicePacks(requested.config);
  const checked = validateHallConfig(id, requestedConfigOnly);
  if (!checked.ok) return checked;
  const packs = await checkImportedPacks(requestedPacks, checked.config);
  if (!packs.ok) return packs;
  const { state, events } = foundHall(checked.config, actor, now, requested.template);
  try {
    await halls.createHall(state, events);
  } catch (error) {
    if (error instanceof StoreError && error.code === 'DUPLICATE') return refused('DUPLICATE', { hallId: id });
    throw error;
  }
  await restoreVoicePacks(voice, id, packs.packs, now);
  const { config } = state;
  return {
    ok: true,
    data: {
      hall: { id, name: config.name, timeZone: config.timeZone, ...(config.nameAlt !== undefined ? { nameAlt: config.nameAlt } : {}) },
      config,
      seq: state.seq,
    },
  };
}
