/**
 * The REST-issue peer where python3-flask is not installed: the same server
 * as floor/flask_peer.py in Node, doing what a plain Flask + SQLite app does
 * per request (two counts, one insert, its own fsync'd commit in SQLite's
 * default rollback journal, no group commit). Same arguments and READY line:
 *   node --import tsx tests/bench/floor/flaskLikeChild.ts <db file> <admin password>
 */
import Database from 'better-sqlite3';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const [file = 'peer.db', password = ''] = process.argv.slice(2);
const token = randomBytes(24).toString('base64url');
const db = new Database(file);
db.pragma('synchronous = FULL');
db.exec(
  `CREATE TABLE IF NOT EXISTS tickets (id INTEGER PRIMARY KEY AUTOINCREMENT, hall TEXT NOT NULL, service TEXT NOT NULL,
     number TEXT NOT NULL, status TEXT NOT NULL, issued_at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS tickets_queue ON tickets (hall, service, status);`,
);
const issued = db.prepare<[string, string], number>('SELECT COUNT(*) FROM tickets WHERE hall = ? AND service = ?').pluck();
const ahead = db.prepare<[string, string], number>("SELECT COUNT(*) FROM tickets WHERE hall = ? AND service = ? AND status = 'waiting'").pluck();
const insert = db.prepare("INSERT INTO tickets (hall, service, number, status, issued_at) VALUES (?, ?, ?, 'waiting', ?)");

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 4096) chunks.push(chunk);
  });
  req.on('end', () => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const refuse = (status: number, code: string) => send(status, { error: { code, message: code } });
    let body: Record<string, unknown> = {};
    try {
      body = size <= 4096 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      // an empty object: refused below
    }
    if (req.method === 'POST' && req.url === '/api/auth/login') {
      if (body.username !== 'admin' || typeof body.password !== 'string' || !same(body.password, password)) return refuse(401, 'UNAUTHENTICATED');
      return send(200, { token });
    }
    const match = /^\/api\/halls\/([a-z0-9-]{1,40})\/tickets$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) return refuse(404, 'NOT_FOUND');
    if (!same(req.headers.authorization ?? '', `Bearer ${token}`)) return refuse(401, 'UNAUTHENTICATED');
    const service = body.serviceId;
    if (typeof service !== 'string' || service.length === 0 || service.length > 64) return refuse(400, 'VALIDATION_FAILED');
    const hall = match[1]!;
    const number = `A${String(issued.get(hall, service)! + 1).padStart(3, '0')}`;
    const before = ahead.get(hall, service)!;
    const now = Date.now();
    const id = insert.run(hall, service, number, now).lastInsertRowid;
    send(201, { id: String(id), number, serviceId: service, ahead: before, issuedAt: now });
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  db.close();
  process.exit(0);
});
