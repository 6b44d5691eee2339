/**
 * Single sign-on with several HallQ processes on one Redis (issue 19): a login started on one
 * process comes back to another and its code is traded at a third place, as a load balancer
 * without sticky sessions would send them. Real processes (server/main.ts), a real redis-server,
 * a real OpenID provider (oidc-provider), and a proxy in front that the test points at process A
 * or B request by request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';
import { type DirectedProxy, startDirectedProxy } from '../helpers/directedProxy.js';
import { OidcBrowser } from '../helpers/oidcBrowser.js';
import { type TestProvider, oidcSettingsFile, startProvider } from '../helpers/oidcProvider.js';
import { hasRedis } from '../helpers/requirements.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';

const HALL = 'demo';
const accounts = {
  'wang.fang': { name: '王芳', groups: ['/hallq/clerks'] },
  'li.qiang': { name: '李强', groups: ['/hallq/supervisors'] },
};
const mapping = [
  { group: '/hallq/clerks', role: 'clerk', halls: [HALL] },
  { group: '/hallq/supervisors', role: 'supervisor', halls: [HALL] },
];
const A = 0;
const B = 1;

let addresses = 0;
/** A browser from an address of its own, so the per-address login limit counts each apart. */
const newBrowser = () => new OidcBrowser(`10.19.${(++addresses >> 8) & 255}.${addresses & 255}`);

describe.runIf(hasRedis())('OIDC login across two processes on Redis', () => {
  let redis: TestRedis;
  let provider: TestProvider;
  let proxy: DirectedProxy;
  let settings: { file: string; remove(): void };
  let dataDir: string;
  const servers: ChildServer[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    // With its AOF (the default): the test stops Redis and starts it again, data kept.
    redis = await startTestRedis();
    ports.push(await freePort(), await freePort());
    // The proxy is HallQ's public address: the callback registered at the provider is on it.
    proxy = await startDirectedProxy(() => ports);
    provider = await startProvider(await freePort(), `${proxy.url}/api/auth/oidc/callback`, accounts);
    settings = oidcSettingsFile(provider.issuer, proxy.url, mapping);
    dataDir = mkdtempSync(join(tmpdir(), 'hallq-sso-cluster-'));
    const env = { HALLQ_REDIS_URL: redis.url, HALLQ_SSO_CONFIG: settings.file, HALLQ_TRUST_PROXY: '1' };
    // One after the other: the first creates the admin and the demo hall.
    for (const port of ports) servers.push(await startChildServer({ port, dataDir, env }));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => killHard(server)));
    await proxy?.close();
    await provider?.close();
    await redis?.destroy();
    settings?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Started on A, signed in at the provider; returns the callback URL the provider sent the browser to. */
  async function startOnA(browser: OidcBrowser, login: string): Promise<string> {
    proxy.to(A);
    const callback = await browser.signInAtProvider(`${proxy.url}/api/auth/oidc/start?hall=${HALL}`, proxy.url, login);
    expect(callback).toContain('/api/auth/oidc/callback?');
    return callback;
  }

  /** The callback on `backend`: where the browser lands in the app, with #sso=… or #sso-error=…. */
  async function callbackOn(backend: number, browser: OidcBrowser, callback: string): Promise<URL> {
    proxy.to(backend);
    const app = await browser.follow(callback, `${proxy.url}/counter`);
    return new URL(app.url);
  }

  async function exchangeOn(backend: number, code: string, address = '10.19.200.1'): Promise<{ status: number; body: any }> {
    const response = await fetch(`http://127.0.0.1:${ports[backend]}/api/auth/sso/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ code }),
    });
    return { status: response.status, body: await response.json() };
  }

  const codeOf = (app: URL) => /^#sso=([A-Za-z0-9_-]+)$/.exec(app.hash)?.[1];

  it('started on A, back from the provider on B, the code traded on A: signed in, with a token both processes take', { timeout: 60_000 }, async () => {
    const browser = newBrowser();
    const served = proxy.served.length;
    const callback = await startOnA(browser, 'wang.fang');
    const app = await callbackOn(B, browser, callback);
    expect(app.pathname).toBe('/counter/');
    expect(app.searchParams.get('hall')).toBe(HALL);
    const code = codeOf(app);
    expect(code, app.hash).toBeDefined();
    // The proxy really sent the start to A and the callback to B.
    const mine = proxy.served.slice(served);
    expect(mine.find((entry) => entry.path === '/api/auth/oidc/start')?.backend).toBe(A);
    expect(mine.find((entry) => entry.path === '/api/auth/oidc/callback')?.backend).toBe(B);

    const answer = await exchangeOn(A, code!);
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ username: 'wang.fang', displayName: '王芳', role: 'clerk', hallIds: [HALL] });
    for (const port of ports) {
      const view = await fetch(`http://127.0.0.1:${port}/api/halls/${HALL}/staff-view`, { headers: { authorization: `Bearer ${answer.body.token}` } });
      expect(view.status).toBe(200);
    }
  });

  it('a code traded on both processes at once works once', { timeout: 60_000 }, async () => {
    const browser = newBrowser();
    const code = codeOf(await callbackOn(A, browser, await startOnA(browser, 'li.qiang')));
    expect(code).toBeDefined();
    const answers = await Promise.all([exchangeOn(A, code!), exchangeOn(B, code!)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    const refused = answers.find((answer) => answer.status === 400)!;
    expect(refused.body.error.code).toBe('SSO_STATE_INVALID');
    expect(answers.find((answer) => answer.status === 200)!.body.user).toMatchObject({ username: 'li.qiang', role: 'supervisor' });
  });

  it('a code traded on B and then again on A is refused the second time', { timeout: 60_000 }, async () => {
    const browser = newBrowser();
    const code = codeOf(await callbackOn(B, browser, await startOnA(browser, 'wang.fang')));
    expect((await exchangeOn(B, code!)).status).toBe(200);
    const again = await exchangeOn(A, code!);
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('SSO_STATE_INVALID');
  });

  it('a login comes back once: its callback replayed on the other process, with the same cookie, is refused', { timeout: 60_000 }, async () => {
    const browser = newBrowser();
    const callback = await startOnA(browser, 'wang.fang');
    const state = browser.cookie(proxy.url, 'hq_oidc_state');
    expect(state).toBeDefined();
    expect(codeOf(await callbackOn(B, browser, callback))).toBeDefined();
    proxy.to(A);
    const replay = await fetch(callback, { redirect: 'manual', headers: { cookie: `hq_oidc_state=${state}`, 'x-forwarded-for': browser.address } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toMatch(/#sso-error=SSO_STATE_INVALID$/);
  });

  it('a callback made for another browser is refused on the other process too', { timeout: 60_000 }, async () => {
    const attacker = newBrowser();
    const callback = await startOnA(attacker, 'wang.fang');
    const app = await callbackOn(B, newBrowser(), callback);
    expect(app.hash).toBe('#sso-error=SSO_STATE_INVALID');
  });

  // Last: it stops Redis.
  it('Redis down: the start and the callback send the browser back with STORE_UNAVAILABLE, the exchange answers it; then it works again', { timeout: 60_000 }, async () => {
    const browser = newBrowser();
    const callback = await startOnA(browser, 'wang.fang');
    await redis.stop();
    try {
      proxy.to(B);
      const start = await fetch(`${proxy.url}/api/auth/oidc/start?hall=${HALL}&lang=en`, { redirect: 'manual', headers: { 'x-forwarded-for': browser.address } });
      expect(start.status).toBe(303);
      expect(start.headers.get('location')).toBe(`/counter/?hall=${HALL}&lang=en#sso-error=STORE_UNAVAILABLE`);
      expect((await callbackOn(A, browser, callback)).hash).toBe('#sso-error=STORE_UNAVAILABLE');
      const exchange = await exchangeOn(B, 'a'.repeat(43));
      expect(exchange.status).toBe(503);
      expect(exchange.body.error.code).toBe('STORE_UNAVAILABLE');
    } finally {
      await redis.start();
    }
    // The processes reconnect by themselves; a new login then goes through, across them again.
    let answer: { status: number; body: any } | undefined;
    for (let attempt = 0; attempt < 100 && answer?.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        const again = newBrowser();
        const code = codeOf(await callbackOn(B, again, await startOnA(again, 'wang.fang')));
        if (code) answer = await exchangeOn(A, code);
      } catch {
        // not reconnected yet
      }
    }
    expect(answer?.status).toBe(200);
  });
});
