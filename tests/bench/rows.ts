/** The result table of `npm run bench`: budgets (PASS / FAIL) and the issue's goals (met / not met, never a failure). */
import { type BusyResult, busyRows } from './busy.js';
import type { FanoutResult } from './fanout.js';
import { type FloorResult, type GoalRow, floorRows } from './floor.js';
import type { IssueResult } from './issue.js';
import type { LatencyResult, ServerLoad } from './latency.js';
import { type MadoResult, madoRows } from './mado.js';
import type { MemoryResult } from './memory.js';
import type { PaintResult } from './paint.js';
import type { RestartResult } from './restart.js';
import type { StoreResult } from './store.js';
import type { ReplayResult } from './replay.js';
import type { VoiceResult } from './voice.js';

/** Every part, in the order --only lists them. */
export const PARTS = ['latency', 'issue', 'memory', 'restart', 'fanout', 'floor', 'busy', 'mado', 'store', 'paint', 'voice', 'replay', 'overview'] as const;
export type Part = (typeof PARTS)[number];

export interface Row {
  part: Part;
  metric: string;
  measured: string;
  budget: string;
  pass: boolean | null;
  /** A goal of issue 16: printed met / NOT MET, never counted as a failure. */
  goal?: boolean | null;
  /** The goal was judged on a measurement of a busy machine (lib/machine.ts). */
  disturbed?: boolean;
}

/** What held the server's main thread over the measured window (lib/serverProbes.ts). */
export function mainThread(server: ServerLoad): string {
  const c = server.commitMs;
  const d = server.eventLoopDelayMs;
  const commits = c ? `${c.p50} / ${c.p99} / ${c.max} ms` : 'n/a';
  return `${commits}; ${d ? `${d.p99} / ${d.max} ms` : 'n/a'}`;
}

function goalRows(part: Part, list: GoalRow[], disturbed: boolean): Row[] {
  return list.map((r) => ({ part, metric: r.metric, measured: r.measured, budget: r.goal ? `goal ${r.goal.text}` : '—', pass: null, goal: r.goal?.met ?? null, disturbed }));
}

export function rows(results: Partial<Record<Part, unknown>>): Row[] {
  const out: Row[] = [];
  const latency = results.latency as LatencyResult | undefined;
  if (latency && !('error' in latency)) {
    const l = latency.callToLastBoard;
    out.push({ part: 'latency', metric: 'call → last of hall\'s 30 boards, p50', measured: `${l.p50} ms`, budget: '≤ 2 ms', pass: l.p50 <= 2 });
    out.push({ part: 'latency', metric: 'call → last of hall\'s 30 boards, p99', measured: `${l.p99} ms`, budget: '≤ 10 ms', pass: l.p99 <= 10 });
    out.push({ part: 'latency', metric: 'call → last of hall\'s 30 boards, max', measured: `${l.max} ms`, budget: '—', pass: null });
    const l3 = latency.callToLastOfFirst3Boards;
    out.push({ part: 'latency', metric: 'call → last of 3 boards, p50 / p99 / max', measured: `${l3.p50} / ${l3.p99} / ${l3.max} ms`, budget: '(2 / 10 ms)', pass: null });
    const a = latency.callAck;
    out.push({ part: 'latency', metric: 'call → staff ack, p50 / p99', measured: `${a.p50} / ${a.p99} ms`, budget: '—', pass: null });
    out.push({ part: 'latency', metric: 'server: transaction p50 / p99 / max; event-loop delay p99 / max', measured: mainThread(latency.server), budget: '—', pass: null });
    // Results saved before hall:events (issue 16) have no frame counts.
    const f = latency.frames as LatencyResult['frames'] | undefined;
    if (f) out.push({ part: 'latency', metric: 'hall:events frames per call: boards / staff; events per frame', measured: `${f.boardFramesPerCall} / ${f.staffFramesPerCall}; ${f.boardEventsPerFrame}`, budget: '—', pass: null });
    out.push({
      part: 'latency',
      metric: 'calls measured / incomplete / refused',
      measured: `${latency.callToLastBoard.count} / ${latency.incompleteCalls} / ${Object.values(latency.refusedCalls).reduce((n, v) => n + v, 0)}`,
      budget: 'all delivered',
      pass: latency.incompleteCalls === 0 && Object.keys(latency.refusedCalls).length === 0 && latency.boardGaps === 0,
    });
  }
  const issue = results.issue as IssueResult | undefined;
  if (issue && !('error' in issue)) {
    out.push({ part: 'issue', metric: `tickets/s, durable (${issue.concurrency} in flight)`, measured: `${issue.ticketsPerSecond}/s`, budget: '≥ 3,000/s', pass: issue.ticketsPerSecond >= 3000 });
    out.push({ part: 'issue', metric: 'issue ack p50 / p99', measured: `${issue.ackLatency.p50} / ${issue.ackLatency.p99} ms`, budget: '—', pass: null });
    out.push({ part: 'issue', metric: 'server: transaction p50 / p99 / max; event-loop delay p99 / max', measured: mainThread(issue.server), budget: '—', pass: null });
  }
  const memory = results.memory as MemoryResult | undefined;
  if (memory && !('error' in memory)) {
    out.push({ part: 'memory', metric: `heap per board (${memory.options.boards} boards)`, measured: `${memory.heapPerBoardKB} KB`, budget: '≤ 15 KB', pass: memory.heapPerBoardKB <= 15 });
    out.push({ part: 'memory', metric: 'heap per board, marginal / off-heap / RSS', measured: `${memory.heapPerBoardMarginalKB} / ${memory.externalPerBoardKB} / ${memory.rssPerBoardKB} KB`, budget: '—', pass: null });
  }
  const restart = results.restart as RestartResult | undefined;
  if (restart && !('error' in restart)) {
    out.push({ part: 'restart', metric: `kill -9 → all ${restart.boards} boards resynced`, measured: `${restart.killToAllResyncedMs} ms`, budget: '≤ 3,000 ms', pass: restart.killToAllResyncedMs <= 3000 });
    out.push({ part: 'restart', metric: 'kill → new server ready; resync p50', measured: `${restart.killToServerReadyMs} ms; ${restart.resync.p50} ms`, budget: '—', pass: null });
    const defaults = (restart as RestartResult & { withClientDefaults?: RestartResult | { error: string } }).withClientDefaults;
    if (defaults && !('error' in defaults)) {
      out.push({ part: 'restart', metric: 'same, client default back-off 1–5 s: all resynced', measured: `${defaults.killToAllResyncedMs} ms`, budget: '(≤ 3,000 ms)', pass: null });
    }
    out.push({
      part: 'restart',
      metric: 'acked lost / numbers reused / boards off hall seq',
      measured: `${restart.acknowledgedLost} / ${restart.numbersReused} / ${restart.boardsNotOnHallSeq}`,
      budget: '0 / 0 / 0',
      pass: restart.acknowledgedLost === 0 && restart.numbersReused === 0 && restart.boardsNotOnHallSeq === 0 && restart.seqHoles === 0 && restart.seqSeenBeforeKillMissing === 0,
    });
  }
  const fanout = results.fanout as FanoutResult | undefined;
  if (fanout && !('error' in fanout)) {
    for (const run of fanout.runs) {
      out.push({
        part: 'fanout',
        metric: `N = ${run.panels} panels: server CPU per call; ack p50 / p99; REST reads`,
        measured: `${run.serverCpuMsPerCall} ms; ${run.callAck.p50} / ${run.callAck.p99} ms; ${run.restReads}`,
        budget: '—',
        pass: run.failedCalls === 0 && run.panelsBehind === 0 ? null : false,
      });
    }
    out.push({ part: 'fanout', metric: `CPU per call, N = ${fanout.runs.at(-1)!.panels} over N = ${fanout.runs[0]!.panels}`, measured: `${fanout.cpuRatio}×`, budget: '≤ 1.3×', pass: fanout.cpuRatio <= 1.3 });
  }
  const replay = results.replay as ReplayResult | undefined;
  if (replay && !('error' in replay)) {
    const day = `${replay.windows} windows, ${replay.tickets} tickets`;
    for (const [name, mode] of [['recorded times', replay.recorded], ['drawn times', replay.drawn], ['54 windows, drawn (+ the day as staffed)', replay.fewerWindows]] as const) {
      out.push({ part: 'replay', metric: `排班模拟 of a day (${day}), ${name}: worker p50 / max; through the pool p50`, measured: `${mode.workerMs.p50} / ${mode.workerMs.max} ms; ${mode.wallMs.p50} ms`, budget: '(seconds)', pass: null });
    }
  }
  const store = results.store as StoreResult | undefined;
  if (store && !('error' in store)) {
    out.push({ part: 'store', metric: 'engine + SQLite alone: issues/s (diagnostic)', measured: `${store.issuesPerSecond}/s`, budget: '(≥ 3,000/s)', pass: null });
    out.push({ part: 'store', metric: 'hall state row (state_json), start → end, start → end', measured: `${store.hallStateKBAtStart} → ${store.hallStateKBAtEnd} KB`, budget: '—', pass: null });
    out.push({ part: 'store', metric: 'bytes written per command (WAL + checkpoints)', measured: store.writtenKBPerCommand === null ? 'n/a' : `${store.writtenKBPerCommand} KB`, budget: '—', pass: null });
    for (const [name, phase] of [['issue', store.issue], ['call', store.call], ['call alone', store.callAlone]] as const) {
      if (!phase) continue;
      const kb = (v: number | null) => (v === null ? 'n/a' : `${v}`);
      out.push({
        part: 'store',
        metric: `${name}: per s; SQL statements per command; KB written per command / per commit; mean batch`,
        measured: `${phase.perSecond}/s; ${phase.statementsPerCommand}; ${kb(phase.writtenKBPerCommand)} / ${kb(phase.writtenKBPerCommit)} KB; ${phase.meanBatch}${phase.refused ? ` (${phase.refused} refused)` : ''}`,
        budget: '—',
        pass: null,
      });
      out.push({ part: 'store', metric: `${name}: group commit (fns + writes + COMMIT) p50 / p99 / max`, measured: `${phase.commitMs.p50} / ${phase.commitMs.p99} / ${phase.commitMs.max} ms`, budget: '—', pass: null });
    }
  }
  const paint = results.paint as PaintResult | undefined;
  if (paint && !('error' in paint)) {
    const p = paint.callToPaint;
    out.push({ part: 'paint', metric: 'REST call → number painted in Chromium board, p50 / p99 / max', measured: `${p.p50} / ${p.p99} / ${p.max} ms`, budget: '—', pass: null });
    const s = paint.callToSocketBoard;
    const a = paint.callToAnswer;
    out.push({ part: 'paint', metric: '— call → socket.io board in bench / REST answer, p50 / p99', measured: `${s.p50} / ${s.p99} ms; ${a.p50} / ${a.p99} ms`, budget: '—', pass: null });
    out.push({
      part: 'paint',
      metric: 'calls measured / not painted / refused',
      measured: `${paint.measured} / ${paint.notPainted} / ${Object.values(paint.refused).reduce((n, v) => n + v, 0)}`,
      budget: 'all painted',
      pass: paint.notPainted === 0 && Object.keys(paint.refused).length === 0 && p.count === paint.measured,
    });
  }
  const voice = results.voice as VoiceResult | undefined;
  if (voice && !('error' in voice)) {
    const c = voice.eventToChime;
    const w = voice.eventToWords;
    out.push({
      part: 'voice',
      metric: "call's event at the Chromium board → its chime starts (Web Audio), p50 / p99 / max",
      measured: `${c.p50} / ${c.p99} / ${c.max} ms`,
      budget: `goal p99 ≤ ${voice.goalMs} ms`,
      pass: null,
      goal: c.count > 0 && c.p99 <= voice.goalMs,
    });
    out.push({ part: 'voice', metric: '— → the call\'s words start (after the chime), p50 / p99', measured: `${w.p50} / ${w.p99} ms`, budget: '—', pass: null });
    out.push({
      part: 'voice',
      metric: 'calls measured / not played from the server',
      measured: `${voice.measured} / ${voice.notPlayed}`,
      budget: 'all played',
      pass: voice.notPlayed === 0 && c.count === voice.measured,
    });
  }
  const floor = results.floor as FloorResult | undefined;
  if (floor && !('error' in floor)) out.push(...goalRows('floor', floorRows(floor), floor.disturbed));
  const busy = results.busy as BusyResult | undefined;
  if (busy && !('error' in busy)) out.push(...goalRows('busy', busyRows(busy), busy.disturbed));
  const mado = results.mado as MadoResult | undefined;
  if (mado && !('error' in mado)) out.push(...goalRows('mado', madoRows(mado), mado.disturbed));
  for (const part of PARTS) {
    const r = results[part] as { error?: string } | undefined;
    if (r && r.error) out.push({ part, metric: 'FAILED TO RUN', measured: r.error.split('\n')[0]!.slice(0, 80), budget: '', pass: false });
  }
  return out;
}

export function table(list: Row[]): string {
  const head = ['part', 'metric', 'measured', 'budget', 'verdict'];
  const verdict = (r: Row) => (r.pass !== null ? (r.pass ? 'PASS' : 'FAIL') : r.goal === undefined || r.goal === null ? '' : `${r.goal ? 'met' : 'NOT MET'}${r.disturbed ? ' (disturbed)' : ''}`);
  const body = list.map((r) => [r.part, r.metric, r.measured, r.budget, verdict(r)]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join(' | ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

