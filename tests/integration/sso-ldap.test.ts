/**
 * Staff login against a real LDAP directory (issue 19): Debian's slapd, started here on a free port
 * with its own config and seed. Two HallQ servers use it two ways: a DN template with a group
 * search (OpenLDAP style), and a service-bound user search with memberOf (AD style).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Attribute, Change, Client } from 'ldapts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSlapd } from '../helpers/requirements.js';
import { MANAGER_DN, MANAGER_PASSWORD, SUFFIX, type Slapd, freePort, groupDn, personDn, seed, startSlapd } from '../helpers/slapd.js';
import { DEMO, DEMO_PASSWORD, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

const people = [
  { uid: 'wang.fang', cn: '王芳', password: 'wang-pass-1' },
  { uid: 'li.qiang', cn: '李强', password: 'li-pass-1' },
  { uid: 'zhao.min', cn: '赵敏', password: 'zhao-pass-1' },
  { uid: 'chen.jie', cn: '陈杰', password: 'chen-pass-1' },
  // Moved between groups and renamed in the directory by one test.
  { uid: 'sun.li', cn: '孙丽', password: 'sun-pass-1' },
];
const groups = {
  'hallq-clerks': ['wang.fang', 'chen.jie', 'sun.li'],
  'hallq-supervisors': ['li.qiang'],
  // 赵敏 is in the directory but in no group HallQ maps.
  'finance-office': ['zhao.min'],
};
const mapping = [
  { group: groupDn('hallq-clerks'), role: 'clerk', halls: [DEMO] },
  // Upper case on purpose: DNs compare case-insensitively.
  { group: groupDn('HALLQ-SUPERVISORS'), role: 'supervisor', halls: [DEMO, 'other-hall'] },
];

const run = hasSlapd();
let slapd: Slapd;
let dir: string;
let t: TestServer;
let searchServer: TestServer;

function settingsFile(name: string, ldap: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ldap: { groups: mapping, timeoutMs: 2000, ...ldap } }));
  return file;
}

const login = (server: TestServer, username: string, password: string) =>
  server.api('POST', '/api/auth/login', { body: { username, password }, ip: freshIp() });

describe.runIf(run)('LDAP login against slapd', () => {
  beforeAll(async () => {
    slapd = await startSlapd();
    await seed(slapd.url, people, groups);
    dir = mkdtempSync(join(tmpdir(), 'hallq-sso-ldap-'));
    t = await startTestServer({
      ssoConfigFile: settingsFile('template', {
        url: slapd.url,
        baseDn: SUFFIX,
        userDnTemplate: `uid={username},ou=people,${SUFFIX}`,
        groupSearch: { baseDn: `ou=groups,${SUFFIX}`, filter: '(&(objectClass=groupOfNames)(member={dn}))' },
      }),
    });
    searchServer = await startTestServer({
      ssoConfigFile: settingsFile('search', {
        url: slapd.url,
        baseDn: `ou=people,${SUFFIX}`,
        userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
        bindDn: MANAGER_DN,
        bindPassword: MANAGER_PASSWORD,
      }),
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await searchServer?.close();
    await slapd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says which login methods exist', async () => {
    expect((await t.api('GET', '/api/auth/methods')).body).toEqual({ password: true, oidc: false, ldap: true });
  });

  it('a directory clerk signs in with the directory password and gets the mapped role and halls; the record is created', async () => {
    const answer = await login(t, 'wang.fang', 'wang-pass-1');
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ username: 'wang.fang', displayName: '王芳', role: 'clerk', hallIds: [DEMO] });
    const me = await t.api('GET', '/api/auth/me', { token: answer.body.token });
    expect(me.body.user.role).toBe('clerk');
    const record = await t.server.store.accounts.findUserByUsername('wang.fang');
    expect(record).toMatchObject({ source: 'ldap', role: 'clerk', hallIds: [DEMO] });
    // The directory's password is never stored in HallQ, hashed or not.
    expect(record!.passwordHash).not.toMatch(/^scrypt\$/);
    // The token works for the hall it maps to.
    expect((await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: answer.body.token })).status).toBe(200);
  });

  it('a supervisor group member becomes a supervisor of both mapped halls (group DNs match whatever their case)', async () => {
    const answer = await login(t, 'li.qiang', 'li-pass-1');
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ role: 'supervisor', hallIds: [DEMO, 'other-hall'] });
  });

  it('a wrong password and an unknown user are both 用户名或密码错误, and create no account', async () => {
    const wrong = await login(t, 'wang.fang', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'INVALID_CREDENTIALS', message: '用户名或密码错误。' });
    const unknown = await login(t, 'nobody.here', 'whatever-1');
    expect(unknown.status).toBe(401);
    expect(errorCodeOf(unknown)).toBe('INVALID_CREDENTIALS');
    expect(await t.server.store.accounts.findUserByUsername('nobody.here')).toBeNull();
  });

  it('a user in no mapped group is told so (SSO_NO_ROLE) and gets no account', async () => {
    const answer = await login(t, 'zhao.min', 'zhao-pass-1');
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('SSO_NO_ROLE');
    expect(answer.body.error.message).toMatch(/不在任何已授权使用 HallQ 的用户组中/);
    expect(await t.server.store.accounts.findUserByUsername('zhao.min')).toBeNull();
  });

  it('a user disabled in HallQ stays refused although the directory accepts the password', async () => {
    const first = await login(t, 'chen.jie', 'chen-pass-1');
    expect(first.status).toBe(200);
    const admin = await t.login('admin');
    expect((await t.api('PATCH', `/api/users/${first.body.user.id}`, { token: admin, body: { disabled: true } })).status).toBe(200);
    const again = await login(t, 'chen.jie', 'chen-pass-1');
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await t.server.store.accounts.findUserByUsername('chen.jie'))!.disabled).toBe(true);
  });

  it('the record follows the directory at every login: a new group and name change role, halls and name, and end the older sessions', async () => {
    const first = await login(t, 'sun.li', 'sun-pass-1');
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ displayName: '孙丽', role: 'clerk', hallIds: [DEMO] });
    const id = first.body.user.id;
    // The directory's administrator moves her to the supervisors and corrects her name.
    const directory = new Client({ url: slapd.url });
    try {
      await directory.bind(MANAGER_DN, MANAGER_PASSWORD);
      await directory.modify(groupDn('hallq-clerks'), new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [personDn('sun.li')] }) }));
      await directory.modify(groupDn('hallq-supervisors'), new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [personDn('sun.li')] }) }));
      await directory.modify(personDn('sun.li'), new Change({ operation: 'replace', modification: new Attribute({ type: 'cn', values: ['孙莉'] }) }));
    } finally {
      await directory.unbind();
    }
    const again = await login(t, 'sun.li', 'sun-pass-1');
    expect(again.status).toBe(200);
    // The same HallQ account, brought up to date.
    expect(again.body.user).toMatchObject({ id, displayName: '孙莉', role: 'supervisor', hallIds: [DEMO, 'other-hall'] });
    expect(await t.server.store.accounts.findUserByUsername('sun.li')).toMatchObject({ id, displayName: '孙莉', role: 'supervisor', hallIds: [DEMO, 'other-hall'], source: 'ldap' });
    // The token issued as a clerk no longer works; the new one does.
    expect(errorCodeOf(await t.api('GET', '/api/auth/me', { token: first.body.token }))).toBe('UNAUTHENTICATED');
    expect((await t.api('GET', '/api/auth/me', { token: again.body.token })).body.user).toMatchObject({ id, role: 'supervisor' });
  });

  it('a service account the directory refuses is a set-up problem (SSO_FAILED), not the user\'s wrong password, and creates nobody', async () => {
    const misconfigured = await startTestServer({
      ssoConfigFile: settingsFile('bad-service', {
        url: slapd.url,
        baseDn: `ou=people,${SUFFIX}`,
        userFilter: '(uid={username})',
        bindDn: MANAGER_DN,
        bindPassword: 'not-the-manager-password',
      }),
    });
    try {
      const answer = await login(misconfigured, 'wang.fang', 'wang-pass-1');
      expect(answer.status).toBe(401);
      expect(answer.body.error).toEqual({ code: 'SSO_FAILED', message: '统一身份认证登录没有成功，请重新点击“统一身份认证登录”；多次失败请联系信息中心。' });
      expect(await misconfigured.server.store.accounts.findUserByUsername('wang.fang')).toBeNull();
    } finally {
      await misconfigured.close();
    }
  });

  it('a server without OpenID Connect sends 「统一身份认证登录」 back to the app with SSO_NOT_CONFIGURED', async () => {
    for (const path of [`/api/auth/oidc/start?hall=${DEMO}&lang=en`, '/api/auth/oidc/callback?code=x&state=y']) {
      const answer = await fetch(`${t.url}${path}`, { redirect: 'manual' });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(path.includes('start') ? `/counter/?hall=${DEMO}&lang=en#sso-error=SSO_NOT_CONFIGURED` : '/counter/#sso-error=SSO_NOT_CONFIGURED');
    }
    const { messageFor } = await import('../../server/protocol/messages.js');
    expect(messageFor('SSO_NOT_CONFIGURED')).toMatch(/没有配置统一身份认证登录/);
  });

  it('the AD-style set-up (service bind, user search, memberOf) maps the same people the same way', async () => {
    const clerk = await login(searchServer, 'wang.fang', 'wang-pass-1');
    expect(clerk.status).toBe(200);
    expect(clerk.body.user).toMatchObject({ role: 'clerk', hallIds: [DEMO] });
    expect((await login(searchServer, 'li.qiang', 'li-pass-1')).body.user.role).toBe('supervisor');
    expect(errorCodeOf(await login(searchServer, 'zhao.min', 'zhao-pass-1'))).toBe('SSO_NO_ROLE');
    expect(errorCodeOf(await login(searchServer, 'wang.fang', 'wrong-pass-1'))).toBe('INVALID_CREDENTIALS');
    // A filter wildcard in the name finds nobody (it is escaped), rather than the first entry.
    expect(errorCodeOf(await login(searchServer, '*', 'wang-pass-1'))).toBe('INVALID_CREDENTIALS');
    expect(errorCodeOf(await login(searchServer, 'wang*', 'wang-pass-1'))).toBe('INVALID_CREDENTIALS');
  });

  it('binding by template and finding the entry by filter as the person (no service account) reads memberOf', async () => {
    const own = await startTestServer({
      ssoConfigFile: settingsFile('own-search', {
        url: slapd.url,
        baseDn: `ou=people,${SUFFIX}`,
        userDnTemplate: `uid={username},ou=people,${SUFFIX}`,
        userFilter: '(uid={username})',
      }),
    });
    try {
      expect((await login(own, 'li.qiang', 'li-pass-1')).body.user).toMatchObject({ role: 'supervisor', displayName: '李强' });
      expect(errorCodeOf(await login(own, 'li.qiang', 'li-pass-2'))).toBe('INVALID_CREDENTIALS');
    } finally {
      await own.close();
    }
  });

  it('local passwords turned off: directory halls must use the directory, admin keeps its password', async () => {
    const admin = await t.login('admin');
    // Only an administrator may change it; bad input changes nothing.
    const clerkToken = (await login(t, 'clerk1', DEMO_PASSWORD)).body.token;
    expect(errorCodeOf(await t.api('PUT', '/api/auth/settings', { token: clerkToken, body: { localLogin: false } }))).toBe('FORBIDDEN');
    expect(errorCodeOf(await t.api('PUT', '/api/auth/settings', { body: { localLogin: false } }))).toBe('UNAUTHENTICATED');
    expect(errorCodeOf(await t.api('PUT', '/api/auth/settings', { token: admin, body: { localLogin: 'no' } }))).toBe('VALIDATION_FAILED');
    expect((await t.api('GET', '/api/auth/settings', { token: admin })).body.localLogin).toBe(true);

    expect((await t.api('PUT', '/api/auth/settings', { token: admin, body: { localLogin: false } })).body.localLogin).toBe(false);
    const local = await login(t, 'clerk1', DEMO_PASSWORD);
    expect(local.status).toBe(403);
    expect(local.body.error).toEqual({ code: 'LOCAL_LOGIN_DISABLED', message: '本系统已关闭本地密码登录，请使用统一身份认证账号登录。' });
    // A wrong local password still says only "wrong", whatever the setting.
    expect(errorCodeOf(await login(t, 'clerk1', 'wrong-password'))).toBe('INVALID_CREDENTIALS');
    expect((await login(t, 'admin', 'test-admin-secret')).status).toBe(200);
    expect((await login(t, 'wang.fang', 'wang-pass-1')).status).toBe(200);

    // A local account of a hall no directory covers keeps its password.
    const created = await t.api('POST', '/api/users', {
      token: admin,
      body: { username: 'town-clerk', password: 'town-pass-123', displayName: '周琳', role: 'clerk', hallIds: ['far-town'] },
    });
    expect(created.status).toBe(201);
    expect((await login(t, 'town-clerk', 'town-pass-123')).status).toBe(200);

    await t.api('PUT', '/api/auth/settings', { token: admin, body: { localLogin: true } });
    expect((await login(t, 'clerk1', DEMO_PASSWORD)).status).toBe(200);
  });

  it('a directory that is down gives DIRECTORY_UNAVAILABLE, not a wrong password', async () => {
    const closedPort = await freePort();
    const down = await startTestServer({
      ssoConfigFile: settingsFile('down', { url: `ldap://127.0.0.1:${closedPort}`, baseDn: SUFFIX, userDnTemplate: `uid={username},ou=people,${SUFFIX}` }),
    });
    try {
      const answer = await login(down, 'wang.fang', 'wang-pass-1');
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('DIRECTORY_UNAVAILABLE');
      expect(answer.body.error.message).toMatch(/暂时无法连接/);
      expect(await down.server.store.accounts.findUserByUsername('wang.fang')).toBeNull();
      // Local accounts are unaffected.
      expect((await login(down, 'clerk1', DEMO_PASSWORD)).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});

describe('LDAP settings file', () => {
  it('refuses a mapping to an unknown role, naming the field', async () => {
    const { parseSsoSettings } = await import('../../server/auth/sso/settings.js');
    expect(() => parseSsoSettings({ ldap: { url: 'ldap://x', baseDn: 'dc=x', userDnTemplate: 'uid={username}', groups: [{ group: 'g', role: 'root', halls: ['demo'] }] } }, {})).toThrow(/ldap\.groups\.0\.role/);
    expect(() => parseSsoSettings({ ldap: { url: 'http://x', baseDn: 'dc=x', userDnTemplate: 'uid={username}', groups: [] } }, {})).toThrow(/ldap\.url/);
  });

  it('a settings file that is missing or not JSON stops the start, naming the file', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'hallq-sso-bad-'));
    try {
      writeFileSync(join(bad, 'sso.json'), '{ not json');
      await expect(startTestServer({ ssoConfigFile: join(bad, 'sso.json') })).rejects.toThrow(/cannot read the SSO settings file .*sso\.json/);
      await expect(startTestServer({ ssoConfigFile: join(bad, 'missing.json') })).rejects.toThrow(/missing\.json/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
