import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { configFileName, configFileText } from '../halls/export.js';
import type { HallState } from '../protocol/model.js';
import { isManager, mayActInHall } from '../auth/principal.js';
import type { HallStore, VoiceStore } from '../store/port.js';
import { exportVoicePacks, withoutVoicePacks } from '../voice/packExport.js';
import { firstDisallowed } from '../printing/allowList.js';
import type { PrintService } from '../printing/printService.js';
import type { Preflight } from './commandRoutes.js';
import { principalOf, route, sendError } from './support.js';

/** A county hall's configuration (dozens of windows, a hundred services) is larger than any command. */
export const CONFIG_BODY_LIMIT = '512kb';
/**
 * A configuration file with its voice packs (base64 WAV, docs/voice.md): three languages of some
 * sixty clips of a second or two each are about 10 MB; this leaves room for long recordings.
 * Only an administrator's body is read this far; anyone else's stops at CONFIG_BODY_LIMIT.
 */
export const CONFIG_FILE_BODY_LIMIT = '64mb';

/** The routes that take a configuration file (PUT …/config, POST /api/halls), relative to /api: their bodies are read after authentication. */
export function isConfigFileRoute(method: string, path: string): boolean {
  return (method === 'PUT' && /^\/halls\/[^/]+\/config\/?$/i.test(path)) || (method === 'POST' && /^\/halls\/?$/i.test(path));
}

/**
 * Reads a configuration file's body once the caller is known (mounted after authentication), so a
 * large body is taken from administrators only, and drops the file's voice packs on PUT …/config:
 * packs have their own routes, and a file exported with them goes back unchanged.
 */
export function mountConfigFileBody(api: Router): void {
  const small = express.json({ limit: CONFIG_BODY_LIMIT, strict: true });
  const large = express.json({ limit: CONFIG_FILE_BODY_LIMIT, strict: true });
  const read: RequestHandler = (req, res, next) => {
    const principal = principalOf(req);
    const admin = principal.kind === 'staff' && principal.user.role === 'admin';
    (admin ? large : small)(req, res, next);
  };
  api.post('/halls', read);
  api.put('/halls/:hallId/config', read, (req, _res, next) => {
    const body: unknown = req.body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'config' in body) {
      (body as { config: unknown }).config = withoutVoicePacks((body as { config: unknown }).config).config;
    }
    next();
  });
}

/**
 * The hall's configuration: supervisors read it here; administrators replace
 * it with PUT, the `hall.configure` command (server/protocol/declarations.ts),
 * which goes through the engine like any command (atomic, in the event log as
 * `hall:configured` with before and after, pushed to every screen).
 */
export function mountConfigApi(api: Router, deps: { halls: HallStore; voice: VoiceStore }): void {
  /** The hall whose configuration a supervisor or admin of it may read; null when refused (answered). */
  async function readable(req: Request, res: Response): Promise<HallState | null> {
    const hallId = String(req.params.hallId);
    const principal = principalOf(req);
    if (!isManager(principal) || !mayActInHall(principal, hallId)) {
      sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      return null;
    }
    const hall = await deps.halls.loadHall(hallId);
    if (!hall) sendError(req, res, 'HALL_NOT_FOUND');
    return hall;
  }

  api.get(
    '/halls/:hallId/config',
    route(async (req, res) => {
      const hall = await readable(req, res);
      if (hall) res.json({ config: hall.config, seq: hall.seq });
    }),
  );

  // The file is the configuration itself, so POST /api/halls (as `config`) and PUT …/config take it unchanged.
  api.get(
    '/halls/:hallId/config/export',
    route(async (req, res) => {
      const hall = await readable(req, res);
      if (!hall) return;
      res.set('Content-Disposition', `attachment; filename="${configFileName(hall.config.id)}"`);
      res.type('application/json').send(configFileText(hall.config, await exportVoicePacks(deps.voice, hall.config)));
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
