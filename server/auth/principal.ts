import type { Actor, Clerk } from '../protocol/model.js';
import type { DeviceRecord } from '../store/port.js';

/** Who is calling, after authentication; `actor` is what the engine sees. */
export type Principal =
  /** `tokenVersion`: the account's version the token was issued under (UserRecord.tokenVersion). */
  /** `scope: 'desk'`: a kiosk PIN confirmation, valid only for a priority ticket at a kiosk (StaffTokens.issueDesk). */
  | { kind: 'staff'; user: Clerk; hallIds: string[]; expiresAt?: number; tokenVersion: number; scope?: 'desk' }
  | { kind: 'device'; device: DeviceRecord }
  /** `deviceKey`: the phone's cookie, so the daily per-phone ticket limit holds behind a hall's shared Wi-Fi address. */
  | { kind: 'public'; ip: string; deviceKey?: string };

export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'staff':
      return { kind: 'staff', user: principal.user };
    case 'device':
      return { kind: 'device', deviceId: principal.device.id, deviceKind: principal.device.kind };
    default:
      return { kind: 'public' };
  }
}

export function mayActInHall(principal: Principal, hallId: string): boolean {
  switch (principal.kind) {
    case 'staff':
      return principal.hallIds.includes('*') || principal.hallIds.includes(hallId);
    case 'device':
      return principal.device.hallId === hallId;
    default:
      return true;
  }
}

export function isManager(principal: Principal): boolean {
  return principal.kind === 'staff' && (principal.user.role === 'supervisor' || principal.user.role === 'admin');
}
