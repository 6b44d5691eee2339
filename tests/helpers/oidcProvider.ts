/**
 * A real OpenID provider for the SSO tests: `oidc-provider` (the certified Node implementation)
 * on a free port of 127.0.0.1, with its built-in login and consent pages ("dev interactions":
 * any login name signs in as that account). Accounts are given with their groups.
 */
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { freePort } from './slapd.js';

export const CLIENT_ID = 'hallq';
export const CLIENT_SECRET = 'hallq-client-secret-for-tests';

export interface TestAccount {
  name: string;
  groups: string[];
}

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startProvider(port: number, redirectUri: string, accounts: Record<string, TestAccount>): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    cookies: { keys: ['hallq-test-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'] },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), so the provider does not log that it fell back to its defaults.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx, id) => {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, name: account.name, groups: account.groups }) };
    },
  });
  // Its warnings about development keys and dev interactions are expected here.
  provider.on('server_error', () => undefined);
  const server: Server = await new Promise((resolve) => {
    const listening = provider.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    issuer,
    // Kept-alive connections (the browsers', HallQ's) are cut too, so a closed provider is down at once.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The HallQ side: a settings file naming the provider, and the group → role mapping. */
export function oidcSettingsFile(issuer: string, redirectBase: string, groups: unknown[]): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-sso-oidc-'));
  const file = join(dir, 'sso.json');
  writeFileSync(file, JSON.stringify({ oidc: { issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectBase, groups } }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { freePort };
