import { Client, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import type { ErrorCode } from '../../protocol/errors.js';
import type { DirectoryIdentity } from './directoryAccounts.js';
import { type LdapSettings, mapGroups } from './settings.js';

export type LdapCheck = { ok: true; identity: DirectoryIdentity } | { ok: false; code: ErrorCode };

/** RFC 4515: a value inside a search filter, so a user name cannot widen the filter ("*", ")(uid=*"). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** RFC 4514: a value inside a DN, so a user name cannot name another entry ("x,ou=admins"). */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=\0]/g, (char) => `\\${char}`)
    .replace(/^[ #]/, (char) => `\\${char}`)
    .replace(/ $/, '\\ ');
}

const sameDn = (a: string, b: string) => a.replace(/\s*,\s*/g, ',').toLowerCase() === b.replace(/\s*,\s*/g, ',').toLowerCase();

function firstValue(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstValue(value[0]);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return typeof value === 'string' ? value : undefined;
}

function allValues(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => (Buffer.isBuffer(item) ? item.toString('utf8') : String(item)));
}

/**
 * Signs a person in against the directory by binding as them with the password they typed: HallQ
 * never sees or keeps a directory password hash. Then their groups decide role and halls.
 */
export class LdapLogin {
  constructor(private readonly settings: LdapSettings) {}

  async check(username: string, password: string): Promise<LdapCheck> {
    // An empty password is an anonymous bind to most servers (RFC 4513 5.1.2): it must never count as a login.
    if (password.length === 0) return { ok: false, code: 'INVALID_CREDENTIALS' };
    const { settings } = this;
    const client = new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs });
    try {
      const found = await this.findUser(client, username);
      if (!found) return { ok: false, code: 'INVALID_CREDENTIALS' };
      try {
        await client.bind(found.dn, password);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) return { ok: false, code: 'INVALID_CREDENTIALS' };
        throw error;
      }
      // With a template and a filter (AD's "{username}@county.local"), the entry is found by the filter, as the person.
      const entry = found.entry ?? (settings.userFilter ? (await this.searchUser(client, username))?.entry : await this.readEntry(client, found.dn));
      if (!entry) return { ok: false, code: 'INVALID_CREDENTIALS' };
      const groups = settings.groupSearch ? await this.searchGroups(client, found.dn) : allValues(entry[settings.memberOfAttribute]);
      const mapped = mapGroups(groups, settings.groups, sameDn);
      if (!mapped) return { ok: false, code: 'SSO_NO_ROLE' };
      const displayName = (firstValue(entry[settings.nameAttribute]) ?? username).trim().slice(0, 40) || username;
      return { ok: true, identity: { source: 'ldap', username, displayName, ...mapped } };
    } catch (error) {
      // A directory that answers with a result code (other than the password) is reachable but refused the
      // lookup: a configuration problem. Anything else (refused connection, timeout, TLS) is the directory being down.
      if (error instanceof ResultCodeError) return { ok: false, code: 'SSO_FAILED' };
      return { ok: false, code: 'DIRECTORY_UNAVAILABLE' };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** The user's DN: from the template, or found by the (service-bound or anonymous) search. */
  private async findUser(client: Client, username: string): Promise<{ dn: string; entry?: Record<string, unknown> } | null> {
    const { settings } = this;
    if (settings.userDnTemplate) return { dn: settings.userDnTemplate.replaceAll('{username}', escapeDnValue(username)) };
    if (settings.bindDn) await client.bind(settings.bindDn, settings.bindPassword ?? '');
    return this.searchUser(client, username);
  }

  private async searchUser(client: Client, username: string): Promise<{ dn: string; entry: Record<string, unknown> } | null> {
    const { settings } = this;
    const filter = settings.userFilter!.replaceAll('{username}', escapeFilterValue(username));
    const { searchEntries } = await client.search(settings.baseDn, {
      scope: 'sub',
      filter,
      sizeLimit: 2,
      attributes: ['dn', settings.nameAttribute, settings.memberOfAttribute],
    });
    // Two entries for one name is a directory the filter does not fit: nobody is let in by guesswork.
    if (searchEntries.length !== 1) return null;
    return { dn: searchEntries[0]!.dn, entry: searchEntries[0] as Record<string, unknown> };
  }

  private async readEntry(client: Client, dn: string): Promise<Record<string, unknown> | null> {
    const { settings } = this;
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [settings.nameAttribute, settings.memberOfAttribute] });
    return (searchEntries[0] as Record<string, unknown> | undefined) ?? null;
  }

  private async searchGroups(client: Client, userDn: string): Promise<string[]> {
    const search = this.settings.groupSearch!;
    const { searchEntries } = await client.search(search.baseDn, {
      scope: 'sub',
      filter: search.filter.replaceAll('{dn}', escapeFilterValue(userDn)),
      attributes: ['dn'],
      sizeLimit: 500,
    });
    return searchEntries.map((entry) => entry.dn);
  }
}
