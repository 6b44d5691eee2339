/** Setting up halls for a benchmark: staff sockets, open windows, stocked queues, connected boards. */
import { demoHallConfig } from '../../../server/demo/demoHall.js';
import { Board, type BoardHooks, type ReconnectOptions, Staff, expectOk } from './clients.js';
import { benchWindowId } from './halls.js';
import { pool, withTimeout } from './stats.js';

export const SERVICE_IDS: readonly string[] = demoHallConfig().services.map((service) => service.id);

export async function connectStaff(url: string, halls: readonly string[], token: string, reconnect: ReconnectOptions | null = null): Promise<Map<string, Staff>> {
  const staff = new Map<string, Staff>();
  await pool(halls, 50, async (hallId) => {
    const socket = new Staff(url, hallId, token, reconnect);
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

/** Connects `perHall` public boards to each hall, `concurrency` handshakes at a time; resolves when all have a snapshot. */
export async function connectBoards(
  url: string,
  halls: readonly string[],
  perHall: number,
  hooks: BoardHooks,
  reconnect: ReconnectOptions | null,
  concurrency = 200,
): Promise<Board[]> {
  const specs: Array<{ hallId: string; index: number }> = [];
  // Interleave halls so every hall fills up gradually.
  for (let i = 0; i < perHall; i++) for (const hallId of halls) specs.push({ hallId, index: i });
  return pool(specs, concurrency, async ({ hallId, index }) => {
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
