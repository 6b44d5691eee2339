/** A kiosk, a print agent, or a window screen (窗口屏/评价器) that may submit its window's ratings. */
/** `platform`: a booking platform's integration token (一网通办), which may only create and cancel bookings. */
export type DeviceKind = 'kiosk' | 'printer' | 'window-screen' | 'platform';

/** A paired kiosk, print agent or window screen as the API shows it (GET /api/halls/:hallId/devices): never its token. */
export interface DeviceView {
  id: string;
  hallId: string;
  kind: DeviceKind;
  name: string;
  createdAt: number;
  createdBy: string;
  /** A kiosk's printer address (see server/protocol/printerAddress.ts); the server default when absent. */
  printer?: string;
  /** A window screen's window: the only one it shows as its own and may submit ratings for. */
  windowId?: string;
  revokedAt?: number;
  lastSeenAt?: number;
}
