/**
 * The checks deploy/check.sh runs through nginx against the example
 * deployment (see there): `tsx deploy/smoke.ts NGINX_URL PORT:PID …`.
 * Exits non-zero, saying what failed, if any check fails.
 */
import { Board, connectBoard, loginAdmin, request, waitUntil } from '../tests/helpers/cluster.js';

async function main(): Promise<void> {
  const [nginx, ...processArgs] = process.argv.slice(2);
  if (!nginx || processArgs.length < 2) throw new Error('usage: smoke.ts NGINX_URL PORT:PID PORT:PID …');
  const processes = processArgs.map((arg) => {
    const [port, pid] = arg.split(':').map(Number);
    return { url: `http://127.0.0.1:${port}`, pid: pid! };
  });
  const say = (message: string) => process.stdout.write(`smoke: ${message}\n`);

  const token = await loginAdmin(nginx);
  await request(nginx, 'POST', '/api/halls/demo/windows/1/open', token);
  const boards: Board[] = [];
  for (let i = 0; i < processes.length * 2; i++) boards.push(await connectBoard(nginx));
  // Each process sees every board of the hall (presence across processes), wherever nginx put it.
  for (const { url } of processes) {
    const displays = await request(url, 'GET', '/api/halls/demo/displays', token);
    const count = displays?.json.screens.find((screen: { kind: string }) => screen.kind === 'board')?.connections;
    if (count !== boards.length) throw new Error(`${url} sees ${count} boards, expected ${boards.length}`);
  }
  say(`${boards.length} boards connected through nginx over WebSocket; every process sees all of them`);

  const callThrough = async (what: string) => {
    const issued = await request(nginx, 'POST', '/api/halls/demo/tickets', token, { serviceId: 'zonghe-zixun' });
    if (issued?.status !== 201) throw new Error(`issue failed: ${JSON.stringify(issued)}`);
    for (;;) {
      const called = await request(nginx, 'POST', '/api/halls/demo/windows/1/call-next', token);
      if (called?.status !== 200) throw new Error(`call-next failed: ${JSON.stringify(called)}`);
      if (called.json.id === issued.json.id) break;
    }
    await waitUntil(`every board shows ${issued.json.number}`, () => boards.every((board) => board.called.has(issued.json.number)));
    say(`${what}: ${issued.json.number} issued and called through nginx, shown on all ${boards.length} boards`);
  };
  await callThrough('all processes up');

  const victim = processes[1]!;
  process.kill(victim.pid, 'SIGKILL');
  // Fails (times out) if nginx had put no board on the killed process.
  await waitUntil('the boards of the killed process are back, with a fresh snapshot', () =>
    boards.some((board) => board.snapshots > 1) && boards.every((board) => board.connected),
  );
  const moved = boards.filter((board) => board.snapshots > 1).length;
  say(`${moved} boards of the killed process reconnected through nginx and took a fresh snapshot`);
  await callThrough(`process on ${victim.url} killed with SIGKILL`);
  for (const board of boards) board.close();
  say('OK');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`smoke: FAILED: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
