import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { mayActInHall } from '../auth/principal.js';
import type { StaffTokens } from '../auth/tokens.js';
import type { RateLimits } from '../app/rateLimits.js';
import type { AccountStore, UserRecord } from '../store/port.js';
import type { HallGroups } from '../auth/hallGroups.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';

/**
 * 绿色通道 on a public touch screen without a password: the guide-desk clerk
 * taps their name on the kiosk and types a short PIN (4–6 digits) set on
 * their account (by an administrator, or by themselves with their password).
 * The PIN is hashed like a password, tries are limited per kiosk and locked
 * per account after LOCKOUT_FAILURES wrong ones (the login's lockout), and a
 * right PIN answers a desk token that is good for one visit and for nothing
 * but priority tickets at a kiosk (StaffTokens.issueDesk).
 */

export const PIN = z.string().regex(/^[0-9]{4,6}$/, '4–6 digits');
/** A desk token outlives one visit only a little: the kiosk drops it when the visit ends. */
export const DESK_TOKEN_MINUTES = 5;

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const pinLogin = z.strictObject({ userId: id, pin: PIN });
const ownPin = z.strictObject({ currentPassword: z.string().min(1).max(256), pin: z.union([PIN, z.literal('')]) });

export interface DeskPinDeps {
  accounts: AccountStore;
  tokens: StaffTokens;
  limits: RateLimits;
  /** An account scoped to a hall group (`group:<name>`) vouches in every hall of the group. */
  groups?: HallGroups;
}

/** An account a guide-desk clerk of this hall can vouch with: enabled, of the hall (directly or by its group), with a PIN. */
async function deskClerkOf(user: UserRecord | null, hallId: string, groups: HallGroups | undefined): Promise<(UserRecord & { pinHash: string }) | null> {
  if (user === null || user.disabled || user.pinHash === undefined) return null;
  const halls = groups ? await groups.expand(user.hallIds) : user.hallIds;
  return halls.includes('*') || halls.includes(hallId) ? (user as UserRecord & { pinHash: string }) : null;
}

/** The kiosk of this hall asking, or the refusal already answered. */
function kioskOf(req: Request, res: Response, hallId: string): string | null {
  const principal = principalOf(req);
  if (principal.kind === 'device' && principal.device.kind === 'kiosk' && mayActInHall(principal, hallId)) return principal.device.id;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return null;
}

let dummyHash: Promise<string> | undefined;

export function mountDeskPinApi(api: Router, deps: DeskPinDeps): void {
  // Names only (as the window's 工作人员公示 shows them), and only to a paired kiosk of the hall.
  api.get(
    '/halls/:hallId/kiosk/desk-staff',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (kioskOf(req, res, hallId) === null) return;
      const users = await deps.accounts.listUsers();
      const clerks = (await Promise.all(users.map((user) => deskClerkOf(user, hallId, deps.groups)))).filter((user) => user !== null);
      res.json(clerks.map((user) => ({ id: user.id, displayName: user.displayName })));
    }),
  );

  api.post(
    '/halls/:hallId/kiosk/desk-pin',
    route(async (req, res) => {
      const hallId = String(req.params.hallId);
      const deviceId = kioskOf(req, res, hallId);
      if (deviceId === null) return;
      const parsed = pinLogin.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const { userId, pin } = parsed.data;
      const rate = await deps.limits.forDeskPin(deviceId, userId);
      if (!rate.ok) {
        return sendError(req, res, { code: rate.locked ? 'PIN_LOCKED' : 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
      }
      const user = await deps.accounts.getUser(userId);
      const clerk = await deskClerkOf(user, hallId, deps.groups);
      // An unknown account costs the same time as a known one.
      const valid = await verifyPassword(pin, clerk?.pinHash ?? (await (dummyHash ??= hashPassword('not a pin'))));
      if (!clerk || !valid) {
        await deps.limits.deskPinLockout.failed(userId);
        return sendError(req, res, 'PIN_INVALID');
      }
      await deps.limits.deskPinLockout.succeeded(userId);
      const { token, expiresAt } = await deps.tokens.issueDesk(clerk, DESK_TOKEN_MINUTES);
      res.json({ token, expiresAt, displayName: clerk.displayName });
    }),
  );

  // A clerk sets (or, with '', removes) their own PIN, proving it is them with their password.
  api.put(
    '/auth/pin',
    route(async (req, res) => {
      const principal = principalOf(req);
      if (principal.kind !== 'staff' || principal.scope === 'desk') return sendError(req, res, principal.kind === 'device' ? 'FORBIDDEN' : 'UNAUTHENTICATED');
      const parsed = ownPin.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      // The password change's lockout key: a stolen session cannot guess the password here either.
      const lockKey = `password:${principal.user.id}`;
      const rate = await deps.limits.forLogin(req.ip ?? 'unknown', lockKey);
      if (!rate.ok) return sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
      const user = await deps.accounts.getUser(principal.user.id);
      if (!user) return sendError(req, res, 'UNAUTHENTICATED');
      if (!(await verifyPassword(parsed.data.currentPassword, user.passwordHash))) {
        await deps.limits.accountLockout.failed(lockKey);
        return sendError(req, res, 'INVALID_CREDENTIALS');
      }
      await deps.limits.accountLockout.succeeded(lockKey);
      if (!(await deps.accounts.updateUser(await withPin(user, parsed.data.pin)))) return sendError(req, res, 'UNAUTHENTICATED');
      await deps.limits.deskPinLockout.succeeded(user.id);
      res.json({ hasPin: parsed.data.pin !== '' });
    }),
  );
}

/** The account with its PIN set, or removed with ''; the caller clears a lock on the old one. */
export async function withPin(user: UserRecord, pin: string): Promise<UserRecord> {
  const { pinHash: _old, ...rest } = user;
  return pin === '' ? rest : { ...rest, pinHash: await hashPassword(pin) };
}
