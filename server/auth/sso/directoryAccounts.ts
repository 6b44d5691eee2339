import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../protocol/errors.js';
import type { Role } from '../../protocol/model.js';
import { StoreError, type AccountStore, type UserRecord } from '../../store/port.js';
import type { SsoSettings } from './settings.js';
import { directoryHalls } from './settings.js';

/** The built-in account: always signs in with its local password, whatever the directory says. */
export const BUILT_IN_ADMIN = 'admin';

/** Not a scrypt hash, so verifyPassword never accepts any password for a directory account. */
const NO_LOCAL_PASSWORD = '!directory';

export interface DirectoryIdentity {
  source: 'oidc' | 'ldap';
  username: string;
  displayName: string;
  role: Role;
  hallIds: string[];
}

export type DirectoryLogin = { ok: true; user: UserRecord } | { ok: false; code: ErrorCode };

/**
 * The directory is the authority for who a directory user is: their HallQ record is created at
 * their first login and its name, role and halls are brought up to date at every login. What
 * stays HallQ's own: disabling (a disabled account stays refused), windows, partner, photo, PIN.
 * A local account of the same name is taken over (its password stops working), except `admin`.
 */
export async function upsertDirectoryUser(accounts: AccountStore, identity: DirectoryIdentity, now: number): Promise<DirectoryLogin> {
  if (identity.username === BUILT_IN_ADMIN) return { ok: false, code: 'SSO_FAILED' };
  const existing = await accounts.findUserByUsername(identity.username);
  if (existing?.disabled) return { ok: false, code: 'ACCOUNT_DISABLED' };
  if (!existing) {
    const user: UserRecord = {
      id: randomUUID(),
      username: identity.username,
      displayName: identity.displayName,
      role: identity.role,
      hallIds: identity.hallIds,
      passwordHash: NO_LOCAL_PASSWORD,
      disabled: false,
      createdAt: now,
      source: identity.source,
    };
    try {
      await accounts.createUser(user);
      return { ok: true, user };
    } catch (error) {
      // Two first logins at once: the other one made it; update that record instead.
      if (!(error instanceof StoreError && error.code === 'DUPLICATE')) throw error;
      return upsertDirectoryUser(accounts, identity, now);
    }
  }
  const { mustChangePassword: _given, ...kept } = existing;
  const next: UserRecord = {
    ...kept,
    displayName: identity.displayName,
    role: identity.role,
    hallIds: identity.hallIds,
    passwordHash: NO_LOCAL_PASSWORD,
    source: identity.source,
  };
  // The directory changed what this person may do: their other sessions end, as after an admin's edit.
  if (existing.role !== next.role || sortedJson(existing.hallIds) !== sortedJson(next.hallIds) || existing.passwordHash !== next.passwordHash) {
    next.tokenVersion = (existing.tokenVersion ?? 0) + 1;
  }
  if (!(await accounts.updateUser(next))) return { ok: false, code: 'SSO_FAILED' };
  return { ok: true, user: next };
}

function sortedJson(values: readonly string[]): string {
  return JSON.stringify([...values].sort());
}

/** The administrator's switch (PUT /api/auth/settings), stored with the accounts. */
export const LOCAL_LOGIN_SETTING = 'localLogin';

export async function localLoginEnabled(accounts: AccountStore): Promise<boolean> {
  return (await accounts.getSetting(LOCAL_LOGIN_SETTING)) !== 'off';
}

/**
 * Whether a local account may sign in with its password. With local passwords turned off, `admin`
 * still may (the way back in when the directory is down), and so may staff of halls that have no
 * directory (no group mapping names any of their halls).
 */
export function localPasswordAllowed(user: UserRecord, enabled: boolean, settings: SsoSettings): boolean {
  if (enabled || user.username === BUILT_IN_ADMIN) return true;
  const covered = directoryHalls(settings);
  if (covered.has('*')) return false;
  return !user.hallIds.includes('*') && user.hallIds.every((hall) => !covered.has(hall));
}
