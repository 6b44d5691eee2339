import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { generatePassword, hashPassword } from './auth/passwords.js';
import { DEMO_HALL_ID, demoHallConfig, demoStaff } from './demo/demoHall.js';
import { newHallState } from './domain/lifecycle.js';
import { type Store, StoreError } from './store/port.js';

export interface BootstrapOptions {
  demo: boolean;
  adminPassword?: string;
  now: number;
  /** Where a generated admin password is shown, once. */
  announce: (message: string) => void;
}

/**
 * First start: the `admin` account (password from HALLQ_ADMIN_PASSWORD, else
 * generated and shown once; there is no default password) and, unless
 * disabled, the demo hall with its clerks. Later starts change nothing.
 * Several processes may start at once on one Redis: whichever creates a
 * record first wins, and the others take it as already there.
 */
export async function bootstrap(store: Store, options: BootstrapOptions, log: Logger): Promise<void> {
  if (!(await store.accounts.findUserByUsername('admin'))) {
    const password = options.adminPassword ?? generatePassword();
    const created = await unlessTaken(store.accounts.createUser({
      id: randomUUID(),
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      hallIds: ['*'],
      passwordHash: await hashPassword(password),
      disabled: false,
      createdAt: options.now,
    }));
    // Not created: another process did it a moment ago, and announced its own password.
    if (created && options.adminPassword === undefined) {
      options.announce(`Created the admin account. User name: admin  Password: ${password}  (shown only this once)`);
    } else if (created) {
      log.info('created the admin account with the password from HALLQ_ADMIN_PASSWORD');
    }
  }
  if (!options.demo) return;
  if (!(await store.halls.loadHall(DEMO_HALL_ID))) {
    if (await unlessTaken(store.halls.createHall(newHallState(demoHallConfig(), options.now)))) {
      log.info({ hallId: DEMO_HALL_ID }, 'created the demo hall');
    }
  }
  for (const account of demoStaff()) {
    if (await store.accounts.findUserByUsername(account.username)) continue;
    await unlessTaken(store.accounts.createUser({
      id: randomUUID(),
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      hallIds: [DEMO_HALL_ID],
      staffNo: account.staffNo,
      post: account.post,
      passwordHash: await hashPassword(account.password),
      disabled: false,
      createdAt: options.now,
    }));
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
