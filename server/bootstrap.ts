import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { generatePassword, hashPassword, verifyPassword } from './auth/passwords.js';
import { disableDemoPasswords } from './demo/demoAccounts.js';
import { DEMO_HALL_ID, type DemoStaffAccount, demoHallConfig, demoStaff } from './demo/demoHall.js';
import { newHallState } from './domain/lifecycle.js';
import { type Store, StoreError, type UserRecord } from './store/port.js';

export interface BootstrapOptions {
  demo: boolean;
  now: number;
}

export interface AdminOptions {
  adminPassword?: string;
  now: number;
  /** Where a generated admin password is shown, once (apart from the JSON log). */
  announce: (message: string) => void;
}

/**
 * Every start, before serving: with the demo on, the demo hall and its clerks
 * if missing; with it off, the demo accounts that kept the demo password are
 * disabled. Several processes may start at once on one Redis: whichever
 * creates a record first wins, and the others take it as already there.
 */
export async function bootstrap(store: Store, options: BootstrapOptions, log: Logger): Promise<void> {
  if (!options.demo) {
    await disableDemoPasswords(store.accounts, log);
    return;
  }
  if (!(await store.halls.loadHall(DEMO_HALL_ID))) {
    if (await unlessTaken(store.halls.createHall(newHallState(demoHallConfig(), options.now)))) {
      log.info({ hallId: DEMO_HALL_ID }, 'created the demo hall');
    }
  }
  for (const account of demoStaff()) {
    const existing = await store.accounts.findUserByUsername(account.username);
    if (existing) {
      await giveDemoPin(store, account, existing);
      continue;
    }
    await unlessTaken(store.accounts.createUser({
      id: randomUUID(),
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      hallIds: [DEMO_HALL_ID],
      staffNo: account.staffNo,
      post: account.post,
      passwordHash: await hashPassword(account.password),
      ...(account.pin !== undefined ? { pinHash: await hashPassword(account.pin) } : {}),
      disabled: false,
      createdAt: options.now,
    }));
  }
}

/**
 * A demo created before the guide desk had its PIN gets it too, but only while the account is still
 * the demo's (enabled, its demo password, no PIN): a PIN someone set, or an account whose password
 * was changed, is left alone.
 */
async function giveDemoPin(store: Store, account: DemoStaffAccount, user: UserRecord): Promise<void> {
  if (account.pin === undefined || user.pinHash !== undefined || user.disabled) return;
  if (!(await verifyPassword(account.password, user.passwordHash))) return;
  await store.accounts.updateUser({ ...user, pinHash: await hashPassword(account.pin) });
}

/**
 * First start: the `admin` account, with the password from HALLQ_ADMIN_PASSWORD
 * or a generated one (there is no default password). Called once the port is
 * bound, so a generated password is never shown by a start that then fails;
 * it must be changed at the first login (`mustChangePassword`), so it matters
 * only until then. Later starts change nothing, and say that
 * HALLQ_ADMIN_PASSWORD no longer applies.
 */
export async function ensureAdmin(store: Store, options: AdminOptions, log: Logger): Promise<void> {
  if (await store.accounts.findUserByUsername('admin')) {
    if (options.adminPassword !== undefined) {
      log.warn('HALLQ_ADMIN_PASSWORD is ignored: the admin account exists already (it only sets the first password); change it in /admin or with npm run hallq -- admin reset-password');
    }
    return;
  }
  const generated = options.adminPassword === undefined;
  const password = options.adminPassword ?? generatePassword();
  const created = await unlessTaken(store.accounts.createUser({
    id: randomUUID(),
    username: 'admin',
    displayName: '系统管理员',
    role: 'admin',
    hallIds: ['*'],
    passwordHash: await hashPassword(password),
    disabled: false,
    ...(generated ? { mustChangePassword: true } : {}),
    createdAt: options.now,
  }));
  // Not created: another process did it a moment ago, and announced its own password.
  if (!created) return;
  if (generated) {
    log.info('created the admin account with a generated password (shown on standard error, not in this log); it must be changed at the first login');
    options.announce(
      `已创建管理员账号 admin，初始密码：${password}  （只显示这一次，首次登录后须修改）\n` +
        `Created the admin account. User name: admin  Password: ${password}  (shown only this once; change it at the first login)`,
    );
  } else {
    log.info('created the admin account with the password from HALLQ_ADMIN_PASSWORD');
  }
}

/** True if the record was created; false if it already existed (DUPLICATE). */
async function unlessTaken(creating: Promise<void>): Promise<boolean> {
  try {
    await creating;
    return true;
  } catch (error) {
    if (error instanceof StoreError && error.code === 'DUPLICATE') return false;
    throw error;
  }
}
