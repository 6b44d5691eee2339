import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { hashPassword } from '../auth/passwords.js';
import type { Principal } from '../auth/principal.js';
import { StoreError, type AccountStore, type UserRecord } from '../store/port.js';
import { principalOf, route, sendError, sendValidationError } from './support.js';

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
  };
}

const hallIds = z.array(z.string().min(1).max(64).regex(/^(\*|[A-Za-z0-9_.:-]+)$/)).min(1).max(100);
const password = z.string().min(8, 'at least 8 characters').max(256);
const fields = {
  displayName: z.string().trim().min(1).max(40),
  role: z.enum(['clerk', 'supervisor', 'admin']),
  hallIds,
  staffNo: z.string().trim().max(32).optional(),
  post: z.string().trim().max(40).optional(),
};
const createSchema = z.strictObject({ username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9_.-]+$/), password, ...fields });
const updateSchema = z.strictObject({
  displayName: fields.displayName.optional(),
  role: fields.role.optional(),
  hallIds: hallIds.optional(),
  staffNo: fields.staffNo,
  post: fields.post,
  disabled: z.boolean().optional(),
  password: password.optional(),
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

/** Staff accounts (人员): list, create, change role, halls, staff number, disable, reset the password. */
export function mountUsersApi(api: Router, deps: { accounts: AccountStore; now: () => number }): void {
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
      const { password: secret, username, staffNo, post, ...rest } = parsed.data;
      if (!withinScope(admin, rest.hallIds)) return sendError(req, res, 'FORBIDDEN');
      const user: UserRecord = {
        id: randomUUID(),
        username,
        ...rest,
        ...(staffNo ? { staffNo } : {}),
        ...(post ? { post } : {}),
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
      const { password: secret, staffNo, post, ...changes } = parsed.data;
      if (changes.hallIds && !withinScope(admin, changes.hallIds)) return sendError(req, res, 'FORBIDDEN');
      // An administrator cannot lock themselves out (the last way back in would be the database).
      if (user.id === admin.user.id && (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))) {
        return sendError(req, res, { code: 'VALIDATION_FAILED', message: '', details: { reason: 'you cannot disable or demote your own account' } });
      }
      const next: UserRecord = { ...user, ...changes };
      if (staffNo !== undefined) {
        if (staffNo === '') delete next.staffNo;
        else next.staffNo = staffNo;
      }
      if (post !== undefined) {
        if (post === '') delete next.post;
        else next.post = post;
      }
      if (secret !== undefined) next.passwordHash = await hashPassword(secret);
      if (!(await deps.accounts.updateUser(next))) return sendError(req, res, 'NOT_FOUND');
      res.json(publicUser(next));
    }),
  );
}
