/**
 * Starting, querying, stopping and SIGKILL-ing the server child (tests/bench/serverChild.ts).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Percentiles } from './serverProbes.js';
import { withTimeout } from './stats.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('../serverChild.ts', import.meta.url));
/** The floor server (tests/bench/floor): same environment and IPC as the HallQ child. */
export const FLOOR_SCRIPT = fileURLToPath(new URL('../floor/floorChild.ts', import.meta.url));

export const ADMIN_PASSWORD = 'bench-admin-password-1';

export interface ServerOptions {
  dataDir: string;
  /** 0 = pick a free port. */
  port?: number;
  tree: 'dist' | 'src';
  halls: number;
  windows: number;
  exposeGc?: boolean;
  /** Enables profileStart()/profileStop(): CPU profiles of the server are written into this directory. */
  cpuProfDir?: string;
  label: string;
  env?: Record<string, string>;
  /** SQLite synchronous mode; FULL unless investigating. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Another child speaking the same IPC (FLOOR_SCRIPT); the HallQ server child by default. */
  script?: string;
}

export interface ReadyInfo {
  url: string;
  port: number;
  halls: string[];
  created: number;
  tree: string;
  /** Child-side: from the first line of serverChild until ready (imports, startServer, halls). */
  bootMs: number;
  /** Child-side: process uptime at ready (includes node + tsx start-up). */
  uptimeMs: number;
}

export interface HeapInfo {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export interface StatsInfo {
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  eventLoopUtilization: number;
  commits: number;
  updates: number;
  synchronous: number;
  journalMode: string;
  heapUsed: number;
  /** Since the previous stats() (children that run lib/serverProbes; absent from older children). */
  eventLoopDelayMs?: Percentiles;
  commitMs?: Percentiles | null;
}

/** What a benchmark drives: one server process, or several sharing one Redis (ServerGroup). */
export interface BenchServers {
  /** Where clients connect; with several processes, clients are spread over them. */
  readonly urls: readonly string[];
  /** The bench halls, as the first process created them. */
  readonly halls: readonly string[];
  stats(): Promise<StatsInfo>;
  profileStart(): Promise<void>;
  profileStop(): Promise<string | undefined>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

function serverEnv(options: ServerOptions, logLevel: string): Record<string, string> {
  return {
    ...inheritedEnv(),
    NODE_ENV: 'production',
    HALLQ_DATA_DIR: options.dataDir,
    HALLQ_PORT: String(options.port ?? 0),
    HALLQ_HOST: '127.0.0.1',
    HALLQ_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HALLQ_DEMO: '0',
    HALLQ_LOG_LEVEL: logLevel,
    HALLQ_SQLITE_SYNCHRONOUS: options.synchronous ?? 'FULL',
    HALLQ_STAFF_RATE: '100000000',
    HALLQ_KIOSK_RATE: '100000000',
    // Every bench client is on loopback: one address for thousands of boards.
    HALLQ_MAX_CONNECTIONS_PER_IP: '1000000',
    BENCH_SERVER_TREE: options.tree,
    BENCH_HALLS: String(options.halls),
    BENCH_WINDOWS: String(options.windows),
    ...options.env,
  };
}

/** The bench's environment without any HALLQ_* / PORT setting that could change the server under test. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('HALLQ_') || key === 'PORT' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return env;
}

/** Kills every server child still running (used by the bench's exit and signal handlers). */
export function killAllServers(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

export class ServerProcess implements BenchServers {
  readonly spawnedAt: number;
  ready!: ReadyInfo;
  /** Parent-side performance.now() when the ready message arrived. */
  readyAt = 0;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly logTail: string[] = [];

  private constructor(
    readonly options: ServerOptions,
    readonly child: ChildProcess,
    /** Whether a log line is worth showing on the bench's stderr; `onLine` sees every line. */
    private readonly shouldRelay: (line: string) => boolean = () => true,
    private readonly onLine: (line: string) => void = () => undefined,
  ) {
    this.spawnedAt = performance.now();
    live.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        for (const { reject } of this.pending.values()) reject(new Error(`server child exited (${signal ?? code})`));
        this.pending.clear();
        resolve({ code, signal });
      });
    });
    const relay = (stream: NodeJS.ReadableStream | null) => {
      let buffer = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (!line.trim()) continue;
          this.logTail.push(line);
          if (this.logTail.length > 40) this.logTail.shift();
          this.onLine(line);
          if (this.shouldRelay(line)) process.stderr.write(`[server ${options.label}] ${line.slice(0, 500)}\n`);
        }
      });
    };
    relay(child.stdout);
    relay(child.stderr);
    child.on('message', (message: { type: string; id?: number; error?: string; message?: string }) => {
      if (message.type === 'error' && message.id === undefined) {
        process.stderr.write(`[server ${options.label}] child error: ${message.message}\n`);
        return;
      }
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error));
      else waiter.resolve(message);
    });
  }

  static async start(options: ServerOptions): Promise<ServerProcess> {
    const execArgv = ['--import', 'tsx'];
    if (options.exposeGc) execArgv.push('--expose-gc');
    const child = fork(options.script ?? CHILD_SCRIPT, [], {
      cwd: REPO_ROOT,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: serverEnv(options, 'warn'),
    });
    const server = new ServerProcess(options, child);
    const ready = new Promise<ReadyInfo>((resolve, reject) => {
      const onMessage = (message: { type: string; message?: string } & ReadyInfo) => {
        if (message.type === 'ready') {
          child.off('message', onMessage);
          resolve(message);
        } else if (message.type === 'error') {
          reject(new Error(`server child failed to start: ${message.message}`));
        }
      };
      child.on('message', onMessage);
      void server.exited.then(({ code, signal }) =>
        reject(new Error(`server child exited before it was ready (${signal ?? code}):\n${server.logTail.join('\n')}`)),
      );
    });
    server.ready = await withTimeout(ready, 60_000, `server child ${options.label} to start`);
    server.readyAt = performance.now();
    return server;
  }

  /**
   * The production entry point instead of the bench child: `node dist/server/main.js`
   * (or `node --import tsx server/main.ts` for --server src), same environment. Ready when it
   * logs "HallQ is serving". No IPC: heap(), stats() and profiles are unavailable. Used to
   * restart after the kill, where the halls already exist.
   */
  static async startMain(options: ServerOptions): Promise<ServerProcess> {
    const args = options.tree === 'dist' ? ['dist/server/main.js'] : ['--import', 'tsx', 'server/main.ts'];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(options, 'info') });
    let onServing: (url: string) => void = () => undefined;
    const serving = new Promise<string>((resolve) => (onServing = resolve));
    const parse = (line: string): { level?: number; msg?: string; url?: string } | null => {
      try {
        return JSON.parse(line) as { level?: number; msg?: string; url?: string };
      } catch {
        return null;
      }
    };
    const server = new ServerProcess(
      options,
      child,
      (line) => (parse(line)?.level ?? 50) >= 40,
      (line) => {
        const entry = parse(line);
        if (entry?.msg === 'HallQ is serving' && entry.url) onServing(entry.url);
      },
    );
    const failed = server.exited.then(({ code, signal }) => {
      throw new Error(`server ${options.label} exited before it was ready (${signal ?? code}):\n${server.logTail.join('\n')}`);
    });
    const url = await withTimeout(Promise.race([serving, failed]), 60_000, `server ${options.label} to start`);
    server.readyAt = performance.now();
    server.ready = {
      url,
      port: Number(new URL(url).port),
      halls: [],
      created: 0,
      tree: options.tree,
      bootMs: Number.NaN,
      uptimeMs: server.readyAt - server.spawnedAt,
    };
    return server;
  }

  get url(): string {
    return this.ready.url;
  }

  get urls(): readonly string[] {
    return [this.ready.url];
  }

  get halls(): readonly string[] {
    return this.ready.halls;
  }

  private request<T>(type: 'heap' | 'heap-snapshot' | 'stats' | 'profile-start' | 'profile-stop', extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.child.send({ type, id, ...extra });
    return withTimeout(answer, 30_000, `server child ${type}`);
  }

  /** Heap after forced GC (child must have been started with exposeGc). */
  heap(): Promise<HeapInfo> {
    return this.request<HeapInfo>('heap');
  }

  /** Forced GC, then a V8 heap snapshot written to `file` (needs exposeGc). */
  async heapSnapshot(file: string): Promise<void> {
    await this.request('heap-snapshot', { file });
  }

  /** CPU, event-loop utilisation and commit counters since the previous stats() call. */
  stats(): Promise<StatsInfo> {
    return this.request<StatsInfo>('stats');
  }

  /** Starts a V8 CPU profile of the server's main thread (no-op unless profiling was asked for). */
  async profileStart(): Promise<void> {
    if (this.options.cpuProfDir) await this.request('profile-start');
  }

  /** Stops it and writes `<cpuProfDir>/<label>.cpuprofile`; returns the path, if any. */
  async profileStop(): Promise<string | undefined> {
    if (!this.options.cpuProfDir) return undefined;
    const file = join(this.options.cpuProfDir, `${this.options.label}.cpuprofile`);
    await this.request('profile-stop', { file });
    return file;
  }

  /** kill -9; resolves once the process is gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful close; SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      if (this.child.connected) this.child.send({ type: 'stop' });
      else this.child.kill('SIGTERM');
    } catch {
      // IPC already closed
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Several server processes on one Redis, driven as one server: their CPU and
 * commit counters add up (CPU % can exceed 100: it is of one core), profiles
 * come from the first process.
 */
export class ServerGroup implements BenchServers {
  constructor(readonly members: readonly ServerProcess[]) {}

  get urls(): readonly string[] {
    return this.members.map((member) => member.url);
  }

  get halls(): readonly string[] {
    return this.members[0]!.halls;
  }

  async stats(): Promise<StatsInfo> {
    const all = await Promise.all(this.members.map((member) => member.stats()));
    const sum = (pick: (stats: StatsInfo) => number) => all.reduce((n, stats) => n + pick(stats), 0);
    return {
      ...all[0]!,
      cpuUserMs: sum((s) => s.cpuUserMs),
      cpuSystemMs: sum((s) => s.cpuSystemMs),
      eventLoopUtilization: sum((s) => s.eventLoopUtilization) / all.length,
      commits: sum((s) => s.commits),
      updates: sum((s) => s.updates),
      heapUsed: sum((s) => s.heapUsed),
    };
  }

  profileStart(): Promise<void> {
    return this.members[0]!.profileStart();
  }

  profileStop(): Promise<string | undefined> {
    return this.members[0]!.profileStop();
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((member) => member.stop()));
  }
}
