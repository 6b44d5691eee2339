/**
 * The demo's guide desk has a 绿色通道 PIN (README, demo accounts), so the kiosk's green channel can be
 * tried at once; a hall in service never gets one from the seed, and turning the demo off takes the
 * published PIN away again, even from an account whose password was changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords.js';
import { type AppConfig, loadConfig } from '../../server/config.js';
import { DEMO_DESK_PIN } from '../../server/demo/demoHall.js';
import { type RunningServer, startServer } from '../../server/server.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-deskpin-'));
  dirs.push(dir);
  return dir;
}

function recordingLog() {
  const lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

async function start(dir: string, overrides: Partial<AppConfig>, log?: ReturnType<typeof recordingLog>['log']): Promise<RunningServer> {
  const config: AppConfig = { ...loadConfig([], {}), port: 0, host: '127.0.0.1', dataDir: dir, logLevel: 'silent', sqliteSynchronous: 'NORMAL', adminPassword: 'admin-password-1', ...overrides };
  const server = await startServer(config, { announce: () => undefined, ...(log ? { log } : {}) });
  servers.push(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  await server.close();
  servers.splice(servers.indexOf(server), 1);
}

const pinned = async (server: RunningServer) => (await server.store.accounts.listUsers()).filter((user) => user.pinHash !== undefined).map((user) => user.username);

describe('the demo guide desk\'s 绿色通道 PIN', () => {
  it('the demo seed gives clerk1 (王芳, 导办) the demo PIN and nobody else one', async () => {
    const server = await start(dataDir(), { demo: true });
    expect(await pinned(server)).toEqual(['clerk1']);
    const clerk1 = await server.store.accounts.findUserByUsername('clerk1');
    expect(clerk1?.displayName).toBe('王芳');
    expect(await verifyPassword(DEMO_DESK_PIN, clerk1!.pinHash!)).toBe(true);
  });

  it('a hall in service (demo off) starts with no PIN on any account', async () => {
    const server = await start(dataDir(), { demo: false });
    expect((await server.store.accounts.listUsers()).map((user) => user.username)).toEqual(['admin']);
    expect(await pinned(server)).toEqual([]);
  });

  it('a demo seeded before the PIN existed gets it at the next start; a PIN of the clerk\'s own is kept', async () => {
    const dir = dataDir();
    const first = await start(dir, { demo: true });
    const clerk1 = (await first.store.accounts.findUserByUsername('clerk1'))!;
    const { pinHash: _seeded, ...withoutPin } = clerk1;
    await first.store.accounts.updateUser(withoutPin);
    expect(await pinned(first)).toEqual([]);
    await stop(first);

    const second = await start(dir, { demo: true });
    const given = (await second.store.accounts.findUserByUsername('clerk1'))!;
    expect(await verifyPassword(DEMO_DESK_PIN, given.pinHash!)).toBe(true);
    await second.store.accounts.updateUser({ ...given, pinHash: await hashPassword('9753') });
    await stop(second);

    const third = await start(dir, { demo: true });
    expect(await verifyPassword('9753', (await third.store.accounts.findUserByUsername('clerk1'))!.pinHash!)).toBe(true);
  });

  it('with the demo off, the published PIN goes, even from an account whose password was changed, and the log says so', async () => {
    const dir = dataDir();
    const first = await start(dir, { demo: true });
    const clerk1 = (await first.store.accounts.findUserByUsername('clerk1'))!;
    await first.store.accounts.updateUser({ ...clerk1, passwordHash: await hashPassword('clerk1-own-password') });
    await stop(first);

    const { log, lines } = recordingLog();
    const second = await start(dir, { demo: false }, log);
    const after = (await second.store.accounts.findUserByUsername('clerk1'))!;
    expect(after.pinHash).toBeUndefined();
    // Its own password still opens it: only the published PIN was taken.
    expect(after.disabled).toBe(false);
    expect(lines.find((line) => line.level === 40 && /绿色通道 PIN/.test(line.msg))?.accounts).toEqual(['clerk1']);
  });
});
