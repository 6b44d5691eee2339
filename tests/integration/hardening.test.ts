/**
 * Issue 13 items 3, 6, 7, 9 and the admin-password parts of 11, each as the
 * attack was reproduced, over real HTTP and sockets.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { signingSecret } from '../../server/auth/signingSecret.js';
import { loadConfig, type AppConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { DEMO_PASSWORD } from '../../server/demo/demoHall.js';
import { startTestServer, type TestServer, errorCodeOf } from '../helpers/testServer.js';

/** A pino logger whose lines the test reads back. */
function recordingLog(level = 'debug') {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level }, stream), lines };
}

const dirs: string[] = [];
const servers: RunningServer[] = [];
let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-harden-'));
  dirs.push(dir);
  return dir;
}

function configFor(dataDir: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig([], {}), port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', sqliteSynchronous: 'NORMAL', ...overrides };
}

async function start(config: AppConfig, options: Parameters<typeof startServer>[1] = {}): Promise<RunningServer> {
  const server = await startServer(config, { announce: () => undefined, ...options });
  servers.push(server);
  return server;
}

async function login(url: string, username: string, password: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: response.status, body: await response.json() };
}

async function call(url: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('item 3: demo accounts do not survive HALLQ_DEMO=0', () => {
  it('disables the demo accounts that still have demo1234 and names them in the log; a changed one stays usable', async () => {
    const dataDir = tempDir();
    const first = await start(configFor(dataDir, { demo: true, adminPassword: 'admin-password-1' }));
    expect((await login(first.url, 'clerk1', DEMO_PASSWORD)).status).toBe(200);
    // clerk2 chose their own password while the demo was on.
    const clerk2 = await first.store.accounts.findUserByUsername('clerk2');
    const admin = (await login(first.url, 'admin', 'admin-password-1')).body.token as string;
    expect((await call(first.url, 'PATCH', `/api/users/${clerk2!.id}`, admin, { password: 'clerk2-own-password' })).status).toBe(200);
    await first.close();
    servers.splice(0);

    const { log, lines } = recordingLog('info');
    const second = await start(configFor(dataDir, { demo: false }), { log });
    for (const username of ['clerk1', 'clerk8', 'zhuren']) {
      const refused = await login(second.url, username, DEMO_PASSWORD);
      expect(refused.status, username).toBe(401);
      expect(refused.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect((await login(second.url, 'clerk2', 'clerk2-own-password')).status).toBe(200);
    const warning = lines.find((line) => line.level === 40 && /demo accounts/.test(line.msg));
    expect(warning?.accounts).toEqual(['clerk1', 'clerk3', 'clerk4', 'clerk5', 'clerk6', 'clerk7', 'clerk8', 'zhuren']);
    expect((await second.store.accounts.findUserByUsername('zhuren'))?.disabled).toBe(true);
    await second.close();
    servers.splice(0);

    // A third start finds nothing more to do and says nothing.
    const quiet = recordingLog('info');
    await start(configFor(dataDir, { demo: false }), { log: quiet.log });
    expect(quiet.lines.some((line) => /demo accounts/.test(line.msg))).toBe(false);
  });
});

describe('item 6: signing secret and files', () => {
  it('creates the data directory 0700 and the database, WAL and SHM files 0600 whatever the umask', async () => {
    const dataDir = join(tempDir(), 'new', 'data');
    const previous = process.umask(0o022);
    try {
      await start(configFor(dataDir, { adminPassword: 'admin-password-1' }));
    } finally {
      process.umask(previous);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of ['hallq.db', 'hallq.db-wal', 'hallq.db-shm']) {
      const path = join(dataDir, file);
      expect(existsSync(path), file).toBe(true);
      expect(statSync(path).mode & 0o777, file).toBe(0o600);
    }
  });

  it('tightens a database an older build left 0644, and warns about a directory others can read', async () => {
    const first = tempDir();
    await (await start(configFor(first, { adminPassword: 'admin-password-1' }))).close();
    servers.splice(0);
    chmodSync(join(first, 'hallq.db'), 0o644);
    chmodSync(first, 0o755);
    const { log, lines } = recordingLog('info');
    await start(configFor(first), { log });
    expect(statSync(join(first, 'hallq.db')).mode & 0o777).toBe(0o600);
    expect(lines.some((line) => line.level === 40 && line.msg.includes(`chmod 700 ${first}`))).toBe(true);
  });

  it('refuses a token without exp, even one signed with the real secret', async () => {
    t = await startTestServer();
    const admin = await t.server.store.accounts.findUserByUsername('admin');
    const secret = await signingSecret(process.env, t.server.store.accounts);
    const forever = await new SignJWT({ role: 'admin', name: 'x', halls: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin!.id)
      .setIssuer('hallq')
      .setIssuedAt()
      .sign(new TextEncoder().encode(secret));
    const refused = await t.api('GET', '/api/halls/demo/config', { token: forever });
    expect(refused.status).toBe(401);
    expect(errorCodeOf(refused)).toBe('UNAUTHENTICATED');
    expect((await t.connectError({ hallId: 'demo', token: forever })).code).toBe('UNAUTHENTICATED');
    // The same claims with an expiry are fine: it is the missing exp that is refused.
    const withExp = await new SignJWT({ role: 'admin', name: 'x', halls: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(admin!.id)
      .setIssuer('hallq')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    expect((await t.api('GET', '/api/halls/demo/config', { token: withExp })).status).toBe(200);
  });

  it('HALLQ_SECRET_FILE keeps the signing secret out of the database', async () => {
    const dir = tempDir();
    const keyFile = join(dir, 'token.key');
    writeFileSync(keyFile, 'k'.repeat(48) + '\n', { mode: 0o600 });
    const previous = process.env.HALLQ_SECRET_FILE;
    process.env.HALLQ_SECRET_FILE = keyFile;
    try {
      const server = await start(configFor(join(dir, 'data'), { adminPassword: 'admin-password-1' }));
      const token = (await login(server.url, 'admin', 'admin-password-1')).body.token as string;
      expect((await call(server.url, 'GET', '/api/auth/me', token)).status).toBe(200);
      // Nothing was stored: a store with no secret would make a new one here.
      expect(await server.store.accounts.getOrCreateSecret('token-signing', () => 'fresh')).toBe('fresh');
      writeFileSync(keyFile, 'too-short\n');
      await expect(start(configFor(join(dir, 'data2'), { adminPassword: 'admin-password-1' }))).rejects.toMatchObject({ kind: 'secret-file' });
    } finally {
      if (previous === undefined) delete process.env.HALLQ_SECRET_FILE;
      else process.env.HALLQ_SECRET_FILE = previous;
    }
  });
});

describe('item 7: malformed percent-encoding', () => {
  it('answers 400 and logs at debug, never 500 with an error-level stack', async () => {
    const { log, lines } = recordingLog('debug');
    t = await startTestServer({}, { log });
    for (const path of ['/api/tickets/%ff', '/display/%c0%ae%c0%ae/x', '/api/halls/%E0%A4%A/board', '/counter/%ff', '/kiosk/%', '/t/%ff', '/%ff', '/api/halls/demo/windows/%zz/open']) {
      const response = await t.api(path.endsWith('/open') ? 'POST' : 'GET', path);
      expect(response.status, path).toBe(400);
      expect(errorCodeOf(response), path).toBe('VALIDATION_FAILED');
    }
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.filter((line) => line.level === 20 && /percent-encoding/.test(line.msg)).length).toBeGreaterThanOrEqual(8);
    // Well-formed encodings still reach their routes.
    expect((await t.api('GET', '/api/tickets/%E4%B8%8D%E5%AD%98%E5%9C%A8')).status).toBe(404);
  });
});

describe('item 9: security headers', () => {
  const pages = ['/admin', '/counter', '/kiosk', '/display', '/t/abc', '/'];

  it('app pages send a strict CSP, frame-ancestors none, X-Frame-Options and a referrer policy', async () => {
    t = await startTestServer();
    for (const path of pages) {
      const response = await fetch(t.url + path);
      expect(response.status, path).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((part) => {
        const [name = '', ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }));
      expect(directives.get('default-src'), path).toEqual(["'self'"]);
      expect(directives.get('script-src'), path).toEqual(["'self'"]);
      expect(directives.get('object-src'), path).toEqual(["'none'"]);
      expect(directives.get('style-src-attr'), path).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors'), path).toEqual(["'none'"]);
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(directives.get('style-src')?.every((value) => value === "'self'" || value.startsWith("'sha256-")), path).toBe(true);
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
    // The built pages need no inline script (so 'self' is enough); a page that grew one would break under the CSP.
    for (const path of ['/admin', '/counter', '/kiosk', '/display']) {
      const html = await (await fetch(t.url + path)).text();
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('an old chunk is a 404, built chunks are kept for good, the page is revalidated', async () => {
    t = await startTestServer();
    for (const path of ['/counter/assets/index-0000dead.js', '/display/assets/gone.css', '/kiosk/assets/x.js']) {
      const response = await fetch(t.url + path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).not.toContain('html');
    }
    for (const path of ['/counter', '/display/', '/kiosk', '/t/abc']) {
      const page = await fetch(t.url + path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('cache-control'), path).toBe('no-cache');
      const chunk = (await page.text()).match(/src="([^"]+\/assets\/[^"]+\.js)"/)?.[1];
      expect(chunk, `${path}: the page names its script`).toBeDefined();
      const asset = await fetch(new URL(chunk!, t.url + path));
      expect(asset.status, chunk).toBe(200);
      expect(asset.headers.get('cache-control'), chunk).toContain('immutable');
    }
  });

  it('HALLQ_BOARD_FRAME_ANCESTORS lets the named origins frame the boards, and only the boards', async () => {
    t = await startTestServer({ boardFrameAncestors: ['https://portal.example.gov.cn'] });
    const board = await fetch(`${t.url}/display?hall=demo`);
    expect(board.headers.get('content-security-policy')).toContain("frame-ancestors https://portal.example.gov.cn");
    expect(board.headers.get('x-frame-options')).toBeNull();
    for (const path of ['/admin', '/counter', '/kiosk']) {
      const response = await fetch(t.url + path);
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });
});

describe('item 11: the admin password', () => {
  it('a generated password is announced apart from the log, and the account can do nothing but change it', async () => {
    const { log, lines } = recordingLog('info');
    const announced: string[] = [];
    const server = await start(configFor(tempDir()), { log, announce: (message) => announced.push(message) });
    expect(announced).toHaveLength(1);
    const password = /Password: (\S+)/.exec(announced[0]!)?.[1];
    expect(password).toBeTruthy();
    expect(JSON.stringify(lines)).not.toContain(password);

    const first = await login(server.url, 'admin', password!);
    expect(first.status).toBe(200);
    expect(first.body.user.mustChangePassword).toBe(true);
    const token = first.body.token as string;
    // Anything else is refused, over REST and over the socket.
    for (const [method, path] of [['GET', '/api/halls/demo/config'], ['GET', '/api/users'], ['GET', '/api/halls/demo/staff-view']] as const) {
      const refused = await call(server.url, method, path, token);
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code, path).toBe('PASSWORD_CHANGE_REQUIRED');
    }
    expect((await call(server.url, 'POST', '/api/users', token, { username: 'evil', password: 'evil-password', displayName: 'x', role: 'admin', hallIds: ['*'] })).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await call(server.url, 'GET', '/api/auth/me', token)).body.user.mustChangePassword).toBe(true);
    const { io } = await import('socket.io-client');
    const socketRefusal = await new Promise<any>((resolve) => {
      const socket = io(server.url, { auth: { hallId: 'demo', token }, transports: ['websocket'], reconnection: false, forceNew: true });
      socket.once('connect', () => (socket.disconnect(), resolve({ code: 'connected' })));
      socket.once('connect_error', (error: Error & { data?: unknown }) => (socket.disconnect(), resolve(error.data)));
    });
    expect(socketRefusal.code).toBe('PASSWORD_CHANGE_REQUIRED');

    // Bad changes: wrong current password, too short, the same again; nothing changes.
    expect((await call(server.url, 'POST', '/api/auth/password', token, { currentPassword: 'wrong-one', newPassword: 'a-good-new-password' })).body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await call(server.url, 'POST', '/api/auth/password', token, { currentPassword: password, newPassword: 'short' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await call(server.url, 'POST', '/api/auth/password', token, { currentPassword: password, newPassword: password })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await call(server.url, 'POST', '/api/auth/password', undefined, { currentPassword: password, newPassword: 'a-good-new-password' })).status).toBe(401);
    expect((await server.store.accounts.findUserByUsername('admin'))?.mustChangePassword).toBe(true);

    const changed = await call(server.url, 'POST', '/api/auth/password', token, { currentPassword: password, newPassword: 'a-good-new-password' });
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    // The login goes on with the fresh token; the token of the given password is dead (every other login ends).
    expect((await call(server.url, 'GET', '/api/halls/demo/config', changed.body.token)).status).toBe(200);
    expect((await call(server.url, 'GET', '/api/halls/demo/config', token)).status).toBe(401);
    expect((await login(server.url, 'admin', password!)).status).toBe(401);
    expect((await login(server.url, 'admin', 'a-good-new-password')).body.user.mustChangePassword).toBe(false);
  });

  it('an account with a chosen password is not asked to change it; HALLQ_ADMIN_PASSWORD after the first start is ignored, and the log says so', async () => {
    const dataDir = tempDir();
    const first = await start(configFor(dataDir, { adminPassword: 'first-password-1' }));
    const chosen = await login(first.url, 'admin', 'first-password-1');
    expect(chosen.body.user.mustChangePassword).toBe(false);
    await first.close();
    servers.splice(0);
    const { log, lines } = recordingLog('info');
    const second = await start(configFor(dataDir, { adminPassword: 'second-password-2' }), { log });
    expect((await login(second.url, 'admin', 'second-password-2')).status).toBe(401);
    expect((await login(second.url, 'admin', 'first-password-1')).status).toBe(200);
    expect(lines.some((line) => line.level === 40 && line.msg.startsWith('HALLQ_ADMIN_PASSWORD is ignored'))).toBe(true);
  });

  it('the generated password is shown only by a start that serves: a start that cannot bind its port creates no admin', async () => {
    const blocker = await start(configFor(tempDir(), { adminPassword: 'admin-password-1' }));
    const dataDir = tempDir();
    const announced: string[] = [];
    await expect(start(configFor(dataDir, { port: blocker.port }), { announce: (message) => announced.push(message) })).rejects.toMatchObject({ kind: 'port-in-use' });
    expect(announced).toEqual([]);
    // The next start that serves creates the account and shows its password.
    const server = await start(configFor(dataDir), { announce: (message) => announced.push(message) });
    expect(announced).toHaveLength(1);
    expect((await login(server.url, 'admin', /Password: (\S+)/.exec(announced[0]!)![1]!)).status).toBe(200);
  });
});
