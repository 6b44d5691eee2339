import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import type { StaffTokens } from '../auth/tokens.js';
import type { RateLimits } from '../app/rateLimits.js';
import { StoreError, type AccountStore, type HallStore, type UserRecord } from '../store/port.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';
import { PIN, mountDeskPinApi, withPin } from './deskPinApi.js';
import type { HallGroups } from '../auth/hallGroups.js';

/** The account as its owner and the apps see it: never the password hash. */
export function publicUser(user: UserRecord) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    hallIds: user.hallIds,
    staffNo: user.staffNo ?? null,
    post: user.post ?? null,
    disabled: user.disabled,
    windowIds: user.windowIds ?? [],
    partnerId: user.partnerId ?? null,
    // The photo itself is served on its own (GET …/windows/:windowId/photo), not in every account listing.
    hasPhoto: user.photo !== undefined,
    mustChangePassword: user.mustChangePassword === true,
    // The 绿色通道 PIN itself (even hashed) never leaves the server.
    hasPin: user.pinHash !== undefined,
  };
}

/** A photo is a small JPEG or PNG as a data: URL; about 200 KB is plenty for a 240×320 portrait. */
export const PHOTO_LIMIT = 200_000;
export const USERS_BODY_LIMIT = '300kb';

/** A hall id, `*`, or `group:<name>` with a group name as the hall configuration allows it (docs/oversight.md). */
const hallIds = z
  .array(z.string().min(1).max(64).regex(/^(\*|group:[^\p{Cc}]{1,40}|(?!group:)[A-Za-z0-9_.:-]+)$/u))
  .min(1)
  .max(100);
const password = z.string().min(8, 'at least 8 characters').max(256);
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);
const fields = {
  displayName: z.string().trim().min(1).max(40),
  role: z.enum(['clerk', 'supervisor', 'admin']),
  hallIds,
  staffNo: z.string().trim().max(32).optional(),
  post: z.string().trim().max(40).optional(),
  windowIds: z.array(id).max(20).optional(),
  /** '' removes it. */
  partnerId: z.union([id, z.literal('')]).optional(),
  photo: z.union([z.string().max(PHOTO_LIMIT).regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/, 'a JPEG or PNG data: URL'), z.literal('')]).optional(),
};
const createSchema = z.strictObject({ username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9_.-]+$/), password, ...fields });
const updateSchema = z.strictObject({
  displayName: fields.displayName.optional(),
  role: fields.role.optional(),
  hallIds: hallIds.optional(),
  staffNo: fields.staffNo,
  post: fields.post,
  windowIds: fields.windowIds,
  partnerId: fields.partnerId,
  photo: fields.photo,
  disabled: z.boolean().optional(),
  password: password.optional(),
  /** The 绿色通道 PIN for kiosks; '' removes it. */
  pin: z.union([PIN, z.literal('')]).optional(),
});

type Admin = Extract<Principal, { kind: 'staff' }>;

/** Staff accounts are the administrator's; one who is not an admin of every hall manages only their own halls. */
function requireAdmin(req: Request, res: Response): Admin | null {
  const principal = principalOf(req);
  if (principal.kind === 'staff' && principal.user.role === 'admin') return principal;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return null;
}

const everyHall = (admin: Admin) => admin.hallIds.includes('*');
const withinScope = (admin: Admin, halls: string[]) => everyHall(admin) || halls.every((hall) => hall !== '*' && admin.hallIds.includes(hall));

const badPartner = { code: 'VALIDATION_FAILED' as const, message: '', details: { reason: 'the partner must be another account of the same hall' } };

/** A B post covers the same hall: another, existing account sharing one of its halls. */
async function partnerOk(accounts: AccountStore, partnerId: string, halls: string[], selfId: string | null): Promise<boolean> {
  if (partnerId === selfId) return false;
  const partner = await accounts.getUser(partnerId);
  return partner !== null && (partner.hallIds.includes('*') || halls.includes('*') || partner.hallIds.some((hall) => halls.includes(hall)));
}

/** Staff accounts (人员): list, create, change role, halls, staff number, disable, reset the password. */
/**
 * A change to what an account may do ends its sessions: the role, the halls, the password or
 * disabling it. Other edits (name, photo, windows) leave its logins alone.
 */
function revokesSessions(before: UserRecord, after: UserRecord): boolean {
  return (
    before.role !== after.role ||
    before.disabled !== after.disabled ||
    before.passwordHash !== after.passwordHash ||
    JSON.stringify([...before.hallIds].sort()) !== JSON.stringify([...after.hallIds].sort())
  );
}

export interface UsersApiDeps {
  accounts: AccountStore;
  halls: HallStore;
  now: () => number;
  /** Cuts the account's open sockets (every process) after its sessions were revoked. */
  onSessionsRevoked(userId: string): void;
  /** For the 绿色通道 PIN (deskPinApi.ts): its desk tokens and its lockout. */
  tokens: StaffTokens;
  limits: RateLimits;
  groups?: HallGroups;
}

export function mountUsersApi(api: Router, deps: UsersApiDeps): void {
  mountDeskPinApi(api, deps);
  // 工作人员公示 is public: the photo of whoever holds the window now, for its window screen.
  api.get(
    '/halls/:hallId/windows/:windowId/photo',
    route(async (req, res) => {
      const hall = await deps.halls.loadHall(String(req.params.hallId));
      const runtime = hall?.windows[String(req.params.windowId)];
      const clerkId = runtime && runtime.status !== 'closed' ? runtime.clerk?.id : undefined;
      const photo = clerkId ? (await deps.accounts.getUser(clerkId))?.photo : undefined;
      const match = photo ? /^data:(image\/(?:jpeg|png));base64,(.*)$/.exec(photo) : null;
      if (!match) return sendError(req, res, 'NOT_FOUND');
      res.set('Cache-Control', 'no-cache');
      res.type(match[1]!).send(Buffer.from(match[2]!, 'base64'));
    }),
  );

  api.get(
    '/users',
    route(async (req, res) => {
      const admin = requireAdmin(req, res);
      if (!admin) return;
      const users = await deps.accounts.listUsers();
      res.json(users.filter((user) => everyHall(admin) || user.hallIds.some((hall) => admin.hallIds.includes(hall))).map(publicUser));
    }),
  );

  api.post(
    '/users',
    route(async (req, res) => {
      const admin = requireAdmin(req, res);
      if (!admin) return;
      const parsed = createSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const { password: secret, username, staffNo, post, partnerId, photo, ...rest } = parsed.data;
      if (!withinScope(admin, rest.hallIds)) return sendError(req, res, 'FORBIDDEN');
      if (partnerId && !(await partnerOk(deps.accounts, partnerId, rest.hallIds, null))) return sendError(req, res, badPartner);
      const user: UserRecord = {
        id: randomUUID(),
        username,
        ...rest,
        ...(staffNo ? { staffNo } : {}),
        ...(post ? { post } : {}),
        ...(partnerId ? { partnerId } : {}),
        ...(photo ? { photo } : {}),
        passwordHash: await hashPassword(secret),
        disabled: false,
        createdAt: deps.now(),
      };
      try {
        await deps.accounts.createUser(user);
      } catch (error) {
        if (error instanceof StoreError && error.code === 'DUPLICATE') return sendError(req, res, 'DUPLICATE');
        throw error;
      }
      res.status(201).json(publicUser(user));
    }),
  );

  api.patch(
    '/users/:userId',
    route(async (req, res) => {
      const admin = requireAdmin(req, res);
      if (!admin) return;
      const parsed = updateSchema.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const user = await deps.accounts.getUser(String(req.params.userId));
      if (!user || !withinScope(admin, user.hallIds.filter((hall) => hall !== '*')) || (user.hallIds.includes('*') && !everyHall(admin))) {
        return sendError(req, res, user ? 'FORBIDDEN' : 'NOT_FOUND');
      }
      const { password: secret, staffNo, post, partnerId, photo, pin, ...changes } = parsed.data;
      if (changes.hallIds && !withinScope(admin, changes.hallIds)) return sendError(req, res, 'FORBIDDEN');
      if (partnerId && !(await partnerOk(deps.accounts, partnerId, changes.hallIds ?? user.hallIds, user.id))) return sendError(req, res, badPartner);
      // An administrator cannot lock themselves out (the last way back in would be the database).
      if (user.id === admin.user.id && (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { reason: 'you cannot disable or demote your own account' } });
      }
      let next: UserRecord = { ...user, ...changes };
      if (pin !== undefined) next = await withPin(next, pin);
      if (staffNo !== undefined) {
        if (staffNo === '') delete next.staffNo;
        else next.staffNo = staffNo;
      }
      if (post !== undefined) {
        if (post === '') delete next.post;
        else next.post = post;
      }
      for (const [key, value] of [['partnerId', partnerId], ['photo', photo]] as const) {
        if (value === '') delete next[key];
        else if (value !== undefined) next[key] = value;
      }
      if (secret !== undefined) next.passwordHash = await hashPassword(secret);
      const revoked = revokesSessions(user, next);
      if (revoked) next.tokenVersion = (user.tokenVersion ?? 0) + 1;
      if (!(await deps.accounts.updateUser(next))) return sendError(req, res, 'NOT_FOUND');
      if (revoked) deps.onSessionsRevoked(user.id);
      if (pin !== undefined) await deps.limits.deskPinLockout.succeeded(user.id);
      res.json(publicUser(next));
    }),
  );
}
