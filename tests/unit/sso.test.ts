/** The pure parts of staff single sign-on (server/auth/sso): group mapping, LDAP escaping, the local-password rule, the bounded maps. */
import { describe, expect, it } from 'vitest';
import { BoundedExpiringMap } from '../../server/store/boundedMap.js';
import { localPasswordAllowed } from '../../server/auth/sso/directoryAccounts.js';
import { escapeDnValue, escapeFilterValue } from '../../server/auth/sso/ldap.js';
import { type SsoSettings, mapGroups, parseSsoSettings } from '../../server/auth/sso/settings.js';
import type { UserRecord } from '../../server/store/port.js';

const mappings = [
  { group: 'clerks', role: 'clerk' as const, halls: ['a'] },
  { group: 'supervisors', role: 'supervisor' as const, halls: ['a', 'b'] },
  { group: 'it', role: 'admin' as const, halls: ['*'] },
];

describe('group mapping', () => {
  it('gives the highest role and the halls of every matched group', () => {
    expect(mapGroups(['clerks'], mappings)).toEqual({ role: 'clerk', hallIds: ['a'] });
    expect(mapGroups(['clerks', 'supervisors', 'other'], mappings)).toEqual({ role: 'supervisor', hallIds: ['a', 'b'] });
    expect(mapGroups(['clerks', 'it'], mappings)).toEqual({ role: 'admin', hallIds: ['*'] });
  });
  it('is null for no mapped group, and exact unless told otherwise', () => {
    expect(mapGroups([], mappings)).toBeNull();
    expect(mapGroups(['Clerks'], mappings)).toBeNull();
    expect(mapGroups(['Clerks'], mappings, (x, y) => x.toLowerCase() === y.toLowerCase())).toEqual({ role: 'clerk', hallIds: ['a'] });
  });
});

describe('LDAP escaping', () => {
  it('keeps a user name from widening a filter', () => {
    expect(escapeFilterValue('*')).toBe('\\2a');
    expect(escapeFilterValue('x)(uid=*')).toBe('x\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b')).toBe('a\\5cb');
  });
  it('keeps a user name from naming another entry', () => {
    expect(escapeDnValue('x,ou=admins')).toBe('x\\,ou\\=admins');
    expect(escapeDnValue('#x ')).toBe('\\#x\\ ');
    expect(escapeDnValue('wang.fang')).toBe('wang.fang');
  });
});

describe('the local-password rule', () => {
  const user = (username: string, hallIds: string[]): UserRecord => ({ id: username, username, displayName: username, role: 'clerk', hallIds, passwordHash: '', disabled: false, createdAt: 0 });
  const settings = parseSsoSettings({ ldap: { url: 'ldap://x', baseDn: 'dc=x', userDnTemplate: 'uid={username}', groups: [{ group: 'g', role: 'clerk', halls: ['a'] }] } }, {});
  it('allows everyone while local passwords are on', () => {
    expect(localPasswordAllowed(user('c', ['a']), true, settings)).toBe(true);
  });
  it('when off: admin and halls without a directory keep it, directory halls do not', () => {
    expect(localPasswordAllowed(user('admin', ['*']), false, settings)).toBe(true);
    expect(localPasswordAllowed(user('c', ['a']), false, settings)).toBe(false);
    expect(localPasswordAllowed(user('c', ['a', 'z']), false, settings)).toBe(false);
    expect(localPasswordAllowed(user('c', ['z']), false, settings)).toBe(true);
    expect(localPasswordAllowed(user('c', ['*']), false, settings)).toBe(false);
  });
  it('when off and a mapping covers every hall, only admin keeps it; with no directory at all, everyone does', () => {
    const everyHall: SsoSettings = { ...settings, ldap: { ...settings.ldap!, groups: [{ group: 'g', role: 'clerk', halls: ['*'] }] } };
    expect(localPasswordAllowed(user('c', ['z']), false, everyHall)).toBe(false);
    expect(localPasswordAllowed(user('admin', ['*']), false, everyHall)).toBe(true);
    expect(localPasswordAllowed(user('c', ['z']), false, {})).toBe(true);
  });
});

describe('settings file', () => {
  it('needs a client secret from the file or HALLQ_OIDC_CLIENT_SECRET, and an http(s) issuer', () => {
    const oidc = { issuer: 'https://sso.example/realms/x', clientId: 'hallq', redirectBase: 'https://hallq.example/', groups: mappings };
    expect(() => parseSsoSettings({ oidc }, {})).toThrow(/clientSecret/);
    expect(parseSsoSettings({ oidc }, { HALLQ_OIDC_CLIENT_SECRET: 's' }).oidc).toMatchObject({ clientSecret: 's', redirectBase: 'https://hallq.example', groupsClaim: 'groups' });
    expect(() => parseSsoSettings({ oidc: { ...oidc, issuer: 'ftp://x' } }, { HALLQ_OIDC_CLIENT_SECRET: 's' })).toThrow(/oidc\.issuer/);
    expect(() => parseSsoSettings({ oidc, extra: 1 }, { HALLQ_OIDC_CLIENT_SECRET: 's' })).toThrow(/Unrecognized key/);
  });
});

describe('bounded expiring map', () => {
  it('gives a value once, forgets it after its time, and drops the oldest when full', () => {
    let now = 0;
    const map = new BoundedExpiringMap<number>(2, 100, () => now);
    map.set('a', 1);
    expect(map.take('a')).toBe(1);
    expect(map.take('a')).toBeUndefined();
    map.set('b', 2);
    now = 150;
    expect(map.take('b')).toBeUndefined();
    map.set('c', 3);
    map.set('d', 4);
    map.set('e', 5);
    expect(map.size).toBe(2);
    expect(map.take('c')).toBeUndefined();
    expect(map.take('e')).toBe(5);
  });
});
