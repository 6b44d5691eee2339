/**
 * The floor's REST routes, the paths and answers of HallQ's that the bench uses:
 *   POST /api/auth/login                              { username, password } → { token }
 *   GET  /api/halls/:hallId/board                     the hall's view (waiting per service)
 *   POST /api/halls/:hallId/tickets                   { serviceId } → 201 the ticket   (staff)
 *   POST /api/halls/:hallId/windows/:windowId/call-next             → 200 the ticket  (staff)
 *   POST /api/halls/:hallId/windows/:windowId/open                  → 200             (staff)
 * Plain node:http, bodies up to 4 KB, keep-alive.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FloorCommands } from './commands.js';

const MAX_BODY = 4096;
const STATUS: Record<string, number> = { VALIDATION_FAILED: 400, UNAUTHENTICATED: 401, NOT_FOUND: 404, WINDOW_NOT_OPEN: 409, NO_TICKET_WAITING: 409 };

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function floorHttp(commands: FloorCommands, adminPassword: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'POST' && path === '/api/auth/login') {
        const body = (await readBody(req)) as { username?: unknown; password?: unknown } | undefined;
        if (body?.username !== 'admin' || typeof body.password !== 'string' || !same(body.password, adminPassword)) {
          return reply(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'wrong user name or password' } });
        }
        return reply(res, 200, { token: commands.token });
      }
      const board = /^\/api\/halls\/([a-z0-9-]{1,40})\/board$/.exec(path);
      if (req.method === 'GET' && board) {
        const view = commands.view(board[1]!);
        return view ? reply(res, 200, view) : reply(res, 404, { error: { code: 'NOT_FOUND', message: 'no such hall' } });
      }
      const ticket = /^\/api\/halls\/([a-z0-9-]{1,40})\/tickets$/.exec(path);
      const windowAction = /^\/api\/halls\/([a-z0-9-]{1,40})\/windows\/([A-Za-z0-9-]{1,40})\/(call-next|open)$/.exec(path);
      if (req.method !== 'POST' || (!ticket && !windowAction)) return reply(res, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
      if (req.headers.authorization !== `Bearer ${commands.token}`) {
        req.resume();
        return reply(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'log in first' } });
      }
      const body = await readBody(req);
      if (typeof body !== 'object' || body === null) return reply(res, 400, { error: { code: 'VALIDATION_FAILED', message: 'JSON object expected' } });
      const answer = ticket
        ? await commands.run(ticket[1]!, 'ticket:issue', body)
        : await commands.run(windowAction![1]!, `window:${windowAction![3]}`, { ...body, windowId: windowAction![2] });
      if (answer.ok) return reply(res, ticket ? 201 : 200, answer.data);
      return reply(res, STATUS[answer.error.code] ?? 400, { error: answer.error });
    })().catch(() => reply(res, 500, { error: { code: 'INTERNAL', message: 'floor failed' } }));
  };
}
