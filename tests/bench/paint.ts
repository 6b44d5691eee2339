/**
 * Benchmark 6 (`--only paint`): call through the REST API → the number painted
 * on a real hall board in Chromium.
 *
 * One server child with the demo hall (HALLQ_DEMO=1, SQLite synchronous=FULL
 * as everywhere), the built display app (display/dist, rebuilt with
 * `npm run build:apps` when missing or older than display/), and one headless
 * Chromium page on `/display?hall=demo&voice=0` at 1920×1080. The admin opens
 * all 8 demo windows and issues, per window, enough tickets of a service that
 * only that window takes first (so every `call-next` calls a known queue).
 * Then `POST /api/halls/demo/windows/:id/call-next` goes out about every
 * 100 ms, windows in turn, without waiting for the answer: 8 warm-up calls
 * (one per window), then the measured ones. Each send time gets a random
 * 0–17 ms offset (a fixed seed): 100 ms is exactly six 60 Hz frames, and
 * without the offset every call would land at the same point of the frame,
 * so a run would measure one phase of the frame clock instead of all of them.
 *
 * Latency of one call = `paintedAt − sentAt`: `sentAt` is Date.now() in the
 * bench just before the request; `paintedAt` is Date.now() in the page, taken
 * in the requestAnimationFrame callback after the app applied the
 * `ticket:called` event (`window.__hallqPaints`, matched by ticket number),
 * i.e. at the start of the frame that paints it. Same machine, same clock.
 * For comparison, the same calls as seen by a socket.io-client board in the
 * bench process (the `latency` part's kind of board), and the REST answer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { CHROMIUM_PATH } from '../helpers/requirements.js';
import type { BenchContext } from './context.js';
import { Board, ackedTicket, loginAdmin } from './lib/clients.js';
import { REPO_ROOT, ServerProcess } from './lib/server.js';
import { type Summary, prng, round, roundSummary, sleep, summarize } from './lib/stats.js';

export interface PaintOptions {
  warmupCalls: number;
  measuredCalls: number;
  intervalMs: number;
  /** Each call is sent at k × intervalMs + a random offset in [0, jitterMs). */
  jitterMs: number;
}

export interface PaintResult {
  options: PaintOptions;
  browser: string;
  viewport: string;
  /** REST call sent → number painted on the Chromium board (ms). */
  callToPaint: Summary;
  /** REST call sent → `ticket:called` at a socket.io-client board in the bench process (ms). */
  callToSocketBoard: Summary;
  /** REST call sent → its HTTP answer (ms). */
  callToAnswer: Summary;
  /** Socket board → Chromium paint, per call (ms): the browser's share. */
  socketToPaint: Summary;
  measured: number;
  notPainted: number;
  refused: Record<string, number>;
  /** How late the bench sent calls versus their schedule (ms). */
  sendLag: Summary;
}

export const PAINT_DEFAULTS: PaintOptions = { warmupCalls: 8, measuredCalls: 120, intervalMs: 100, jitterMs: 17 };

/** Demo window → a service that window calls first and no other window takes before it. */
export const WINDOW_QUEUES: ReadonlyArray<[windowId: string, serviceId: string]> = [
  ['1', 'zonghe-zixun'],
  ['2', 'minzheng-dibao'],
  ['3', 'jisheng-shengyu-dengji'],
  ['4', 'laobao-shiye-dengji'],
  ['5', 'guotu-zhaijidi'],
  ['6', 'caizheng-huinong-butie'],
  ['7', 'nongye-linmu-caifa'],
  ['8', 'shoufei-shuiqi'],
];

const VIEWPORT = { width: 1920, height: 1080 };

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** display/dist is what the server serves at /display; build it when missing or stale. */
export function ensureDisplayBuilt(log: (message: string) => void): void {
  const built = join(REPO_ROOT, 'display/dist/index.html');
  const sources = Math.max(
    newestMtime(join(REPO_ROOT, 'display/src')),
    newestMtime(join(REPO_ROOT, 'display/index.html')),
    newestMtime(join(REPO_ROOT, 'display/vite.config.ts')),
  );
  if (existsSync(built) && statSync(built).mtimeMs > sources) return;
  log(existsSync(built) ? 'paint: display/dist is older than display/: npm run build:apps…' : 'paint: display/dist is missing: npm run build:apps…');
  const result = spawnSync('npm', ['run', 'build:apps'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 180_000 });
  if (result.status !== 0) throw new Error('npm run build:apps failed');
}

/** A server with the demo hall only, for the benches that drive a Chromium board (Chromium and the display build checked first). */
export async function startDemoServer(ctx: BenchContext, label: string): Promise<ServerProcess> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium fonts-noto-cjk, or set HALLQ_CHROMIUM)`);
  ensureDisplayBuilt(ctx.log);
  return ServerProcess.start({ dataDir: ctx.newDataDir(label), tree: ctx.tree, synchronous: ctx.synchronous, halls: 0, windows: 0, label, env: { HALLQ_DEMO: '1' } });
}

/** Opens the demo hall's queue windows (WINDOW_QUEUES) and puts `perWindow` tickets in each one's queue. */
export async function stockDemoHall(serverUrl: string, perWindow: number): Promise<{ base: string; token: string }> {
  const base = `${serverUrl}/api/halls/demo`;
  const token = await loginAdmin(serverUrl);
  for (const [windowId, serviceId] of WINDOW_QUEUES) {
    const opened = await post(`${base}/windows/${windowId}/open`, token);
    if (opened.status !== 200) throw new Error(`open window ${windowId}: HTTP ${opened.status} ${JSON.stringify(opened.json)}`);
    for (let i = 0; i < perWindow; i++) {
      const issued = await post(`${base}/tickets`, token, { serviceId });
      if (issued.status !== 201) throw new Error(`issue ${serviceId}: HTTP ${issued.status} ${JSON.stringify(issued.json)}`);
    }
  }
  return { base, token };
}

export async function post(url: string, token: string, body: unknown = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

interface CallRecord {
  k: number;
  windowId: string;
  scheduledAt: number;
  sentAt: number;
  answeredAt?: number;
  number?: string;
  error?: string;
}

export async function runPaint(ctx: BenchContext, overrides: Partial<PaintOptions> = {}): Promise<PaintResult> {
  const options: PaintOptions = { ...PAINT_DEFAULTS, ...(ctx.quick ? { measuredCalls: 40 } : {}), ...overrides };
  const totalCalls = options.warmupCalls + options.measuredCalls;
  const server = await startDemoServer(ctx, 'paint');
  let browser: Browser | undefined;
  let socketBoard: Board | undefined;
  try {
    const perWindow = Math.ceil(totalCalls / WINDOW_QUEUES.length) + 2;
    const { base, token } = await stockDemoHall(server.url, perWindow);

    // The comparison board: a Node socket, recording when each call arrives (wall clock, like the page).
    const socketSeen = new Map<string, number>();
    socketBoard = new Board(server.url, 'demo', 0, { onCalled: (_board, event) => void (event.ticket && socketSeen.set(event.ticket.number, Date.now())) }, null);
    await socketBoard.whenSynced(10_000);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(`${server.url}/display?hall=demo&voice=0`);
    await page.getByTestId('window-8').waitFor({ timeout: 15_000 });
    await page.getByRole('status').waitFor({ state: 'detached', timeout: 15_000 });
    ctx.log(`paint: Chromium ${browser.version()} on the demo board, 8 windows open, ${perWindow * WINDOW_QUEUES.length} tickets waiting; ${totalCalls} calls every ${options.intervalMs} ms (+ 0–${options.jitterMs} ms; first ${options.warmupCalls} warm-up)…`);
    await sleep(500);

    const records: CallRecord[] = [];
    const inFlight: Promise<void>[] = [];
    const random = prng(20240607);
    const start = Date.now() + 20;
    for (let k = 0; k < totalCalls; k++) {
      const scheduledAt = start + k * options.intervalMs + Math.floor(random() * options.jitterMs);
      const wait = scheduledAt - Date.now();
      if (wait > 0) await sleep(wait);
      const windowId = WINDOW_QUEUES[k % WINDOW_QUEUES.length]![0];
      const record: CallRecord = { k, windowId, scheduledAt, sentAt: Date.now() };
      records.push(record);
      inFlight.push(
        post(`${base}/windows/${windowId}/call-next`, token).then(
          (answer) => {
            record.answeredAt = Date.now();
            if (answer.status === 200) record.number = ackedTicket(answer.json)?.number;
            else record.error = answer.json?.error?.code ?? `HTTP ${answer.status}`;
          },
          (error: unknown) => {
            record.error = `NO_ANSWER: ${(error as Error).message}`;
          },
        ),
      );
    }
    await Promise.all(inFlight);

    const measured = records.filter((r) => r.k >= options.warmupCalls);
    const wanted = new Set(measured.filter((r) => r.number !== undefined).map((r) => r.number!));
    const readPaints = () =>
      page.evaluate(() => [...((window as unknown as { __hallqPaints?: Array<{ number: string; seq: number; paintedAt: number }> }).__hallqPaints ?? [])]);
    let paints = await readPaints();
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const seen = new Set(paints.map((p) => p.number));
      if ([...wanted].every((number) => seen.has(number))) break;
      await sleep(100);
      paints = await readPaints();
    }
    // The first paint of a number is the call; a later one would be a recall (none here).
    const paintedAt = new Map<string, number>();
    for (const p of paints) if (!paintedAt.has(p.number)) paintedAt.set(p.number, p.paintedAt);

    const ok = measured.filter((r) => r.number !== undefined && paintedAt.has(r.number));
    const withSocket = ok.filter((r) => socketSeen.has(r.number!));
    const refused: Record<string, number> = {};
    for (const r of measured) if (r.error !== undefined) refused[r.error.split(':')[0]!] = (refused[r.error.split(':')[0]!] ?? 0) + 1;
    return {
      options,
      browser: `Chromium ${browser.version()} (headless, ${CHROMIUM_PATH})`,
      viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
      callToPaint: roundSummary(summarize(ok.map((r) => paintedAt.get(r.number!)! - r.sentAt)), 1),
      callToSocketBoard: roundSummary(summarize(withSocket.map((r) => socketSeen.get(r.number!)! - r.sentAt)), 1),
      callToAnswer: roundSummary(summarize(measured.filter((r) => r.answeredAt !== undefined && r.error === undefined).map((r) => r.answeredAt! - r.sentAt)), 1),
      socketToPaint: roundSummary(summarize(withSocket.map((r) => paintedAt.get(r.number!)! - socketSeen.get(r.number!)!)), 1),
      measured: measured.length,
      notPainted: measured.filter((r) => r.number !== undefined && !paintedAt.has(r.number)).length,
      refused,
      sendLag: roundSummary(summarize(measured.map((r) => r.sentAt - r.scheduledAt)), 1),
    };
  } finally {
    socketBoard?.close();
    await browser?.close();
    await server.stop();
  }
}

export function paintSummaryLine(result: PaintResult): string {
  const p = result.callToPaint;
  return `paint: ${p.count} calls, call → painted p50 ${p.p50} ms, p99 ${p.p99} ms, max ${p.max} ms (not painted ${result.notPainted}); ${round(result.callToSocketBoard.p50, 1)} ms to a socket board`;
}
