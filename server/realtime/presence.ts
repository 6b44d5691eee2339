/**
 * Which screens of a hall are connected right now, so clerks and supervisors
 * see "board offline" or "window screen offline" alarms. Held in this
 * process's memory: it describes live connections, which die with the process.
 * With several processes (Redis) the realtime layer asks every process's
 * sockets instead (fetchSockets through the adapter) and groups them the same way.
 */
import type { ConnectedScreen, ScreenKind, ScreenSummary } from '../protocol/screens.js';
import type { BoardAudioReport } from '../protocol/voice.js';

/**
 * How long a board may wait for someone to tap 「开启声音」 before it counts as silent: a board
 * that was just switched on is tapped within the minute by whoever switched it on; one left
 * locked longer means calls nobody hears. A board with no working source is silent at once.
 */
export const BOARD_LOCKED_GRACE_MS = 60_000;

const SCREEN_KINDS = new Set<string>(['board', 'window-screen', 'kiosk', 'agent']);

export function isScreenKind(kind: string | undefined): kind is ScreenKind {
  return kind !== undefined && SCREEN_KINDS.has(kind);
}

/**
 * What a connection counts as, from its handshake: a screen (its kind and
 * window), a clerk's counter panel (by user), or nothing (phones, supervisors).
 */
export function presenceOf(data: {
  client?: string;
  windowId?: string;
  connectedAt: number;
  userId?: string;
  audio?: BoardAudioReport;
  audioLockedSince?: number;
}): ConnectedScreen | null {
  const { client, windowId, connectedAt, userId, audio, audioLockedSince } = data;
  if (isScreenKind(client)) {
    return {
      kind: client,
      connectedAt,
      ...(windowId ? { windowId } : {}),
      ...(client === 'board' && audio ? { audio, ...(audioLockedSince !== undefined ? { audioLockedSince } : {}) } : {}),
    };
  }
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

  /** Replaces a connection's entry (a board's new audio report); false when it is not listed. */
  update(hallId: string, socketId: string, screen: ConnectedScreen): boolean {
    const sockets = this.halls.get(hallId);
    if (!sockets?.has(socketId)) return false;
    sockets.set(socketId, screen);
    return true;
  }

  remove(hallId: string, socketId: string): boolean {
    const sockets = this.halls.get(hallId);
    const removed = sockets?.delete(socketId) ?? false;
    if (sockets && sockets.size === 0) this.halls.delete(hallId);
    return removed;
  }

  /** One line per kind and window: how many connections, connected since when. */
  summary(hallId: string, now: number): ScreenSummary[] {
    return summarizeScreens(this.halls.get(hallId)?.values() ?? [], now);
  }
}

/** Whether a board's sound report means its calls go unheard now (see BOARD_LOCKED_GRACE_MS). */
export function isSilent(screen: ConnectedScreen, now: number): boolean {
  const audio = screen.audio;
  if (!audio) return false;
  if (audio.source === null) return true;
  return !audio.unlocked && now - (screen.audioLockedSince ?? now) >= BOARD_LOCKED_GRACE_MS;
}

/**
 * Groups connected screens by kind and window (also for screens gathered from several processes).
 * Boards that reported their sound add `silent` and `audioSources`; boards that never did (an app
 * from before the report) are counted as connected only, neither silent nor heard.
 */
export function summarizeScreens(screens: Iterable<ConnectedScreen>, now: number): ScreenSummary[] {
  const grouped = new Map<string, ScreenSummary>();
  for (const screen of screens) {
    const key = `${screen.kind}|${screen.windowId ?? ''}|${screen.userId ?? ''}`;
    let entry = grouped.get(key);
    if (entry) {
      entry.connections += 1;
      entry.since = Math.min(entry.since, screen.connectedAt);
    } else {
      entry = {
        kind: screen.kind,
        windowId: screen.windowId ?? null,
        ...(screen.userId !== undefined ? { userId: screen.userId } : {}),
        connections: 1,
        since: screen.connectedAt,
      };
      grouped.set(key, entry);
    }
    if (screen.kind === 'board' && screen.audio) {
      entry.silent = (entry.silent ?? 0) + (isSilent(screen, now) ? 1 : 0);
      const sources = (entry.audioSources ??= {});
      if (screen.audio.source !== null) sources[screen.audio.source] = (sources[screen.audio.source] ?? 0) + 1;
    }
  }
  return [...grouped.values()].sort((a, b) => a.kind.localeCompare(b.kind) || (a.windowId ?? '').localeCompare(b.windowId ?? '', 'en', { numeric: true }));
}
