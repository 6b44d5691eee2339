import type { Router } from 'express';
import { type Principal, actorOf } from '../auth/principal.js';
import { createHall } from '../halls/create.js';
import { templateSummaries } from '../halls/templates.js';
import type { HallStore, VoiceStore } from '../store/port.js';
import { principalOf, route, sendAck, sendError } from './support.js';

/** Creating halls is for the county's administrators, whose accounts cover every hall (hallIds ['*']). */
export function mayCreateHalls(principal: Principal): boolean {
  return principal.kind === 'staff' && principal.user.role === 'admin' && principal.hallIds.includes('*');
}

/**
 * The hall lifecycle: list, create (from a template or an exported
 * configuration), export, retire. Creation is recorded as `hall:created`,
 * retirement as `hall:archived`, each in the hall's own event log.
 */
export function mountHallsApi(api: Router, deps: { halls: HallStore; voice: VoiceStore; now: () => number }): void {
  // Pickers (home page, kiosk pairing, the admin switcher) show halls in service; `?archived=1` lets admins see the rest.
  api.get(
    '/halls',
    route(async (req, res) => {
      const principal = principalOf(req);
      const withArchived = req.query.archived === '1' && principal.kind === 'staff' && principal.user.role === 'admin';
      const halls = await deps.halls.listHalls();
      res.json(withArchived ? halls : halls.filter((hall) => hall.archivedAt === undefined));
    }),
  );

  api.get('/hall-templates', (_req, res) => {
    res.json(templateSummaries());
  });

  api.post(
    '/halls',
    route(async (req, res) => {
      const principal = principalOf(req);
      if (!mayCreateHalls(principal)) return sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      sendAck(req, res, await createHall(deps.halls, req.body, actorOf(principal), deps.now(), deps.voice), 201);
    }),
  );
}
