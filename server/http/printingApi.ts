import type { Request, Response, Router } from 'express';
import { mayActInHall, isManager } from '../auth/principal.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { HallService } from '../app/hallService.js';
import { schemas } from '../protocol/schemas.js';
import type { HallStore } from '../store/port.js';
import { issueAtKiosk } from '../printing/kiosk.js';
import { printAnnouncement, printNotice } from '../printing/notices.js';
import { printTestPage } from '../printing/testPage.js';
import type { PrintService } from '../printing/printService.js';
import { principalOf, route, sendAck, sendError, sendValidationError } from './support.js';
import { normaliseAddress } from './clientAddress.js';

export interface PrintingApiDeps {
  service: HallService;
  halls: HallStore;
  print: PrintService;
  authenticator: Authenticator;
  now: () => number;
  /** HALLQ_PUBLIC_URL; otherwise e-ticket links use the server's own address on the kiosk's connection. */
  publicUrl?: string;
}

/**
 * The start of the e-ticket link printed on a slip. Never the request's Host header: whoever
 * sends the request chooses it, so a forged Host would print a link to a foreign site on a
 * citizen's slip. HALLQ_PUBLIC_URL when set; otherwise the address and port the kiosk's
 * connection reached on this server (right on a hall LAN without a proxy; behind a proxy that
 * is the proxy's side, so set HALLQ_PUBLIC_URL there, as the start-up log says).
 */
export function baseUrlOf(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  const local = normaliseAddress(req.socket.localAddress ?? '127.0.0.1');
  const host = local.includes(':') ? `[${local}]` : local;
  return `http://${host}:${req.socket.localPort ?? 80}`;
}

/** Printers and print jobs are for the hall's staff; a kiosk may read its hall's jobs (to show its slips). */
function mayReadPrinting(req: Request, res: Response, hallId: string, allowKiosk: boolean): boolean {
  const principal = principalOf(req);
  const staff = principal.kind === 'staff' && mayActInHall(principal, hallId);
  const kiosk = allowKiosk && principal.kind === 'device' && principal.device.kind === 'kiosk' && mayActInHall(principal, hallId);
  if (staff || kiosk) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}

/** Kiosk tickets with their slips, notices from windows, printers and their jobs. */
export function mountPrintingApi(api: Router, deps: PrintingApiDeps): void {
  const noticeDeps = { halls: deps.halls, print: deps.print, now: deps.now };

  api.post(
    '/halls/:hallId/kiosk/tickets',
    route(async (req, res) => {
      const parsed = schemas.kioskTicket.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const ack = await issueAtKiosk(deps, principalOf(req), String(req.params.hallId), parsed.data, {
        baseUrl: baseUrlOf(req, deps.publicUrl),
        ip: req.ip ?? 'unknown',
      });
      sendAck(req, res, ack, 201);
    }),
  );

  api.post(
    '/halls/:hallId/windows/:windowId/notices',
    route(async (req, res) => {
      const parsed = schemas.notice.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const windowId = schemas.id.safeParse(req.params.windowId);
      if (!windowId.success) return sendError(req, res, 'WINDOW_NOT_FOUND');
      const ack = await printNotice(noticeDeps, principalOf(req), String(req.params.hallId), windowId.data, parsed.data);
      sendAck(req, res, ack, 201);
    }),
  );

  api.post(
    '/halls/:hallId/announcements/:announcementId/print',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      const principal = principalOf(req);
      if (!isManager(principal) || !mayActInHall(principal, hallId)) return sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      const body = schemas.windowOnly.safeParse(req.body ?? {});
      if (!body.success) return sendValidationError(req, res, body.error);
      sendAck(req, res, await printAnnouncement(noticeDeps, hallId, String(req.params.announcementId), body.data.requestId), 201);
    }),
  );

  api.post(
    '/halls/:hallId/printers/test',
    route(async (req, res) => {
      const parsed = schemas.printerTest.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      sendAck(req, res, await printTestPage(noticeDeps, principalOf(req), String(req.params.hallId), parsed.data), 201);
    }),
  );

  api.get(
    '/halls/:hallId/printers',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!mayReadPrinting(req, res, hallId, false)) return;
      if (!(await deps.halls.loadHall(hallId))) return sendError(req, res, 'HALL_NOT_FOUND');
      res.json({ hallId, printers: await deps.print.states(hallId) });
    }),
  );

  api.get(
    '/halls/:hallId/print-jobs',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!mayReadPrinting(req, res, hallId, true)) return;
      // A kiosk sees the slips it printed, never other citizens' e-ticket links or window receipts.
      const principal = principalOf(req);
      res.json({ hallId, jobs: deps.print.recentJobs(hallId, principal.kind === 'device' ? principal.device.id : undefined) });
    }),
  );
}
