/**
 * REST clients for the benchmarks: node:http with a keep-alive agent (one
 * connection per concurrent client, reused), much lighter on the shared
 * cores than fetch; and closed loops that keep N requests in flight.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Summary, roundSummary, summarize } from './stats.js';

export interface RestAnswer {
  status: number;
  body: unknown;
}

export class RestClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    base: string,
    private readonly token: string | undefined,
    connections: number,
  ) {
    this.url = new URL(base);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  post(path: string, body: unknown, timeoutMs = 15_000): Promise<RestAnswer> {
    const text = JSON.stringify(body);
    return new Promise<RestAnswer>((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = raw;
            try {
              parsed = JSON.parse(raw);
            } catch {
              // not JSON: keep the text for the error count
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(text);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The error code of a refused REST answer ({ error: { code } }), or the status. */
export function restRefusal(answer: RestAnswer): string {
  const code = (answer.body as { error?: { code?: unknown } } | null)?.error?.code;
  return typeof code === 'string' ? code : `HTTP_${answer.status}`;
}

export interface LoopResult {
  done: number;
  seconds: number;
  perSecond: number;
  latency: Summary;
  refused: Record<string, number>;
}

/** Undefined = success, a string = the refusal code. */
export type Operation = (worker: number) => Promise<string | undefined>;

async function attempt(op: Operation, worker: number): Promise<string | undefined> {
  try {
    return await op(worker);
  } catch (error) {
    return `NO_ANSWER: ${(error as Error).message}`.slice(0, 60);
  }
}

/** Exactly `total` operations, `concurrency` in flight, as fast as they are answered. */
export async function countedLoop(total: number, concurrency: number, op: Operation): Promise<LoopResult> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let next = 0;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) {
        next++;
        const t = performance.now();
        const code = await attempt(op, worker);
        if (code === undefined) {
          done++;
          latencies.push(performance.now() - t);
        } else refused[code] = (refused[code] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { done, seconds: Math.round(seconds * 1000) / 1000, perSecond: Math.round(done / seconds), latency: roundSummary(summarize(latencies)), refused };
}

/** `concurrency` clients in a closed loop for `warmupSeconds` + `seconds`; answers inside the measured window count. */
export async function timedLoop(seconds: number, warmupSeconds: number, concurrency: number, op: Operation): Promise<LoopResult> {
  const latencies: number[] = [];
  const refused: Record<string, number> = {};
  let done = 0;
  const measureStart = performance.now() + warmupSeconds * 1000;
  const measureEnd = measureStart + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < measureEnd) {
        const t = performance.now();
        const code = await attempt(op, worker);
        const at = performance.now();
        if (at < measureStart || at > measureEnd) continue;
        if (code !== undefined) refused[code] = (refused[code] ?? 0) + 1;
        else {
          done++;
          if (t >= measureStart) latencies.push(at - t);
        }
      }
    }),
  );
  return { done, seconds, perSecond: Math.round(done / seconds), latency: roundSummary(summarize(latencies)), refused };
}
