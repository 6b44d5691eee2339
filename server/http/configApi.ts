import type { Router } from 'express';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallService } from '../app/hallService.js';
import { configureSchema } from '../protocol/configSchema.js';
import type { HallStore } from '../store/port.js';
import { firstDisallowed } from '../printing/allowList.js';
import type { PrintService } from '../printing/printService.js';
import { principalOf, route, sendAck, sendError, sendValidationError } from './support.js';

/** A county hall's configuration (dozens of windows, a hundred services) is larger than any command. */
export const CONFIG_BODY_LIMIT = '512kb';

/**
 * The hall's configuration: supervisors read it, administrators replace it.
 * A change goes through the engine like any command (atomic, in the event log
 * as `hall:configured` with before and after, pushed to every screen).
 */
export function mountConfigApi(api: Router, deps: { service: HallService; halls: HallStore; print: PrintService }): void {
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

  api.put(
    '/halls/:hallId/config',
    route(async (req, res) => {
      const parsed = configureSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const { config, requestId } = parsed.data;
      const hallId = String(req.params.hallId);
      // Printers are checked against the new configuration's own allow-list (and the hall's paired agents).
      const principal = principalOf(req);
      if (principal.kind === 'staff' && principal.user.role === 'admin' && mayActInHall(principal, hallId)) {
        const refused = await firstDisallowed([config.deskPrinter, ...config.windows.map((window) => window.printer)], deps.print.allowContext(hallId, config));
        if (refused !== null) return sendError(req, res, { code: 'PRINTER_NOT_ALLOWED', message: '', details: { printer: refused } });
      }
      const ack = await deps.service.run(principal, hallId, {
        type: 'hall.configure',
        config,
        ...(requestId !== undefined ? { requestId } : {}),
      });
      sendAck(req, res, ack, 200);
    }),
  );
}
