export type DeviceKind = 'kiosk' | 'printer';

/** A paired kiosk or print agent as the API shows it (GET /api/halls/:hallId/devices): never its token. */
export interface DeviceView {
  id: string;
  hallId: string;
  kind: DeviceKind;
  name: string;
  createdAt: number;
  createdBy: string;
  /** A kiosk's printer address (see server/protocol/printerAddress.ts); the server default when absent. */
  printer?: string;
  revokedAt?: number;
  lastSeenAt?: number;
}
