import type { ErrorCode } from '../protocol/errors.js';
import type { AccountStore, UserRecord } from '../store/port.js';
import type { Principal } from './principal.js';
import { type StaffTokens, hashDeviceToken, isDeviceToken } from './tokens.js';
import { type HallGroups, isGroupEntry } from './hallGroups.js';

export type Authentication = { ok: true; principal: Principal } | { ok: false; code: ErrorCode };

/** Turns a bearer token (or none) into a principal: staff, device, or public. */
export class Authenticator {
  constructor(
    private readonly tokens: StaffTokens,
    private readonly accounts: AccountStore,
    private readonly now: () => number,
    /** Expands `group:<name>` entries of hallIds; without it such an entry names no hall. */
    private readonly groups?: HallGroups,
  ) {}

  /**
   * `passwordChange`: the request is the account's own password change (or
   * reads who it is), which is all an account with a given password may do.
   * `desk`: the caller is the kiosk's green channel, the one place a PIN's desk token is good for.
   */
  async authenticate(token: string | undefined, ip: string, { passwordChange = false, desk = false }: { passwordChange?: boolean; desk?: boolean } = {}): Promise<Authentication> {
    if (!token) return { ok: true, principal: { kind: 'public', ip } };
    if (token.length > 4096) return { ok: false, code: 'UNAUTHENTICATED' };
    if (isDeviceToken(token)) {
      const device = await this.accounts.findDeviceByTokenHash(hashDeviceToken(token));
      if (!device || device.revokedAt !== undefined) return { ok: false, code: 'UNAUTHENTICATED' };
      await this.accounts.touchDevice(device.id, this.now());
      return { ok: true, principal: { kind: 'device', device } };
    }
    const check = await this.tokens.verify(token);
    if (!check.ok) return { ok: false, code: check.expired ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED' };
    if (check.principal.scope === 'desk' && !desk) return { ok: false, code: 'UNAUTHENTICATED' };
    // A disabled or deleted account, or one whose role, halls or password changed since, loses access at once.
    const user = await this.accounts.getUser(check.principal.user.id);
    if (!accountStillMatches(user, check.principal.tokenVersion)) return { ok: false, code: 'UNAUTHENTICATED' };
    if (user.mustChangePassword && !passwordChange) return { ok: false, code: 'PASSWORD_CHANGE_REQUIRED' };
    // Expanded now, not when the token was signed, so a hall moved into a group is seen at the next request.
    if (this.groups && check.principal.hallIds.some(isGroupEntry)) {
      return { ok: true, principal: Object.freeze({ ...check.principal, hallIds: Object.freeze(await this.groups.expand(check.principal.hallIds)) as string[] }) };
    }
    return check;
  }
}

/**
 * A socket authenticates once, at its handshake; before each command it is
 * re-checked here, so a revoked kiosk, a disabled account or an expired token
 * stops working on an open connection too.
 */
export async function stillValid(accounts: AccountStore, principal: Principal, now: number): Promise<ErrorCode | null> {
  if (principal.kind === 'device') {
    const device = await accounts.getDevice(principal.device.id);
    return device && device.revokedAt === undefined ? null : 'UNAUTHENTICATED';
  }
  if (principal.kind === 'staff') {
    if (principal.expiresAt !== undefined && principal.expiresAt <= now) return 'TOKEN_EXPIRED';
    const user = await accounts.getUser(principal.user.id);
    if (!accountStillMatches(user, principal.tokenVersion)) return 'UNAUTHENTICATED';
    return user.mustChangePassword ? 'PASSWORD_CHANGE_REQUIRED' : null;
  }
  return null;
}

/** The account exists, is enabled, and the token was issued under its current version. */
function accountStillMatches(user: UserRecord | null, tokenVersion: number): user is UserRecord {
  return user !== null && !user.disabled && (user.tokenVersion ?? 0) === tokenVersion;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}
