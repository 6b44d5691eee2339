/**
 * Which screens of a hall are connected right now, so clerks and supervisors
 * see "board offline" or "window screen offline" alarms. Held in this
 * process's memory: it describes live connections, which die with the process.
 * With several processes (Redis) the realtime layer asks every process's
 * sockets instead (fetchSockets through the adapter) and groups them the same way.
 */
import type { ConnectedScreen, ScreenKind, ScreenSummary } from '../protocol/screens.js';

const SCREEN_KINDS = new Set<string>(['board', 'window-screen', 'kiosk', 'agent']);

export function isScreenKind(kind: string | undefined): kind is ScreenKind {
  return kind !== undefined && SCREEN_KINDS.has(kind);
}

/**
 * What a connection counts as, from its handshake: a screen (its kind and
 * window), a clerk's counter panel (by user), or nothing (phones, supervisors).
 */
export function presenceOf(data: { client?: string; windowId?: string; connectedAt: number; userId?: string }): ConnectedScreen | null {
  const { client, windowId, connectedAt, userId } = data;
  if (isScreenKind(client)) return { kind: client, connectedAt, ...(windowId ? { windowId } : {}) };
  if (client === 'counter' && userId !== undefined) return { kind: 'panel', userId, connectedAt };
  return null;
}

export class Presence {
  private readonly halls = new Map<string, Map<string, ConnectedScreen>>();

  add(hallId: string, socketId: string, screen: ConnectedScreen): void {
    let sockets = this.halls.get(hallId);
    if (!sockets) this.halls.set(hallId, (sockets = new Map()));
    sockets.set(socketId, screen);
  }

  remove(hallId: string, socketId: string): boolean {
    const sockets = this.halls.get(hallId);
    const removed = sockets?.delete(socketId) ?? false;
    if (sockets && sockets.size === 0) this.halls.delete(hallId);
    return removed;
  }

  /** One line per kind and window: how many connections, connected since when. */
  summary(hallId: string): ScreenSummary[] {
    return summarizeScreens(this.halls.get(hallId)?.values() ?? []);
  }
}

/** Groups connected screens by kind and window (also for screens gathered from several processes). */
export function summarizeScreens(screens: Iterable<ConnectedScreen>): ScreenSummary[] {
  const grouped = new Map<string, ScreenSummary>();
  for (const screen of screens) {
    const key = `${screen.kind}|${screen.windowId ?? ''}|${screen.userId ?? ''}`;
    const entry = grouped.get(key);
    if (entry) {
      entry.connections += 1;
      entry.since = Math.min(entry.since, screen.connectedAt);
    } else {
      grouped.set(key, {
        kind: screen.kind,
        windowId: screen.windowId ?? null,
        ...(screen.userId !== undefined ? { userId: screen.userId } : {}),
        connections: 1,
        since: screen.connectedAt,
      });
    }
  }
  return [...grouped.values()].sort((a, b) => a.kind.localeCompare(b.kind) || (a.windowId ?? '').localeCompare(b.windowId ?? '', 'en', { numeric: true }));
}
