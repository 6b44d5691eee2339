import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Role } from '../protocol/model.js';
import type { UserRecord } from '../store/port.js';
import type { Principal } from './principal.js';

const ISSUER = 'hallq';
const DEVICE_TOKEN_PREFIX = 'hqd_';

export type TokenCheck = { ok: true; principal: Extract<Principal, { kind: 'staff' }> } | { ok: false; expired: boolean };

/**
 * Staff sessions are signed, expiring tokens (HS256 JWT): verifying one needs
 * no store round trip, and a socket verifies it once at connect, not per event.
 */
export class StaffTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlHours: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(user: UserRecord): Promise<{ token: string; expiresAt: number }> {
    return this.sign(user, Date.now() + this.ttlHours * 3_600_000, {});
  }

  /**
   * A guide-desk clerk's 绿色通道 confirmation from a PIN on a kiosk: good for one visit and for
   * nothing but a priority ticket at that kiosk (the authenticator refuses it everywhere else),
   * so a token left in a public screen's memory cannot drive a counter.
   */
  async issueDesk(user: UserRecord, minutes: number): Promise<{ token: string; expiresAt: number }> {
    return this.sign(user, Date.now() + minutes * 60_000, { scope: 'desk' });
  }

  private async sign(user: UserRecord, expiresAt: number, extra: Record<string, string>): Promise<{ token: string; expiresAt: number }> {
    const token = await new SignJWT({
      ...extra,
      role: user.role,
      name: user.displayName,
      halls: user.hallIds,
      ver: user.tokenVersion ?? 0,
      ...(user.staffNo ? { staffNo: user.staffNo } : {}),
      ...(user.post ? { post: user.post } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<TokenCheck> {
    try {
      // A token without `exp` would be valid forever (one signed with a stolen secret, say): refused.
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp'] });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !['clerk', 'supervisor', 'admin'].includes(role)) {
        return { ok: false, expired: false };
      }
      return {
        ok: true,
        principal: {
          kind: 'staff',
          expiresAt: payload.exp! * 1000,
          hallIds: Array.isArray(payload.halls) ? payload.halls.map(String) : [],
          tokenVersion: typeof payload.ver === 'number' ? payload.ver : 0,
          ...(payload.scope === 'desk' ? { scope: 'desk' as const } : {}),
          user: {
            id: payload.sub,
            name: String(payload.name ?? ''),
            role,
            ...(typeof payload.staffNo === 'string' ? { staffNo: payload.staffNo } : {}),
            ...(typeof payload.post === 'string' ? { post: payload.post } : {}),
          },
        },
      };
    } catch (error) {
      return { ok: false, expired: error instanceof joseErrors.JWTExpired };
    }
  }
}

export function isDeviceToken(token: string): boolean {
  return token.startsWith(DEVICE_TOKEN_PREFIX);
}

export function newDeviceToken(): string {
  return DEVICE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Device tokens are stored only as this hash, so a leaked database does not leak working tokens. */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newSigningSecret(): string {
  return randomBytes(48).toString('base64url');
}
