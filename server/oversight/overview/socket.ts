import type { Server, Socket } from 'socket.io';
import type { Principal } from '../../auth/principal.js';
import type { HallGroups } from '../../auth/hallGroups.js';
import type { HallOverview, OverviewServerEvents, OverviewSnapshot } from '../../protocol/overview.js';
import type { ErrorCode } from '../../protocol/errors.js';
import { compareRows } from '../../protocol/rules/overview.js';
import type { OverviewHub, OverviewOutlet } from './hub.js';

/**
 * The overview's sockets (docs/oversight.md): a staff socket whose handshake says `overview: true` and
 * names no hall. It joins one room per hall in its scope (`overview:hall:<id>`), or `overview:every` for an
 * account of every hall, so that a row published through the Redis adapter reaches the sockets of every
 * process without any list kept in one process's memory.
 */
export const EVERY_ROOM = 'overview:every';
/** Sockets scoped to some halls (not '*'), looked at again when halls move between groups. */
export const SCOPED_ROOM = 'overview:scoped';
export const hallOverviewRoom = (hallId: string): string => `overview:hall:${hallId}`;
const HALL_ROOM = /^overview:hall:(.+)$/;

/** What socket.data holds for an overview socket. */
export interface OverviewData {
  /** The account's hallIds as stored (group entries unexpanded), to work out the scope again. */
  entries: string[];
}

export interface OverviewHandshake {
  overview?: unknown;
  hallId?: unknown;
  token?: unknown;
}

/** Who may open the overview: admins and supervisors; the code to refuse anyone else. */
export function overviewRefusal(principal: Principal): ErrorCode | null {
  if (principal.kind === 'public') return 'UNAUTHENTICATED';
  if (principal.kind !== 'staff' || principal.scope === 'desk') return 'FORBIDDEN';
  return principal.user.role === 'admin' || principal.user.role === 'supervisor' ? null : 'FORBIDDEN';
}

/** A handshake that asks for the overview: `overview` must be `true`, with a token and no hall. */
export function overviewHandshakeValid(auth: OverviewHandshake): boolean {
  return auth.overview === true && auth.hallId === undefined && typeof auth.token === 'string' && auth.token.length > 0;
}

type AnySocket = Pick<Socket, 'join' | 'leave' | 'emit' | 'data'>;
type Emitter = { emit(event: string, ...args: unknown[]): unknown };

export interface OverviewRealtime {
  outlet: OverviewOutlet;
  /** A newly connected overview socket: rooms, then the snapshot. */
  connected(socket: AnySocket, principal: Extract<Principal, { kind: 'staff' }>): Promise<void>;
  /** Halls may have moved between groups: every scoped socket's rooms are worked out again. */
  rescope(): Promise<void>;
}

export function overviewRealtime(
  io: Server,
  hub: OverviewHub,
  groups: HallGroups,
  connectedDevices: (hallId: string) => Promise<ReadonlySet<string>>,
  share: ((row: HallOverview) => void) | undefined,
): OverviewRealtime {
  const emitTo = (target: Emitter, event: keyof OverviewServerEvents, body: unknown) => target.emit(event, body);
  const scopeOf = async (hallIds: readonly string[]): Promise<string[]> => {
    const known = new Set(await hub.allHallIds());
    return hallIds.filter((id) => known.has(id));
  };
  const snapshot = (rows: HallOverview[]): OverviewSnapshot => ({
    rows: [...rows].sort(compareRows),
    groups: [...new Set(rows.flatMap((row) => row.group))].sort((a, b) => a.localeCompare(b, 'zh-CN')),
  });
  return {
    outlet: {
      publish(row, local) {
        const rooms = [hallOverviewRoom(row.hallId), EVERY_ROOM];
        emitTo(local ? io.local.to(rooms) : io.to(rooms), 'overview:hall', row);
        if (!local) share?.(row);
      },
      connectedDevices,
    },
    async connected(socket, principal) {
      const every = principal.hallIds.includes('*');
      const hallIds = every ? await hub.allHallIds() : await scopeOf(principal.hallIds);
      await socket.join(every ? [EVERY_ROOM] : [SCOPED_ROOM, ...hallIds.map(hallOverviewRoom)]);
      emitTo(socket, 'overview:snapshot', snapshot(await hub.rowsOf(hallIds)));
    },
    async rescope() {
      for (const socket of await io.in(SCOPED_ROOM).fetchSockets()) {
        const data = socket.data as { overview?: OverviewData };
        if (!data.overview) continue;
        const now = new Set(await scopeOf(await groups.expand(data.overview.entries)));
        const before = new Set([...socket.rooms].map((room) => HALL_ROOM.exec(room)?.[1]).filter((id): id is string => id !== undefined));
        const gone = [...before].filter((id) => !now.has(id));
        const added = [...now].filter((id) => !before.has(id));
        for (const hallId of gone) socket.leave(hallOverviewRoom(hallId));
        if (added.length > 0) socket.join(added.map(hallOverviewRoom));
        for (const hallId of gone) emitTo(socket, 'overview:removed', { hallId });
        for (const row of await hub.rowsOf(added)) emitTo(socket, 'overview:hall', row);
      }
    },
  };
}
