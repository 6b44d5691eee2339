import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './childServer.js';
import { redisServerPath } from './requirements.js';

/**
 * A redis-server owned by a test: on a free port, with its data (AOF,
 * appendfsync everysec, the setting docs/deploy.md recommends) in a temporary
 * directory. `stop()` and `start()` keep port and directory, so the data
 * survives a restart as it would in production; `kill()` is a SIGKILL.
 */
export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  start(): Promise<void>;
  /** SHUTDOWN-like stop (SIGTERM: Redis flushes the AOF and exits). */
  stop(): Promise<void>;
  kill(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export async function startTestRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const binary = redisServerPath();
  if (!binary) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'hallq-redis-'));
  let child: ChildProcess | undefined;
  let output = '';

  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  const signal = async (name: NodeJS.Signals) => {
    if (!child) return;
    const proc = child;
    child = undefined;
    proc.kill(name);
    await exited(proc);
  };

  const redis: TestRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      if (child) return; // already running
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no'];
      args.push(...(options.appendOnly === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec']));
      child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) {
          child = undefined;
          throw new Error(`redis-server exited early:\n${output}`);
        }
        if (await answersPing(port)) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    async destroy() {
      await redis.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // A test runner that exits without cleaning up must not leave a redis-server behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  await redis.start();
  return redis;
}

/** True once the server answers PING with PONG (it refuses with LOADING while it reads its AOF). */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    socket.once('error', () => resolve(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}
