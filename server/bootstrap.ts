import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { generatePassword, hashPassword } from './auth/passwords.js';
import { DEMO_HALL_ID, demoHallConfig, demoStaff } from './demo/demoHall.js';
import { newHallState } from './domain/lifecycle.js';
import type { Store } from './store/port.js';

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
 */
export async function bootstrap(store: Store, options: BootstrapOptions, log: Logger): Promise<void> {
  if (!(await store.accounts.findUserByUsername('admin'))) {
    const password = options.adminPassword ?? generatePassword();
    await store.accounts.createUser({
      id: randomUUID(),
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      hallIds: ['*'],
      passwordHash: await hashPassword(password),
      disabled: false,
      createdAt: options.now,
    });
    if (options.adminPassword === undefined) {
      options.announce(`Created the admin account. User name: admin  Password: ${password}  (shown only this once)`);
    } else {
      log.info('created the admin account with the password from HALLQ_ADMIN_PASSWORD');
    }
  }
  if (!options.demo) return;
  if (!(await store.halls.loadHall(DEMO_HALL_ID))) {
    await store.halls.createHall(newHallState(demoHallConfig(), options.now));
    log.info({ hallId: DEMO_HALL_ID }, 'created the demo hall');
  }
  for (const account of demoStaff()) {
    if (await store.accounts.findUserByUsername(account.username)) continue;
    await store.accounts.createUser({
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
    });
  }
}
