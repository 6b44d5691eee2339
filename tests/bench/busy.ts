/**
 * One busy hall: issue and call throughput on ONE hall as its queue grows to
 * 0, 500, 2,000 and 5,000 waiting tickets, over REST (keep-alive) and over
 * the staff socket.
 *
 * At each size S the hall is first brought to S waiting tickets (socket
 * issues), then four phases of exactly `batch` commands run back to back:
 * REST issue (S → S + batch), REST call-next (back to S), socket issue,
 * socket call-next. So every phase runs between S and S + batch waiting, and
 * the calls always have tickets to call. Issue: `clients` in flight; calls:
 * one client per window (10). Goal (issue 16): throughput at 5,000 within
 * 1.2× of throughput at 0, i.e. the ratio 5,000 / 0 ≥ 0.83.
 */
import type { BenchContext } from './context.js';
import { type Staff, ackedTicket, loginAdmin } from './lib/clients.js';
import { type Goal, goal } from './lib/compare.js';
import { benchWindowId } from './lib/halls.js';
import { type MachineLoad, loudDisturbance, withMachineLoad } from './lib/machine.js';
import { type LoopResult, RestClient, countedLoop, restRefusal } from './lib/rest.js';
import { ServerProcess } from './lib/server.js';
import { SERVICE_IDS, closeAll, connectStaff, openWindows } from './lib/setup.js';
import { round } from './lib/stats.js';

export const BUSY_SIZES = [0, 500, 2000, 5000] as const;
/** --quick: to check the part itself in a minute or two; its ratio is not the issue's figure. */
const QUICK_SIZES = [0, 100, 400, 1000] as const;
const SERIES = ['restIssue', 'restCall', 'socketIssue', 'socketCall'] as const;
type Series = (typeof SERIES)[number];
const LABEL: Record<Series, string> = { restIssue: 'REST issue', restCall: 'REST call-next', socketIssue: 'socket issue', socketCall: 'socket call-next' };

export interface BusyPhase extends LoopResult {
  waitingBefore: number;
  serverCpuMsPerCommand: number;
}

export interface BusyResult {
  options: { sizes: readonly number[]; batch: number; clients: number; windows: number };
  sizes: Array<{ waiting: number; machine: MachineLoad | null } & Record<Series, BusyPhase>>;
  /** Throughput at the largest size over throughput at 0, per series. */
  ratios: Record<Series, number>;
  goals: Record<Series, Goal>;
  disturbed: boolean;
}

const WINDOWS = 10;

export async function runBusy(ctx: BenchContext): Promise<BusyResult> {
  const batch = ctx.quick ? 100 : 500;
  const sizeList: readonly number[] = ctx.quick ? QUICK_SIZES : BUSY_SIZES;
  const clients = 20;
  const server = await ServerProcess.start({
    dataDir: ctx.newDataDir('busy'),
    tree: ctx.tree,
    synchronous: ctx.synchronous,
    halls: 1,
    windows: WINDOWS,
    label: 'busy',
  });
  let staff = new Map<string, Staff>();
  const rest: RestClient[] = [];
  try {
    const hallId = server.halls[0]!;
    const token = await loginAdmin(server.url);
    staff = await connectStaff(server.url, [hallId], token);
    const socket = staff.get(hallId)!;
    await openWindows(staff, WINDOWS);
    const http = new RestClient(server.url, token, clients);
    rest.push(http);
    let turn = 0;
    const service = () => SERVICE_IDS[turn++ % SERVICE_IDS.length]!;
    const ok = (status: number, want: number) => (answer: { status: number; body: unknown }) => (answer.status === want ? undefined : restRefusal(answer));
    const ops: Record<Series, { concurrency: number; op: (worker: number) => Promise<string | undefined> }> = {
      restIssue: { concurrency: clients, op: () => http.post(`/api/halls/${hallId}/tickets`, { serviceId: service() }).then(ok(201, 201)) },
      restCall: { concurrency: WINDOWS, op: (w) => http.post(`/api/halls/${hallId}/windows/${benchWindowId(w)}/call-next`, {}).then(ok(200, 200)) },
      socketIssue: { concurrency: clients, op: () => socket.command('ticket:issue', { serviceId: service() }).then((a) => (a.ok && ackedTicket(a.data) ? undefined : (a.error?.code ?? 'REFUSED'))) },
      socketCall: { concurrency: WINDOWS, op: (w) => socket.command('window:call-next', { windowId: benchWindowId(w) }).then((a) => (a.ok ? undefined : (a.error?.code ?? 'REFUSED'))) },
    };
    let waiting = 0;
    const measure = async (series: Series): Promise<BusyPhase> => {
      await server.stats();
      const before = waiting;
      const loop = await countedLoop(batch, ops[series].concurrency, ops[series].op);
      const stats = await server.stats();
      waiting += series.endsWith('Issue') ? loop.done : -loop.done;
      return { ...loop, waitingBefore: before, serverCpuMsPerCommand: round((stats.cpuUserMs + stats.cpuSystemMs) / Math.max(1, loop.done), 3) };
    };
    // Warm-up (JIT, connections), not counted: one issue and one call batch of each kind.
    for (const series of SERIES) await measure(series);
    const sizes: BusyResult['sizes'] = [];
    for (const size of sizeList) {
      if (size > waiting) {
        ctx.log(`busy: filling the hall to ${size} waiting…`);
        const fill = await countedLoop(size - waiting, clients, ops.socketIssue.op);
        waiting += fill.done;
      }
      const { result, machine } = await withMachineLoad(async () => {
        const phases: Partial<Record<Series, BusyPhase>> = {};
        for (const series of SERIES) phases[series] = await measure(series);
        return phases as Record<Series, BusyPhase>;
      });
      sizes.push({ waiting: size, machine, ...result });
      ctx.log(`busy: ${size} waiting: ${SERIES.map((s) => `${LABEL[s]} ${result[s].perSecond}/s`).join(', ')}`);
      const loud = loudDisturbance(`busy hall at ${size}`, machine);
      if (loud) ctx.log(loud);
    }
    const first = sizes[0]!;
    const last = sizes[sizes.length - 1]!;
    const ratios = Object.fromEntries(SERIES.map((s) => [s, round(last[s].perSecond / first[s].perSecond, 3)])) as Record<Series, number>;
    const goals = Object.fromEntries(
      SERIES.map((s) => [s, { ...goal(ratios[s], '>=', round(1 / 1.2, 3)), text: 'within 1.2× (≥ 0.833×)' }]),
    ) as Record<Series, Goal>;
    return {
      options: { sizes: sizeList, batch, clients, windows: WINDOWS },
      sizes,
      ratios,
      goals,
      disturbed: sizes.some((s) => s.machine?.disturbed),
    };
  } finally {
    for (const client of rest) client.close();
    closeAll(staff.values());
    await server.stop();
  }
}

export function busyRows(result: BusyResult): Array<{ metric: string; measured: string; goal: Goal | null }> {
  return SERIES.flatMap((s) => [
    {
      metric: `one hall, ${LABEL[s]}/s at ${result.sizes.map((z) => z.waiting.toLocaleString('en')).join(' / ')} waiting`,
      measured: `${result.sizes.map((z) => z[s].perSecond).join(' / ')} (server CPU ${result.sizes[0]![s].serverCpuMsPerCommand} → ${result.sizes.at(-1)![s].serverCpuMsPerCommand} ms each)`,
      goal: null,
    },
    { metric: `— ${LABEL[s]}: throughput at ${result.sizes.at(-1)!.waiting.toLocaleString('en')} over 0`, measured: `${result.ratios[s]}×`, goal: result.goals[s] },
  ]);
}
