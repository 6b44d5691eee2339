import { randomBytes } from 'node:crypto';
import type { AccountStore, OneTimeStore, UserRecord } from '../../store/port.js';
import { BUILT_IN_ADMIN, type DirectoryLogin, localLoginEnabled, localPasswordAllowed, upsertDirectoryUser } from './directoryAccounts.js';
import { LdapLogin } from './ldap.js';
import { OidcLogin } from './oidc.js';
import { oneTimeKey } from './oneTimeKey.js';
import type { SsoSettings } from './settings.js';

/**
 * A finished OIDC login is handed to the app by a one-time code (never the token itself in a URL).
 * The code stands for the account; the token is signed when the code is traded, so no token is
 * ever kept in the store.
 */
export interface Handover {
  userId: string;
}
const HANDOVER_TTL_MS = 60_000;
const HANDOVER_MAX = 2000;
const HANDOVER_KIND = 'sso-handover';
const USER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Which ways in this server offers; public (GET /api/auth/methods), so the login page can show them. */
export interface LoginMethods {
  password: boolean;
  oidc: boolean;
  ldap: boolean;
}

/** Staff single sign-on: the configured directories, and the rule for local passwords beside them. */
export class SsoService {
  readonly oidc: OidcLogin | null;
  readonly ldap: LdapLogin | null;

  /** `oneTime`: where logins under way and hand-over codes are kept (shared by the processes on Redis). */
  constructor(
    readonly settings: SsoSettings,
    private readonly accounts: AccountStore,
    private readonly now: () => number,
    private readonly oneTime: OneTimeStore,
  ) {
    this.oidc = settings.oidc ? new OidcLogin(settings.oidc, oneTime) : null;
    this.ldap = settings.ldap ? new LdapLogin(settings.ldap) : null;
  }

  methods(): LoginMethods {
    return { password: true, oidc: this.oidc !== null, ldap: this.ldap !== null };
  }

  /** The password form goes to the directory for anyone who is not a local account (and never for `admin`). */
  usesDirectory(user: UserRecord | null, username: string): boolean {
    return this.ldap !== null && username !== BUILT_IN_ADMIN && (user === null || user.source !== undefined);
  }

  async ldapLogin(username: string, password: string): Promise<DirectoryLogin> {
    const check = await this.ldap!.check(username, password);
    if (!check.ok) return check;
    return upsertDirectoryUser(this.accounts, check.identity, this.now());
  }

  async directoryUser(identity: Parameters<typeof upsertDirectoryUser>[1]): Promise<DirectoryLogin> {
    return upsertDirectoryUser(this.accounts, identity, this.now());
  }

  async localPasswordAllowed(user: UserRecord): Promise<boolean> {
    return localPasswordAllowed(user, await localLoginEnabled(this.accounts), this.settings);
  }

  async handOver(handover: Handover): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await this.oneTime.put(HANDOVER_KIND, oneTimeKey(code), handover.userId, { ttlMs: HANDOVER_TTL_MS, max: HANDOVER_MAX });
    return code;
  }

  /** Good once, on whichever process it is traded: of two trades at once, one gets it. */
  async takeHandover(code: string): Promise<Handover | undefined> {
    const userId = await this.oneTime.take(HANDOVER_KIND, oneTimeKey(code));
    return userId !== null && USER_ID.test(userId) ? { userId } : undefined;
  }
}
