import { randomBytes } from 'node:crypto';
import type { AccountStore, UserRecord } from '../../store/port.js';
import { BoundedExpiringMap } from './boundedMap.js';
import { BUILT_IN_ADMIN, type DirectoryLogin, localLoginEnabled, localPasswordAllowed, upsertDirectoryUser } from './directoryAccounts.js';
import { LdapLogin } from './ldap.js';
import { OidcLogin } from './oidc.js';
import type { SsoSettings } from './settings.js';

/** A finished OIDC login is handed to the app by a one-time code (never the token itself in a URL). */
export interface Handover {
  token: string;
  expiresAt: number;
  userId: string;
}
const HANDOVER_TTL_MS = 60_000;
const HANDOVER_MAX = 2000;

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
  private readonly handovers: BoundedExpiringMap<Handover>;

  constructor(
    readonly settings: SsoSettings,
    private readonly accounts: AccountStore,
    private readonly now: () => number,
  ) {
    this.oidc = settings.oidc ? new OidcLogin(settings.oidc, now) : null;
    this.ldap = settings.ldap ? new LdapLogin(settings.ldap) : null;
    this.handovers = new BoundedExpiringMap(HANDOVER_MAX, HANDOVER_TTL_MS, now);
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

  handOver(handover: Handover): string {
    const code = randomBytes(32).toString('base64url');
    this.handovers.set(code, handover);
    return code;
  }

  takeHandover(code: string): Handover | undefined {
    return this.handovers.take(code);
  }
}
