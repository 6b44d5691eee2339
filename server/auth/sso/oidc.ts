import * as client from 'openid-client';
import { z } from 'zod';
import type { ErrorCode } from '../../protocol/errors.js';
import type { OneTimeStore } from '../../store/port.js';
import type { DirectoryIdentity } from './directoryAccounts.js';
import { type OidcSettings, mapGroups } from './settings.js';
import { oneTimeKey } from './oneTimeKey.js';

/** A login begun (GET /api/auth/oidc/start) and not yet come back: ten minutes is ample for a login page. */
const PENDING_TTL_MS = 10 * 60_000;
/** At most this many logins under way at once; the oldest give way (their callback says SSO_STATE_INVALID). */
const PENDING_MAX = 2000;
/** The store's kind (OneTimeStore) of the logins under way. */
const PENDING_KIND = 'oidc-pending';
const HTTP_TIMEOUT_SECONDS = 10;

export const CALLBACK_PATH = '/api/auth/oidc/callback';

/** Where the browser goes back to after the login, chosen at the start (validated there). */
export interface ReturnTo {
  hallId?: string;
  lang?: 'zh' | 'en';
  page?: 'counter' | 'supervisor' | 'admin';
}

/** As kept in the store; read back through this schema, as anything read from a shared store. */
const pendingSchema = z.strictObject({
  verifier: z.string().min(43).max(128),
  nonce: z.string().min(1).max(128),
  hallId: z.string().max(64).optional(),
  lang: z.enum(['zh', 'en']).optional(),
  page: z.enum(['counter', 'supervisor', 'admin']).optional(),
});
type Pending = z.infer<typeof pendingSchema>;

export type OidcStart = { ok: true; url: string; state: string } | { ok: false; code: ErrorCode };
export type OidcFinish = { ok: true; identity: DirectoryIdentity; returnTo: ReturnTo } | { ok: false; code: ErrorCode; returnTo: ReturnTo };

/**
 * The authorization code flow with PKCE and a nonce (openid-client). The PKCE verifier and the
 * nonce never leave the server: the browser carries only the random state, once. They are kept in
 * the store's one-time values, so the callback may reach any process of the installation.
 */
export class OidcLogin {
  private configuration: client.Configuration | null = null;

  constructor(
    private readonly settings: OidcSettings,
    private readonly oneTime: OneTimeStore,
  ) {}

  get callbackUrl(): string {
    return this.settings.redirectBase + CALLBACK_PATH;
  }

  /** Discovered on first use, not at start, so a provider that is down does not stop HallQ starting; retried until it answers. */
  private async discover(): Promise<client.Configuration> {
    if (this.configuration) return this.configuration;
    const issuer = new URL(this.settings.issuer);
    const configuration = await client.discovery(issuer, this.settings.clientId, { client_secret: this.settings.clientSecret }, client.ClientSecretPost(this.settings.clientSecret), {
      timeout: HTTP_TIMEOUT_SECONDS,
      // The ID token's signature is checked against the provider's keys too, not only trusted for
      // arriving over TLS: a provider on the hall's own network may well be plain http (the settings say which).
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests, client.enableNonRepudiationChecks] : [client.enableNonRepudiationChecks],
    });
    this.configuration = configuration;
    return configuration;
  }

  async start(returnTo: ReturnTo): Promise<OidcStart> {
    let configuration: client.Configuration;
    try {
      configuration = await this.discover();
    } catch {
      return { ok: false, code: 'SSO_UNAVAILABLE' };
    }
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const pending: Pending = { verifier, nonce, ...returnTo };
    await this.oneTime.put(PENDING_KIND, oneTimeKey(state), JSON.stringify(pending), { ttlMs: PENDING_TTL_MS, max: PENDING_MAX });
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl,
      scope: this.settings.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { ok: true, url: url.href, state };
  }

  /**
   * `query`: the callback's query string as received; `browserState`: the state this browser was
   * given at the start (its cookie), so a callback link made for someone else's browser is refused.
   */
  async finish(query: URLSearchParams, browserState: string | undefined): Promise<OidcFinish> {
    const state = query.get('state') ?? '';
    const pending = state ? readPending(await this.oneTime.take(PENDING_KIND, oneTimeKey(state))) : undefined;
    if (!pending || browserState !== state) return { ok: false, code: 'SSO_STATE_INVALID', returnTo: pending ? returnOf(pending) : {} };
    const returnTo = returnOf(pending);
    const error = query.get('error');
    if (error !== null) return { ok: false, code: error === 'access_denied' || error === 'login_required' || error === 'consent_required' ? 'SSO_CANCELLED' : 'SSO_FAILED', returnTo };
    let claims: Record<string, unknown> | undefined;
    try {
      const configuration = await this.discover();
      const tokens = await client.authorizationCodeGrant(configuration, new URL(`${this.callbackUrl}?${query.toString()}`), {
        pkceCodeVerifier: pending.verifier,
        expectedNonce: pending.nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
      // Groups often come only from the userinfo endpoint (Keycloak's mapper may be set either way).
      if (claims && !(this.settings.groupsClaim in claims) && tokens.access_token) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
        claims = { ...info, ...claims, [this.settings.groupsClaim]: (info as Record<string, unknown>)[this.settings.groupsClaim] };
      }
    } catch (failure) {
      return { ok: false, code: isUnreachable(failure) ? 'SSO_UNAVAILABLE' : 'SSO_FAILED', returnTo };
    }
    if (!claims) return { ok: false, code: 'SSO_FAILED', returnTo };
    const username = claimText(claims[this.settings.usernameClaim]);
    if (!username || !/^[A-Za-z0-9_.@-]{2,64}$/.test(username)) return { ok: false, code: 'SSO_FAILED', returnTo };
    const groupsClaim = claims[this.settings.groupsClaim];
    const groups = Array.isArray(groupsClaim) ? groupsClaim.filter((group): group is string => typeof group === 'string') : typeof groupsClaim === 'string' ? [groupsClaim] : [];
    const mapped = mapGroups(groups, this.settings.groups);
    if (!mapped) return { ok: false, code: 'SSO_NO_ROLE', returnTo };
    const displayName = (claimText(claims[this.settings.nameClaim]) ?? username).trim().slice(0, 40) || username;
    return { ok: true, identity: { source: 'oidc', username, displayName, ...mapped }, returnTo };
  }
}

function readPending(stored: string | null): Pending | undefined {
  if (stored === null) return undefined;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function returnOf(pending: Pending): ReturnTo {
  return { ...(pending.hallId ? { hallId: pending.hallId } : {}), ...(pending.lang ? { lang: pending.lang } : {}), ...(pending.page ? { page: pending.page } : {}) };
}

function claimText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The provider did not answer (refused, reset, timed out), as opposed to answering with a refusal. */
function isUnreachable(failure: unknown): boolean {
  if (failure instanceof client.ResponseBodyError || failure instanceof client.AuthorizationResponseError) return false;
  let cause: unknown = failure;
  for (let depth = 0; depth < 5 && cause; depth++) {
    if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError' || /fetch failed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND/.test(cause.message))) return true;
    if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' && /^E(CONN|HOST|NOTFOUND|TIMEDOUT)/.test(cause.code)) return true;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return false;
}
