/**
 * Issue 11 "start and run like a service": the real entry point in a child
 * process, as `npm start` runs it. What a person reads goes to standard
 * error; standard output stays one JSON log object per line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, runChildServer } from '../helpers/childServer.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-start-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every line of standard output is a JSON object (the pino log). */
function expectJsonLog(stdout: string): void {
  for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) expect(() => JSON.parse(line), line).not.toThrow();
}

/** The failure is one line on standard error, without a stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('npm start', { timeout: 60_000 }, () => {
  it('prints the page addresses, the store and the data directory for a person, and the generated admin password, apart from the JSON log', async () => {
    const port = await freePort();
    const dataDir = join(tempDir(), 'data');
    const run = await runChildServer({ env: { PORT: String(port), HALLQ_DATA_DIR: dataDir, HALLQ_HOST: '0.0.0.0' }, unset: ['HALLQ_ADMIN_PASSWORD'] });
    expect(run.ready).toBe(true);
    expectJsonLog(run.stdout);
    for (const page of ['display', 'kiosk', 'counter', 'admin']) expect(run.stderr).toContain(`http://localhost:${port}/${page}?hall=demo`);
    expect(run.stderr).toMatch(/综合屏 Board:/);
    expect(run.stderr).toMatch(/取号机 Kiosk:/);
    expect(run.stderr).toMatch(/呼叫器 Counter:/);
    expect(run.stderr).toMatch(/管理 Admin:/);
    expect(run.stderr).toContain(`存储 Store:              SQLite ${join(dataDir, 'hallq.db')}`);
    expect(run.stderr).toContain(`数据目录 Data directory: ${dataDir}`);
    const password = /Password: (\S+)/.exec(run.stderr)?.[1];
    expect(password).toBeTruthy();
    expect(run.stdout).not.toContain(password);
    expect(run.stdout).toContain('HallQ is serving');
  });

  it('with the demo off and no hall, says how to create one', async () => {
    const port = await freePort();
    const run = await runChildServer({ env: { PORT: String(port), HALLQ_DATA_DIR: join(tempDir(), 'd'), HALLQ_DEMO: '0', HALLQ_ADMIN_PASSWORD: 'admin-test-password' } });
    expect(run.ready).toBe(true);
    expect(run.stderr).toContain(`http://127.0.0.1:${port}/admin`);
    expect(run.stderr).toContain('新建服务大厅');
    expect(run.stderr).not.toContain('Password:');
  });
});

describe('start-up failures: one line saying what to do, exit code not 0, no stack unless debug', { timeout: 60_000 }, () => {
  it('a port in use', async () => {
    const blocker: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const env = { PORT: String(port), HALLQ_DATA_DIR: join(tempDir(), 'data'), HALLQ_ADMIN_PASSWORD: 'admin-test-password', HALLQ_LOG_LEVEL: 'warn' };
    const run = await runChildServer({ env });
    expect(run.exitCode).not.toBe(0);
    expect(run.exitCode).not.toBeNull();
    expectOneLine(run.stderr, new RegExp(`^端口 ${port} 已被占用：用 PORT=${port + 1} npm start 换一个端口.* / Port ${port} is already in use`));

    const debug = await runChildServer({ env: { ...env, HALLQ_LOG_LEVEL: 'debug' } });
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toMatch(/已被占用/);
    expect(debug.stderr).toMatch(/EADDRINUSE/);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('a data directory that cannot be written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const dataDir = join(dir, 'a-file', 'data');
    const run = await runChildServer({ env: { PORT: String(await freePort()), HALLQ_DATA_DIR: dataDir, HALLQ_ADMIN_PASSWORD: 'admin-test-password', HALLQ_LOG_LEVEL: 'warn' } });
    expect(run.exitCode).toBe(1);
    expectOneLine(run.stderr, new RegExp(`^数据目录 ${dataDir} 无法写入（ENOTDIR）：用 HALLQ_DATA_DIR=.* / The data directory ${dataDir} cannot be written`));
  });

  it('a database written by a newer HallQ', async () => {
    const dataDir = tempDir();
    const db = new Database(join(dataDir, 'hallq.db'));
    db.pragma('user_version = 999');
    db.close();
    const run = await runChildServer({ env: { PORT: String(await freePort()), HALLQ_DATA_DIR: dataDir, HALLQ_ADMIN_PASSWORD: 'admin-test-password', HALLQ_LOG_LEVEL: 'warn' } });
    expect(run.exitCode).toBe(1);
    expectOneLine(run.stderr, /^数据库 .*hallq\.db 由更新版本的 HallQ 写入（结构版本 999，本程序只认识 \d+）：请升级 HallQ，或从备份恢复 \/ The database .* was written by a newer HallQ/);
  });

  it('a Redis that cannot be reached', async () => {
    const redisPort = await freePort(); // nothing listens there
    const run = await runChildServer({
      env: { PORT: String(await freePort()), HALLQ_REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${redisPort}`, HALLQ_ADMIN_PASSWORD: 'admin-test-password', HALLQ_LOG_LEVEL: 'fatal' },
    });
    expect(run.exitCode).toBe(1);
    expectOneLine(run.stderr, new RegExp(`^无法连接 Redis（redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redisPort}）：请确认 Redis 已启动.* / Cannot reach Redis`));
    expect(run.stderr + run.stdout).not.toContain('hunter2-secret');
  });

  it('an HALLQ_ADMIN_PASSWORD shorter than 10 characters', async () => {
    const dataDir = join(tempDir(), 'data');
    const run = await runChildServer({ env: { PORT: String(await freePort()), HALLQ_DATA_DIR: dataDir, HALLQ_ADMIN_PASSWORD: 'short' } });
    expect(run.exitCode).toBe(2);
    expectOneLine(run.stderr, /adminPassword \(from HALLQ_ADMIN_PASSWORD\) must be at least 10 characters/);
    expect(run.stderr).not.toContain('short,');
  });
});
