import type { Request, Response } from 'express';
import type { z } from 'zod';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallState } from '../protocol/model.js';
import type { HallStore } from '../store/port.js';
import { principalOf, sendError, sendValidationError } from './support.js';

/** Who may read: any staff of the hall (statistics), or only its supervisors and admins (evidence about clerks, what-ifs). */
export type HallReaders = 'staff' | 'managers';

/** The query fields a route reads: `lang` and cache-busters may ride along; a repeated field is an array and refused. */
export function queryFields(req: Request, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, req.query[name]]));
}

/**
 * The hall a staff read is about, after the checks every such route makes in the same order: who (staff of the
 * hall, or only its managers), what was asked, which hall. Answers the refusal itself and gives null.
 */
export async function hallRequest<T>(
  req: Request,
  res: Response,
  halls: Pick<HallStore, 'loadHall'>,
  readers: HallReaders,
  schema: z.ZodType<T>,
  input: unknown,
): Promise<{ state: HallState; input: T } | null> {
  const hallId = String(req.params.hallId);
  const principal = principalOf(req);
  if (principal.kind !== 'staff' || !mayActInHall(principal, hallId) || (readers === 'managers' && !isManager(principal))) {
    sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    return null;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    sendValidationError(req, res, parsed.error);
    return null;
  }
  const state = await halls.loadHall(hallId);
  if (!state) {
    sendError(req, res, 'HALL_NOT_FOUND');
    return null;
  }
  return { state, input: parsed.data };
}
