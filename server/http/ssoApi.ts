import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { StaffTokens } from '../auth/tokens.js';
import type { RateLimits } from '../app/rateLimits.js';
import type { ReturnTo } from '../auth/sso/oidc.js';
import type { SsoService } from '../auth/sso/service.js';
import { LOCAL_LOGIN_SETTING, localLoginEnabled } from '../auth/sso/directoryAccounts.js';
import type { ErrorCode } from '../protocol/errors.js';
import { type AccountStore, StoreError } from '../store/port.js';
import { cookieOf, principalOf, route, sendError, sendValidationError } from './support.js';
import { publicUser } from './usersApi.js';

export interface SsoApiDeps {
  sso: SsoService;
  tokens: StaffTokens;
  limits: RateLimits;
  accounts: AccountStore;
}

/** The browser's half of a login under way: the state, scoped to the callback, gone after ten minutes. */
const STATE_COOKIE = 'hq_oidc_state';
const STATE_COOKIE_PATH = '/api/auth/oidc';

const startQuery = z.strictObject({
  hall: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/).optional(),
  lang: z.enum(['zh', 'en']).optional(),
  page: z.enum(['counter', 'supervisor', 'admin']).optional(),
});
const exchangeBody = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/) });
const settingsBody = z.strictObject({ localLogin: z.boolean() });

const PAGES: Record<NonNullable<ReturnTo['page']>, string> = { counter: '/counter/', supervisor: '/counter/supervisor', admin: '/admin/' };

/**
 * Back to the app the login started from. The outcome rides in the fragment, which the browser
 * never sends to any server (nor in a Referer): a one-time code, or the code of what went wrong.
 */
function backToApp(res: Response, returnTo: ReturnTo, outcome: { code: string } | { error: ErrorCode }): void {
  const query = new URLSearchParams();
  if (returnTo.hallId) query.set('hall', returnTo.hallId);
  if (returnTo.lang) query.set('lang', returnTo.lang);
  const fragment = 'code' in outcome ? `sso=${outcome.code}` : `sso-error=${outcome.error}`;
  res.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH });
  res.set('Cache-Control', 'no-store');
  res.redirect(303, `${PAGES[returnTo.page ?? 'counter']}${query.size > 0 ? `?${query}` : ''}#${fragment}`);
}

export function mountSsoApi(api: Router, deps: SsoApiDeps): void {
  const { sso, tokens, limits, accounts } = deps;

  api.get(
    '/auth/methods',
    route(async (_req, res) => {
      res.json(sso.methods());
    }),
  );

  api.get(
    '/auth/oidc/start',
    route(async (req, res) => {
      const parsed = startQuery.safeParse(req.query);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const returnTo: ReturnTo = {
        ...(parsed.data.hall ? { hallId: parsed.data.hall } : {}),
        ...(parsed.data.lang ? { lang: parsed.data.lang } : {}),
        ...(parsed.data.page ? { page: parsed.data.page } : {}),
      };
      const oidc = sso.oidc;
      if (!oidc) return backToApp(res, returnTo, { error: 'SSO_NOT_CONFIGURED' });
      await backToAppIfStoreDown(res, returnTo, async () => {
        const rate = await limits.forLogin(req.ip ?? 'unknown', 'oidc:start');
        if (!rate.ok) return backToApp(res, returnTo, { error: 'RATE_LIMITED' });
        const started = await oidc.start(returnTo);
        if (!started.ok) return backToApp(res, returnTo, { error: started.code });
        res.cookie(STATE_COOKIE, started.state, { httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: 10 * 60_000, path: STATE_COOKIE_PATH });
        res.set('Cache-Control', 'no-store');
        res.redirect(303, started.url);
      });
    }),
  );

  api.get(
    '/auth/oidc/callback',
    route(async (req, res) => {
      const oidc = sso.oidc;
      if (!oidc) return backToApp(res, {}, { error: 'SSO_NOT_CONFIGURED' });
      const raw = req.originalUrl.indexOf('?');
      const query = new URLSearchParams(raw === -1 ? '' : req.originalUrl.slice(raw + 1).slice(0, 8192));
      const returnTo: ReturnTo = {};
      await backToAppIfStoreDown(res, returnTo, async () => {
        const finished = await oidc.finish(query, cookieOf(req.get('cookie'), STATE_COOKIE));
        Object.assign(returnTo, finished.returnTo);
        if (!finished.ok) return backToApp(res, returnTo, { error: finished.code });
        const login = await sso.directoryUser(finished.identity);
        if (!login.ok) return backToApp(res, returnTo, { error: login.code });
        backToApp(res, returnTo, { code: await sso.handOver({ userId: login.user.id }) });
      });
    }),
  );

  // The app trades the one-time code from the fragment for the same answer a password login gives.
  api.post(
    '/auth/sso/exchange',
    route(async (req, res) => {
      const rate = await limits.forLogin(req.ip ?? 'unknown', 'oidc:exchange');
      if (!rate.ok) return sendError(req, res, { code: 'RATE_LIMITED', message: '', details: { retryAfterSeconds: rate.retryAfterSeconds } });
      const parsed = exchangeBody.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      const handover = await sso.takeHandover(parsed.data.code);
      const user = handover ? await accounts.getUser(handover.userId) : null;
      if (!handover || !user) return sendError(req, res, 'SSO_STATE_INVALID');
      if (user.disabled) return sendError(req, res, 'ACCOUNT_DISABLED');
      // Signed now, by whichever process the code is traded at: no token waits in the store.
      const { token, expiresAt } = await tokens.issue(user);
      res.set('Cache-Control', 'no-store');
      res.json({ token, expiresAt, user: publicUser(user) });
    }),
  );

  api.get(
    '/auth/settings',
    route(async (req, res) => {
      if (!requireCountyAdmin(req, res)) return;
      res.json({ localLogin: await localLoginEnabled(accounts), methods: sso.methods() });
    }),
  );

  api.put(
    '/auth/settings',
    route(async (req, res) => {
      if (!requireCountyAdmin(req, res)) return;
      const parsed = settingsBody.safeParse(req.body);
      if (!parsed.success) return sendValidationError(req, res, parsed.error);
      await accounts.putSetting(LOCAL_LOGIN_SETTING, parsed.data.localLogin ? 'on' : 'off');
      res.json({ localLogin: parsed.data.localLogin, methods: sso.methods() });
    }),
  );
}

/**
 * The browser is in the middle of a redirect, not on a page that shows a JSON error: a store that
 * does not answer (Redis down: the login limit, the logins under way, the accounts) sends it back
 * to the app with STORE_UNAVAILABLE like any other failure.
 */
async function backToAppIfStoreDown(res: Response, returnTo: ReturnTo, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!(error instanceof StoreError) || res.headersSent) throw error;
    backToApp(res, returnTo, { error: 'STORE_UNAVAILABLE' });
  }
}

/** Local passwords are a setting of the whole server: for an administrator of every hall. */
function requireCountyAdmin(req: Request, res: Response): boolean {
  const principal = principalOf(req);
  if (principal.kind === 'staff' && principal.user.role === 'admin' && principal.hallIds.includes('*')) return true;
  sendError(req, res, principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  return false;
}
