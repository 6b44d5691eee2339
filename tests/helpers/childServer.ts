import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port that was free a moment ago, so a restarted server can come back on the same one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServer {
  process: ChildProcess;
  url: string;
  output(): string;
}

/** Runs the real entry point (server/main.ts) in a separate process, as `npm start` would. */
export async function startChildServer(options: { port: number; dataDir: string; env?: Record<string, string> }): Promise<ChildServer> {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(options.port),
      HALLQ_HOST: '127.0.0.1',
      HALLQ_DATA_DIR: options.dataDir,
      HALLQ_ADMIN_PASSWORD: 'admin-test-password',
      HALLQ_LOG_LEVEL: 'warn',
      HALLQ_STAFF_RATE: '1000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return { process: child, url, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start in time:\n${output}`);
}

export async function killHard(server: ChildServer): Promise<void> {
  if (server.process.exitCode !== null || server.process.signalCode !== null) return;
  const exited = new Promise((resolve) => server.process.once('exit', resolve));
  server.process.kill('SIGKILL');
  await exited;
}

export interface ChildRun {
  /** null while still running (it served: see `ready`). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real entry point (server/main.ts) until it exits or, if it serves,
 * until /healthz answers; then stops it. For start-up failures and for what
 * a person sees on the terminal. stdout and stderr are kept apart.
 */
export async function runChildServer(options: { env: Record<string, string>; unset?: string[]; timeoutMs?: number }): Promise<ChildRun & { ready: boolean }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HALLQ_HOST: '127.0.0.1',
    HALLQ_LOG_LEVEL: 'info',
    ...options.env,
  };
  for (const name of options.unset ?? []) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const port = env.PORT ?? env.HALLQ_PORT;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let ready = false;
  while (Date.now() < deadline && child.exitCode === null && !ready) {
    try {
      // Bounded: what listens there may not be HallQ (the port-in-use test's blocker never answers).
      ready = port !== undefined && (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      // not listening (yet)
    }
    if (!ready) await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  if (ready) {
    // The banner follows the first answer by a moment.
    const until = Date.now() + 5000;
    while (!stderr.includes('Data directory') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    await exited;
    return { exitCode: null, stdout, stderr, ready };
  }
  if (child.exitCode === null) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`server neither served nor exited in time:\n${stdout}\n${stderr}`);
  }
  return { exitCode: await exited, stdout, stderr, ready };
}
