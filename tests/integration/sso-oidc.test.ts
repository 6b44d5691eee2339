/**
 * Staff login through a real OpenID provider (issue 19): oidc-provider started here on a free
 * port, driven over HTTP as a browser would (redirects, cookies, its login and consent forms), to
 * HallQ's callback and the one-time code the app trades for its token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcBrowser } from '../helpers/oidcBrowser.js';
import { type TestProvider, freePort, oidcSettingsFile, startProvider } from '../helpers/oidcProvider.js';
import { DEMO, type TestServer, errorCodeOf, freshIp, startTestServer } from '../helpers/testServer.js';

const accounts = {
  'wang.fang': { name: '王芳', groups: ['/hallq/clerks'] },
  'li.qiang': { name: '李强', groups: ['/hallq/supervisors', '/hallq/clerks'] },
  'zhao.min': { name: '赵敏', groups: ['/finance'] },
  // The provider has an "admin" too: it must not become HallQ's built-in admin.
  admin: { name: '目录管理员', groups: ['/hallq/supervisors'] },
};
const mapping = [
  { group: '/hallq/clerks', role: 'clerk', halls: [DEMO] },
  { group: '/hallq/supervisors', role: 'supervisor', halls: [DEMO, 'other-hall'] },
];

/** Each browser of these tests comes from an address of its own, so the per-address login limit counts it apart. */
class Browser extends OidcBrowser {
  constructor() {
    super(freshIp());
  }
}

let provider: TestProvider;
let t: TestServer;
let settings: { remove(): void };

beforeAll(async () => {
  const [providerPort, hallqPort] = [await freePort(), await freePort()];
  const hallqUrl = `http://127.0.0.1:${hallqPort}`;
  provider = await startProvider(providerPort, `${hallqUrl}/api/auth/oidc/callback`, accounts);
  const file = oidcSettingsFile(provider.issuer, hallqUrl, mapping);
  settings = file;
  t = await startTestServer({ port: hallqPort, ssoConfigFile: file.file });
}, 30_000);
afterAll(async () => {
  await t?.close();
  await provider?.close();
  settings?.remove();
});

/** From 「统一身份认证登录」 to back at the app: the provider's login page, then its consent page. */
async function signIn(browser: Browser, login: string, start = `${t.url}/api/auth/oidc/start?hall=${DEMO}`): Promise<URL> {
  const loginPage = await browser.follow(start, t.url);
  expect(loginPage.response.status).toBe(200);
  expect(await loginPage.response.clone().text()).toContain('name="login"');
  const consent = await browser.submit(loginPage.url, await loginPage.response.text(), { login, password: 'any' }, t.url);
  let back = consent;
  if (!consent.url.startsWith(t.url)) {
    expect(await consent.response.clone().text()).toContain('value="consent"');
    back = await browser.submit(consent.url, await consent.response.text(), {}, t.url);
  }
  // Now at HallQ's callback; it sends the browser on to the app.
  const app = await browser.follow(back.url, `${t.url}/counter`);
  return new URL(app.url);
}

const exchange = (code: string) => t.api('POST', '/api/auth/sso/exchange', { body: { code }, ip: freshIp() });

describe('OIDC login', () => {
  it('the public methods endpoint offers single sign-on', async () => {
    expect((await t.api('GET', '/api/auth/methods')).body).toEqual({ password: true, oidc: true, ldap: false });
  });

  it('a clerk signs in at the provider and the app gets a normal HallQ staff token with the mapped role and halls', async () => {
    const app = await signIn(new Browser(), 'wang.fang');
    expect(app.pathname).toBe('/counter/');
    expect(app.searchParams.get('hall')).toBe(DEMO);
    const code = /^#sso=([A-Za-z0-9_-]+)$/.exec(app.hash)?.[1];
    expect(code).toBeDefined();
    const answer = await exchange(code!);
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ username: 'wang.fang', displayName: '王芳', role: 'clerk', hallIds: [DEMO] });
    expect((await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: answer.body.token })).status).toBe(200);
    expect(await t.server.store.accounts.findUserByUsername('wang.fang')).toMatchObject({ source: 'oidc', role: 'clerk' });
    // The code is good once.
    expect(errorCodeOf(await exchange(code!))).toBe('SSO_STATE_INVALID');
  });

  it('someone in both groups gets the higher role and both halls; the English page stays English', async () => {
    const app = await signIn(new Browser(), 'li.qiang', `${t.url}/api/auth/oidc/start?hall=${DEMO}&lang=en&page=supervisor`);
    expect(app.pathname).toBe('/counter/supervisor');
    expect(app.searchParams.get('lang')).toBe('en');
    const answer = await exchange(app.hash.slice('#sso='.length));
    expect(answer.body.user).toMatchObject({ role: 'supervisor', hallIds: [DEMO, 'other-hall'] });
  });

  it('a user in no mapped group comes back with SSO_NO_ROLE and no account', async () => {
    const app = await signIn(new Browser(), 'zhao.min');
    expect(app.hash).toBe('#sso-error=SSO_NO_ROLE');
    expect(await t.server.store.accounts.findUserByUsername('zhao.min')).toBeNull();
  });

  it('the provider\'s "admin" is refused (SSO_FAILED): the built-in admin is HallQ\'s own and keeps its password', async () => {
    const before = await t.server.store.accounts.findUserByUsername('admin');
    const app = await signIn(new Browser(), 'admin');
    expect(app.hash).toBe('#sso-error=SSO_FAILED');
    expect(await t.server.store.accounts.findUserByUsername('admin')).toEqual(before);
    expect(before!.source).toBeUndefined();
    expect(await t.login('admin')).toEqual(expect.any(String));
  });

  it('cancelling at the provider comes back as SSO_CANCELLED', async () => {
    const browser = new Browser();
    const loginPage = await browser.follow(`${t.url}/api/auth/oidc/start?hall=${DEMO}`, t.url);
    const abort = /<a href="([^"]+)">\[ Cancel \]/.exec(await loginPage.response.text())![1]!;
    const back = await browser.follow(new URL(abort, loginPage.url).href, t.url);
    const app = await browser.follow(back.url, `${t.url}/counter`);
    expect(new URL(app.url).hash).toBe('#sso-error=SSO_CANCELLED');
  });

  it('a callback whose state this browser was not given is refused (SSO_STATE_INVALID), and so is a replayed one', async () => {
    const victim = new Browser();
    const attacker = new Browser();
    const loginPage = await attacker.follow(`${t.url}/api/auth/oidc/start?hall=${DEMO}`, t.url);
    const consent = await attacker.submit(loginPage.url, await loginPage.response.text(), { login: 'wang.fang', password: 'x' }, t.url);
    const callback = consent.url.startsWith(t.url) ? consent.url : (await attacker.submit(consent.url, await consent.response.text(), {}, t.url)).url;
    expect(callback).toContain('/api/auth/oidc/callback?');
    // The attacker's callback link opened in someone else's browser: no login for them.
    const planted = await victim.follow(callback, `${t.url}/counter`);
    expect(new URL(planted.url).hash).toBe('#sso-error=SSO_STATE_INVALID');
    // A made-up state, and no state at all.
    expect(new URL((await new Browser().follow(`${t.url}/api/auth/oidc/callback?code=x&state=made-up`, `${t.url}/counter`)).url).hash).toBe('#sso-error=SSO_STATE_INVALID');
    expect(new URL((await new Browser().follow(`${t.url}/api/auth/oidc/callback`, `${t.url}/counter`)).url).hash).toBe('#sso-error=SSO_STATE_INVALID');
  });

  it('refuses bad input to the start and the exchange without a crash', async () => {
    expect(errorCodeOf(await t.api('GET', '/api/auth/oidc/start?hall=../../evil'))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('GET', '/api/auth/oidc/start?page=https://evil.example'))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('POST', '/api/auth/sso/exchange', { body: { code: 'short' }, ip: freshIp() }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await t.api('POST', '/api/auth/sso/exchange', { body: { code: 'a'.repeat(43), extra: 1 }, ip: freshIp() }))).toBe('VALIDATION_FAILED');
    expect(errorCodeOf(await exchange('a'.repeat(43)))).toBe('SSO_STATE_INVALID');
  });

  it('starting logins is rate-limited per address like password logins, and the state cookie is HttpOnly and scoped', async () => {
    const ip = freshIp();
    const starts: Response[] = [];
    for (let i = 0; i < 11; i++) starts.push(await fetch(`${t.url}/api/auth/oidc/start?hall=${DEMO}`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } }));
    expect(starts[0]!.headers.get('location')).toMatch(new RegExp(`^${provider.issuer}/`));
    const cookie = starts[0]!.headers.getSetCookie().find((line) => line.startsWith('hq_oidc_state='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth\/oidc/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(starts[10]!.headers.get('location')).toBe(`/counter/?hall=${DEMO}#sso-error=RATE_LIMITED`);
  });

  it('a HallQ-disabled account stays refused after a good provider login', async () => {
    const first = await exchange((await signIn(new Browser(), 'wang.fang')).hash.slice('#sso='.length));
    // A login finished but its code not yet traded when the account is disabled.
    const waiting = (await signIn(new Browser(), 'wang.fang')).hash.slice('#sso='.length);
    const admin = await t.login('admin');
    expect((await t.api('PATCH', `/api/users/${first.body.user.id}`, { token: admin, body: { disabled: true } })).status).toBe(200);
    expect((await signIn(new Browser(), 'wang.fang')).hash).toBe('#sso-error=ACCOUNT_DISABLED');
    const late = await exchange(waiting);
    expect(late.status).toBe(403);
    expect(errorCodeOf(late)).toBe('ACCOUNT_DISABLED');
    expect(late.body.token).toBeUndefined();
    await t.api('PATCH', `/api/users/${first.body.user.id}`, { token: admin, body: { disabled: false } });
  });
});

describe('OIDC provider down', () => {
  it('a provider that goes down during a login: the callback sends the browser back with SSO_UNAVAILABLE and makes no account', async () => {
    const [providerPort, hallqPort] = [await freePort(), await freePort()];
    const hallqUrl = `http://127.0.0.1:${hallqPort}`;
    const going = await startProvider(providerPort, `${hallqUrl}/api/auth/oidc/callback`, accounts);
    const file = oidcSettingsFile(going.issuer, hallqUrl, mapping);
    const server = await startTestServer({ port: hallqPort, ssoConfigFile: file.file });
    let closed = false;
    try {
      const browser = new Browser();
      const loginPage = await browser.follow(`${hallqUrl}/api/auth/oidc/start?hall=${DEMO}`, hallqUrl);
      const consent = await browser.submit(loginPage.url, await loginPage.response.text(), { login: 'wang.fang', password: 'any' }, hallqUrl);
      const callback = consent.url.startsWith(hallqUrl) ? consent.url : (await browser.submit(consent.url, await consent.response.text(), {}, hallqUrl)).url;
      expect(callback).toContain('/api/auth/oidc/callback?');
      // Back from the provider with a code, but the provider is gone before HallQ can trade it.
      await going.close();
      closed = true;
      const app = await browser.follow(callback, `${hallqUrl}/counter`);
      expect(new URL(app.url).hash).toBe('#sso-error=SSO_UNAVAILABLE');
      expect(await server.server.store.accounts.findUserByUsername('wang.fang')).toBeNull();
    } finally {
      await server.close();
      if (!closed) await going.close();
      file.remove();
    }
  });

  it('the start sends the browser back with SSO_UNAVAILABLE and a Chinese message exists for it', async () => {
    const [closedPort, hallqPort] = [await freePort(), await freePort()];
    const file = oidcSettingsFile(`http://127.0.0.1:${closedPort}`, `http://127.0.0.1:${hallqPort}`, mapping);
    const down = await startTestServer({ port: hallqPort, ssoConfigFile: file.file });
    try {
      const answer = await fetch(`${down.url}/api/auth/oidc/start?hall=${DEMO}`, { redirect: 'manual' });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe(`/counter/?hall=${DEMO}#sso-error=SSO_UNAVAILABLE`);
      const { messageFor } = await import('../../server/protocol/messages.js');
      expect(messageFor('SSO_UNAVAILABLE')).toMatch(/统一身份认证服务暂时无法连接/);
    } finally {
      await down.close();
      file.remove();
    }
  });
});
