import type { Router } from 'express';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallStore } from '../store/port.js';
import { principalOf, route, sendError } from './support.js';

/** A county hall's configuration (dozens of windows, a hundred services) is larger than any command. */
export const CONFIG_BODY_LIMIT = '512kb';

/**
 * The hall's configuration: supervisors read it here; administrators replace
 * it with PUT, the `hall.configure` command (server/protocol/declarations.ts),
 * which goes through the engine like any command (atomic, in the event log as
 * `hall:configured` with before and after, pushed to every screen).
 */
export function mountConfigApi(api: Router, deps: { halls: HallStore }): void {
  api.get(
    '/halls/:hallId/config',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      const principal = principalOf(req);
      if (!isManager(principal) || !mayActInHall(principal, hallId)) return sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      const hall = await deps.halls.loadHall(hallId);
      if (!hall) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json({ config: hall.config, seq: hall.seq });
    }),
  );
}
