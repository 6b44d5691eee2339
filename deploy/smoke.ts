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
  await forgedAddressesDoNotHelp(nginx, say);

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

/**
 * Issue 13 item 1: a client that writes its own X-Forwarded-For must not get
 * a fresh address per request. nginx overwrites the header, the processes
 * trust only nginx (loopback), and the limits count in Redis, so spreading
 * requests over the processes does not multiply them either.
 */
async function forgedAddressesDoNotHelp(nginx: string, say: (message: string) => void): Promise<void> {
  const forged = (i: number) => ({ 'x-forwarded-for': `203.0.113.${i}`, 'content-type': 'application/json' });
  const logins: number[] = [];
  for (let i = 0; i < 40; i++) {
    const response = await fetch(`${nginx}/api/auth/login`, { method: 'POST', headers: forged(i), body: JSON.stringify({ username: 'zhuren', password: `wrong-${i}` }) });
    logins.push(response.status);
  }
  const unlimited = logins.filter((status) => status === 401).length;
  if (!logins.includes(429) || unlimited > 5) throw new Error(`40 wrong passwords with forged addresses: ${unlimited} × 401, statuses ${logins.join(' ')}`);
  say(`40 wrong passwords with forged X-Forwarded-For: ${unlimited} × 401, then ${logins.filter((s) => s === 429).length} × 429`);

  const tickets: number[] = [];
  for (let i = 0; i < 12; i++) {
    const response = await fetch(`${nginx}/api/halls/demo/tickets`, { method: 'POST', headers: forged(100 + i), body: JSON.stringify({ serviceId: 'zonghe-zixun', channel: 'phone' }) });
    tickets.push(response.status);
  }
  const issued = tickets.filter((status) => status === 201).length;
  if (issued > 5 || tickets.filter((status) => status === 429).length !== 12 - issued) throw new Error(`12 cookie-less phone tickets: statuses ${tickets.join(' ')}`);
  say(`12 cookie-less phone tickets with forged X-Forwarded-For: ${issued} × 201, the rest refused with 429`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`smoke: FAILED: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
