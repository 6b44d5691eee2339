import type { BoardAudioReport, VoiceSource } from './voice.js';

/**
 * Which screens of a hall are connected, as staff apps see it for the
 * "board offline" or "window screen offline" alarms (`displays:changed`,
 * GET /api/halls/:hallId/displays). The server keeps them in
 * server/realtime/presence.ts.
 */

/** `panel`: a staff member's counter panel (/counter), by user, so a staffed window whose clerk's panel is closed is seen. */
export type ScreenKind = 'board' | 'window-screen' | 'kiosk' | 'agent' | 'panel';

export interface ConnectedScreen {
  kind: ScreenKind;
  windowId?: string;
  /** Panels only: whose panel it is. */
  userId?: string;
  connectedAt: number;
  /** Boards only: what the board last said about its sound (`board:audio`). */
  audio?: BoardAudioReport;
  /** Boards only: since when its reports say sound is locked (「开启声音」 not tapped), for the one-minute grace. */
  audioLockedSince?: number;
}

export interface ScreenSummary {
  kind: ScreenKind;
  windowId: string | null;
  /** Panels only. */
  userId?: string;
  connections: number;
  since: number;
  /**
   * Boards only, once one has reported: how many of these connections cannot play a call — no source
   * works, or 「开启声音」 has not been tapped for BOARD_LOCKED_GRACE_MS (server/realtime/presence.ts).
   */
  silent?: number;
  /** Boards only: the sources the connections use, e.g. { pack: 1, synthesis: 2 }. */
  audioSources?: Partial<Record<VoiceSource, number>>;
}
