/**
 * The floor part: HallQ and the floor server (tests/bench/floor) driven by the
 * SAME client code (runLatency, runIssue) in the same run, in alternating
 * order over `pairs` pairs, reported as HallQ / floor ratios with the issue's
 * goals next to them. Each run records the machine's load (lib/machine.ts).
 */
import type { BenchContext } from './context.js';
import { type IssueOptions, type IssueResult, runIssue } from './issue.js';
import { type LatencyOptions, type LatencyResult, runLatency } from './latency.js';
import { type Goal, type RatioSummary, type Side, alternatingOrder, formatRatio, goal, perCpuSecond, ratios } from './lib/compare.js';
import { type MachineLoad, loudDisturbance, withMachineLoad } from './lib/machine.js';
import { FLOOR_SCRIPT, ServerProcess } from './lib/server.js';

export interface FloorRun {
  side: Side;
  latency: LatencyResult;
  latencyMachine: MachineLoad | null;
  issue: IssueResult;
  issueMachine: MachineLoad | null;
  issuesPerCpuSecond: number;
}

export interface FloorResult {
  pairs: Array<{ order: [Side, Side]; hallq: FloorRun; floor: FloorRun }>;
  latencyOptions: Partial<LatencyOptions>;
  issueOptions: Partial<IssueOptions>;
  ratios: Record<'callP50' | 'callP99' | 'issuesPerSecond' | 'issuesPerCpuSecond' | 'issueAckP50', RatioSummary>;
  goals: Record<'callP50' | 'callP99' | 'issuesPerCpuSecond', Goal>;
  disturbed: boolean;
}

export const FLOOR_PAIRS = 3;

/** HallQ's server child or the floor's, with the same options; labelled per pair so --profile keeps every profile. */
async function start(ctx: BenchContext, side: Side, label: string, halls: number): Promise<ServerProcess> {
  return ServerProcess.start({
    dataDir: ctx.newDataDir(label),
    tree: ctx.tree,
    synchronous: ctx.synchronous,
    halls,
    windows: 10,
    label: `${side === 'hallq' ? 'hallq' : 'floor'}-${label}`,
    ...(side === 'peer' ? { script: FLOOR_SCRIPT } : {}),
    ...(ctx.profileDir ? { cpuProfDir: ctx.profileDir } : {}),
  });
}

async function runSide(ctx: BenchContext, side: Side, pair: number, latencyOptions: Partial<LatencyOptions>, issueOptions: Partial<IssueOptions>): Promise<FloorRun> {
  const name = side === 'hallq' ? 'HallQ' : 'floor';
  ctx.log(`floor: pair ${pair + 1}, ${name}: latency…`);
  const halls = latencyOptions.halls ?? 100;
  const latency = await withMachineLoad(() => start(ctx, side, `latency-${pair + 1}`, halls).then((s) => runLatency(ctx, latencyOptions, s)));
  ctx.log(`floor: pair ${pair + 1}, ${name}: issue…`);
  const issue = await withMachineLoad(() => start(ctx, side, `issue-${pair + 1}`, issueOptions.halls ?? 100).then((s) => runIssue(ctx, issueOptions, s)));
  for (const line of [loudDisturbance(`${name} latency, pair ${pair + 1}`, latency.machine), loudDisturbance(`${name} issue, pair ${pair + 1}`, issue.machine)]) {
    if (line) ctx.log(line);
  }
  const l = latency.result.callToLastBoard;
  ctx.log(`floor: pair ${pair + 1}, ${name}: call → last board p50 ${l.p50} / p99 ${l.p99} ms; ${issue.result.ticketsPerSecond} issues/s at ${issue.result.server.cpuPercent} % CPU`);
  return {
    side,
    latency: latency.result,
    latencyMachine: latency.machine,
    issue: issue.result,
    issueMachine: issue.machine,
    issuesPerCpuSecond: perCpuSecond(issue.result.ticketsPerSecond, issue.result.server.cpuPercent),
  };
}

export async function runFloor(ctx: BenchContext, pairs = FLOOR_PAIRS): Promise<FloorResult> {
  // --quick: 20 halls (600 boards) and short phases, to check the part itself; not comparable figures.
  const latencyOptions: Partial<LatencyOptions> = ctx.quick ? { halls: 20, warmupCalls: 40, measuredCalls: 200 } : {};
  const issueOptions: Partial<IssueOptions> = ctx.quick ? { warmupSeconds: 1, measuredSeconds: 2 } : {};
  const done: FloorResult['pairs'] = [];
  for (const [i, order] of alternatingOrder(pairs).entries()) {
    const runs: Partial<Record<Side, FloorRun>> = {};
    for (const side of order) runs[side] = await runSide(ctx, side, i, latencyOptions, issueOptions);
    done.push({ order, hallq: runs.hallq!, floor: runs.peer! });
  }
  const of = (pick: (run: FloorRun) => number) => ratios(done.map((p) => ({ hallq: pick(p.hallq), peer: pick(p.floor) })));
  const r: FloorResult['ratios'] = {
    callP50: of((run) => run.latency.callToLastBoard.p50),
    callP99: of((run) => run.latency.callToLastBoard.p99),
    issuesPerSecond: of((run) => run.issue.ticketsPerSecond),
    issuesPerCpuSecond: of((run) => run.issuesPerCpuSecond),
    issueAckP50: of((run) => run.issue.ackLatency.p50),
  };
  const disturbed = done.some((p) => [p.hallq, p.floor].some((run) => run.latencyMachine?.disturbed || run.issueMachine?.disturbed));
  return {
    pairs: done,
    latencyOptions,
    issueOptions,
    ratios: r,
    goals: {
      callP50: goal(r.callP50.median, '<=', 1.15),
      callP99: goal(r.callP99.median, '<=', 1.5),
      issuesPerCpuSecond: goal(r.issuesPerCpuSecond.median, '>=', 0.6),
    },
    disturbed,
  };
}

export interface GoalRow {
  metric: string;
  measured: string;
  goal: Goal | null;
}

export function floorRows(result: FloorResult): GoalRow[] {
  const { ratios: r, goals: g } = result;
  const figures = (pick: (run: FloorRun) => number, unit: string) =>
    result.pairs.map((p) => `${pick(p.hallq)}/${pick(p.floor)}`).join(', ') + ` ${unit}`;
  return [
    { metric: 'HallQ/floor: call → last of 30 boards, p50', measured: formatRatio(r.callP50), goal: g.callP50 },
    { metric: 'HallQ/floor: call → last of 30 boards, p99', measured: formatRatio(r.callP99), goal: g.callP99 },
    { metric: '— p50, HallQ/floor per pair', measured: figures((run) => run.latency.callToLastBoard.p50, 'ms'), goal: null },
    { metric: 'HallQ/floor: durable issues per CPU-second', measured: formatRatio(r.issuesPerCpuSecond), goal: g.issuesPerCpuSecond },
    { metric: 'HallQ/floor: durable issues/s; ack p50', measured: `${formatRatio(r.issuesPerSecond)}; ${formatRatio(r.issueAckP50)}`, goal: null },
    { metric: '— issues/s, HallQ/floor per pair', measured: figures((run) => run.issue.ticketsPerSecond, '/s'), goal: null },
    { metric: '— transaction p99 in the call runs, HallQ/floor per pair', measured: figures((run) => run.latency.server.commitMs?.p99 ?? Number.NaN, 'ms'), goal: null },
  ];
}
