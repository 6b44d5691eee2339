import type { Logger } from 'pino';
import { verifyPassword } from '../auth/passwords.js';
import type { AccountStore } from '../store/port.js';
import { demoStaff } from './demoHall.js';

/**
 * With the demo off, no account may still open with a published demo
 * password: a server that once ran with the demo (the default) keeps clerk1–8
 * and zhuren, and `demo1234` is in the README. Each such account that still
 * has its demo password is disabled, and the log names them; an account whose
 * password was changed is left alone, and an administrator can re-enable a
 * disabled one after setting a new password (/admin, 人员).
 * Only the demo user names are checked: checking every account would cost a
 * scrypt per account at every start.
 */
export async function disableDemoPasswords(accounts: AccountStore, log: Logger): Promise<string[]> {
  const disabled: string[] = [];
  const unpinned: string[] = [];
  for (const demo of demoStaff()) {
    const found = await accounts.findUserByUsername(demo.username);
    if (!found) continue;
    let user = found;
    // The demo PIN is in the README too: it goes even from an account whose password was changed.
    if (demo.pin !== undefined && user.pinHash !== undefined && (await verifyPassword(demo.pin, user.pinHash))) {
      const { pinHash: _published, ...rest } = user;
      if (await accounts.updateUser(rest)) {
        unpinned.push(user.username);
        user = rest;
      }
    }
    if (user.disabled || !(await verifyPassword(demo.password, user.passwordHash))) continue;
    if (await accounts.updateUser({ ...user, disabled: true })) disabled.push(user.username);
  }
  if (unpinned.length > 0) {
    log.warn({ accounts: unpinned }, `demo is off: removed the demo 绿色通道 PIN from ${unpinned.join(', ')}; set a new PIN in /admin (人员)`);
  }
  if (disabled.length > 0) {
    log.warn({ accounts: disabled }, `demo is off: disabled the demo accounts that still had the demo password (${disabled.join(', ')}); set a new password in /admin to use one again`);
  }
  return disabled;
}
