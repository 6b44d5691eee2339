import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Role } from '../protocol/model.js';
import type { UserRecord } from '../store/port.js';
import type { Principal } from './principal.js';

const ISSUER = 'hallq';
const DEVICE_TOKEN_PREFIX = 'hqd_';

export type TokenCheck = { ok: true; principal: Extract<Principal, { kind: 'staff' }> } | { ok: false; expired: boolean };

type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

/** Tokens whose signature was checked, kept so a client's next request skips the HMAC (bounded: oldest out first). */
const VERIFIED_TOKENS_MAX = 2048;

function frozen(principal: StaffPrincipal): StaffPrincipal {
  Object.freeze(principal.user);
  Object.freeze(principal.hallIds);
  return Object.freeze(principal);
}

/**
 * Staff sessions are signed, expiring tokens (HS256 JWT): verifying one needs
 * no store round trip, and a socket verifies it once at connect, not per event.
 */
export class StaffTokens {
  private readonly key: Uint8Array;
  /**
   * A token is a fixed string: once its signature and claims were checked, the same string always
   * verifies to the same principal, so only its expiry is left to check on the next request
   * (WebCrypto's HMAC through jose, a key import and a thread-pool hop: ~50 µs of CPU a request). Only tokens this key
   * signed get in; the account (disabled, new role, new version) is still read per request by the
   * Authenticator. The principal is frozen because every request with that token shares it.
   */
  private readonly verified = new Map<string, StaffPrincipal>();

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
    const known = this.verified.get(token);
    if (known) {
      // jose's rule (no clock tolerance): expired from the second `exp` names.
      if (known.expiresAt! > Date.now()) return { ok: true, principal: known };
      this.verified.delete(token);
      return { ok: false, expired: true };
    }
    const check = await this.verifySigned(token);
    if (check.ok) {
      if (this.verified.size >= VERIFIED_TOKENS_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, check.principal);
    }
    return check;
  }

  private async verifySigned(token: string): Promise<TokenCheck> {
    try {
      // A token without `exp` would be valid forever (one signed with a stolen secret, say): refused.
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], requiredClaims: ['exp'] });
      const role = payload.role as Role;
      if (typeof payload.sub !== 'string' || !['clerk', 'supervisor', 'admin'].includes(role)) {
        return { ok: false, expired: false };
      }
      return {
        ok: true,
        principal: frozen({
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
        }),
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
