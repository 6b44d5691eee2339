import type { Router } from 'express';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallStore } from '../store/port.js';
import { firstDisallowed } from '../printing/allowList.js';
import type { PrintService } from '../printing/printService.js';
import type { Preflight } from './commandRoutes.js';
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

/**
 * Before a new configuration goes to the engine: its printers must be the hall's own (agents paired in
 * the hall, tcp:// targets in the new configuration's own allow-list). Only for an administrator of the
 * hall; anyone else is refused by the permission check as before.
 */
export function configPrinterCheck(print: PrintService): Preflight {
  return async (principal, hallId, command) => {
    if (command.type !== 'hall.configure') return null;
    if (principal.kind !== 'staff' || principal.user.role !== 'admin' || !mayActInHall(principal, hallId)) return null;
    const { config } = command;
    const refused = await firstDisallowed([config.deskPrinter, ...config.windows.map((window) => window.printer)], print.allowContext(hallId, config));
    return refused === null ? null : { code: 'PRINTER_NOT_ALLOWED', message: '', details: { printer: refused } };
  };
}
