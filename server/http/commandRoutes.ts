import type { Request, Router } from 'express';
import type { HallService } from '../app/hallService.js';
import { parseCommand } from '../app/commandCatalog.js';
import type { Principal } from '../auth/principal.js';
import type { Command } from '../protocol/commands.js';
import { COMMAND_NAMES, type CommandName, type RestRoute, declarations, pathParams } from '../protocol/declarations.js';
import type { ErrorBody } from '../protocol/errors.js';
import { schemas } from '../protocol/schemas.js';
import { phoneDeviceKey, principalOf, route, sendAck, sendError, sendValidationError } from './support.js';

/**
 * The REST route of every command, from its declaration: the body, with the
 * path's ids put in (they win over the body's), is the command's input, as a
 * socket payload is. Only an object body takes the ids; anything else (e.g.
 * an array) is validated as sent and refused.
 */
/**
 * A check a command needs that reads more than the hall's state (the hall's paired devices, say), made
 * before the engine runs; a refusal is answered as is.
 */
export type Preflight = (principal: Principal, hallId: string, command: Command) => Promise<ErrorBody | null>;

export function mountCommandRoutes(api: Router, deps: { service: HallService; preflight?: Partial<Record<CommandName, Preflight>> }): void {
  for (const name of COMMAND_NAMES) {
    const rest: RestRoute = declarations[name].rest;
    const params = pathParams(rest.path);
    const handler = route(async (req, res) => {
      const ids: Record<string, string> = {};
      for (const param of params) {
        const value = String(req.params[param]);
        if (rest.malformedPathId && !schemas.id.safeParse(value).success) return sendError(req, res, rest.malformedPathId);
        ids[param] = value;
      }
      const principal = principalOf(req);
      const parsed = parseCommand(name, inputOf(req, ids), principal);
      if (!parsed.ok) return sendValidationError(req, res, parsed.error);
      const refused = await deps.preflight?.[name]?.(principal, String(req.params.hallId), parsed.command);
      if (refused) return sendError(req, res, refused);
      const caller = rest.phoneCookie && principal.kind === 'public' ? { ...principal, deviceKey: phoneDeviceKey(req, res) } : principal;
      sendAck(req, res, await deps.service.run(caller, String(req.params.hallId), parsed.command), rest.status);
    });
    const path = rest.path.slice('/api'.length);
    if (rest.method === 'POST') api.post(path, handler);
    else if (rest.method === 'PUT') api.put(path, handler);
    else api.delete(path, handler);
  }
}

function inputOf(req: Request, ids: Record<string, string>): unknown {
  const body: unknown = req.body ?? {};
  if (Object.keys(ids).length === 0) return body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body, ...ids } : body;
}
