/** Setting up halls for a benchmark: staff sockets, open windows, stocked queues, connected boards. */
import { demoHallConfig } from '../../../server/demo/demoHall.js';
import { Board, type BoardHooks, type ReconnectOptions, Staff, expectOk } from './clients.js';
import { benchWindowId } from './halls.js';
import { pool, withTimeout } from './stats.js';

export const SERVICE_IDS: readonly string[] = demoHallConfig().services.map((service) => service.id);

/**
 * One staff socket per hall. With several server processes (`urls`), hall i's
 * socket goes to process i mod n, so commands arrive through every process.
 */
export async function connectStaff(
  urls: string | readonly string[],
  halls: readonly string[],
  token: string,
  reconnect: ReconnectOptions | null = null,
): Promise<Map<string, Staff>> {
  const at = typeof urls === 'string' ? [urls] : urls;
  const staff = new Map<string, Staff>();
  await pool([...halls.entries()], 50, async ([i, hallId]) => {
    const socket = new Staff(at[i % at.length]!, hallId, token, reconnect);
    staff.set(hallId, socket);
    await socket.connected(15_000);
  });
  return staff;
}

/** The admin opens every window of every hall (supervisors and admins may hold several windows). */
export async function openWindows(staff: Map<string, Staff>, windows: number): Promise<void> {
  await Promise.all(
    [...staff.values()].map(async (socket) => {
      for (let w = 0; w < windows; w++) {
        expectOk(await socket.command('window:open', { windowId: benchWindowId(w) }), `open window ${w + 1} in ${socket.hallId}`);
      }
    }),
  );
}

/** Issues `perHall` tickets in every hall (services in turn), one at a time per hall, all halls at once. */
export async function stockQueues(staff: Map<string, Staff>, perHall: number): Promise<number> {
  let issued = 0;
  await Promise.all(
    [...staff.values()].map(async (socket, hallIndex) => {
      for (let i = 0; i < perHall; i++) {
        const serviceId = SERVICE_IDS[(hallIndex + i) % SERVICE_IDS.length]!;
        expectOk(await socket.command('ticket:issue', { serviceId }), `issue in ${socket.hallId}`);
        issued++;
      }
    }),
  );
  return issued;
}

/**
 * Connects `perHall` public boards to each hall, `concurrency` handshakes at a time; resolves when all have a snapshot.
 * With several processes, board j of hall i goes to process (i + j + 1) mod n: mostly not the one its hall's staff socket uses.
 */
export async function connectBoards(
  urls: string | readonly string[],
  halls: readonly string[],
  perHall: number,
  hooks: BoardHooks,
  reconnect: ReconnectOptions | null,
  concurrency = 200,
): Promise<Board[]> {
  const at = typeof urls === 'string' ? [urls] : urls;
  const specs: Array<{ hallId: string; index: number; url: string }> = [];
  // Interleave halls so every hall fills up gradually.
  for (let i = 0; i < perHall; i++) halls.forEach((hallId, h) => specs.push({ hallId, index: i, url: at[(h + i + 1) % at.length]! }));
  return pool(specs, concurrency, async ({ hallId, index, url }) => {
    const board = new Board(url, hallId, index, hooks, reconnect);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        board.socket.once('hall:snapshot', () => resolve());
        board.socket.once('connect_error', (error) => reject(new Error(`board ${hallId}#${index}: ${error.message}`)));
      }),
      20_000,
      `board ${hallId}#${index} to connect`,
    );
    return board;
  });
}

export function closeAll(clients: Iterable<{ close(): void }>): void {
  for (const client of clients) client.close();
}
