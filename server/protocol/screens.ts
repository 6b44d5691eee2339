/**
 * Which screens of a hall are connected, as staff apps see it for the
 * "board offline" or "window screen offline" alarms (`displays:changed`,
 * GET /api/halls/:hallId/displays). The server keeps them in
 * server/realtime/presence.ts.
 */

export type ScreenKind = 'board' | 'window-screen' | 'kiosk' | 'agent';

export interface ConnectedScreen {
  kind: ScreenKind;
  windowId?: string;
  connectedAt: number;
}

export interface ScreenSummary {
  kind: ScreenKind;
  windowId: string | null;
  connections: number;
  since: number;
}
