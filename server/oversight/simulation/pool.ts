import { Worker } from 'node:worker_threads';
import { tsxEsmApi } from '../../voice/synth.js';
import type { SimulationResult, SuggestionResult } from '../../protocol/simulation.js';
import type { SimulationJob } from './simulate.js';
import type { SuggestionJob } from './suggest.js';
import type { ThreadReply, ThreadRequest } from './threadProtocol.js';

/** Every thread is taken and the queue is full: the route answers SIMULATION_BUSY (503). */
export class SimulationBusy extends Error {
  constructor() {
    super('every simulation thread is busy');
  }
}

export interface PoolOptions {
  /** Threads (1–2: the replays share the machine with the hall's own work). */
  size: number;
  /** Jobs that may wait for a thread beyond the running ones. */
  queue: number;
}

type Job = { kind: 'simulate'; job: SimulationJob } | { kind: 'suggest'; job: SuggestionJob };

interface Thread {
  worker: Worker;
  busy: boolean;
}

interface Waiting {
  request: ThreadRequest;
  resolve(result: SimulationResult | SuggestionResult): void;
  reject(error: Error): void;
}

/**
 * A small pool of worker threads for 排班模拟, started on first use. A job
 * goes to a free thread, or waits in a bounded queue; past that it is
 * refused at once (never queued without bound, never run on the main thread).
 */
export class SimulationPool {
  private readonly threads: Thread[] = [];
  private readonly queued: Waiting[] = [];
  private readonly running = new Map<number, { thread: Thread; waiting: Waiting }>();
  private nextId = 1;
  private closed = false;
  /** Thread ids that answered, for the test that the work is off the main thread. */
  readonly answeredBy = new Set<number>();

  constructor(private readonly options: PoolOptions) {
    this.options = { size: Math.min(2, Math.max(1, Math.floor(options.size))), queue: Math.max(0, Math.floor(options.queue)) };
  }

  simulate(job: SimulationJob): Promise<SimulationResult> {
    return this.submit({ kind: 'simulate', job }) as Promise<SimulationResult>;
  }

  suggest(job: SuggestionJob): Promise<SuggestionResult> {
    return this.submit({ kind: 'suggest', job }) as Promise<SuggestionResult>;
  }

  private submit(job: Job): Promise<SimulationResult | SuggestionResult> {
    if (this.closed) return Promise.reject(new Error('the simulation pool was closed'));
    const free = this.freeThread();
    if (!free && this.queued.length >= this.options.queue) return Promise.reject(new SimulationBusy());
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { request: { id: this.nextId++, ...job }, resolve, reject };
      if (free) this.dispatch(free, waiting);
      else this.queued.push(waiting);
    });
  }

  private freeThread(): Thread | undefined {
    const idle = this.threads.find((thread) => !thread.busy);
    if (idle) return idle;
    if (this.threads.length >= this.options.size) return undefined;
    const thread: Thread = { worker: startWorker(), busy: false };
    thread.worker.unref();
    thread.worker.on('message', (reply: ThreadReply | { ready: true }) => {
      if ('ready' in reply) return;
      this.settle(thread, reply);
    });
    thread.worker.on('error', (error) => this.lose(thread, error));
    thread.worker.on('exit', (code) => this.lose(thread, new Error(`simulation thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }

  private dispatch(thread: Thread, waiting: Waiting): void {
    thread.busy = true;
    this.running.set(waiting.request.id, { thread, waiting });
    thread.worker.postMessage(waiting.request);
  }

  private settle(thread: Thread, reply: ThreadReply): void {
    const job = this.running.get(reply.id);
    this.running.delete(reply.id);
    thread.busy = false;
    this.answeredBy.add(reply.threadId);
    if (job) {
      if (reply.ok) job.waiting.resolve(reply.result);
      else job.waiting.reject(new Error(reply.message));
    }
    const next = this.queued.shift();
    if (next) this.dispatch(thread, next);
  }

  /** A thread that died fails its job; the next job starts a new one. */
  private lose(thread: Thread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    for (const [id, job] of this.running) {
      if (job.thread !== thread) continue;
      this.running.delete(id);
      job.waiting.reject(error);
    }
    const next = this.queued.shift();
    if (next && !this.closed) {
      const replacement = this.freeThread();
      if (replacement) this.dispatch(replacement, next);
      else this.queued.unshift(next);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiting of this.queued.splice(0)) waiting.reject(new Error('the simulation pool was closed'));
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }
}

/**
 * worker.js next to this file in dist/ (compiled by tsc, `npm start`), or worker.ts from source (tsx,
 * vitest), started through tsx's API as the voice synthesizer's thread is (server/voice/synth.ts).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), { execArgv: [] });
  const file = new URL('./worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxEsmApi())}).then((tsx) => tsx.tsImport(${JSON.stringify(file)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
}
