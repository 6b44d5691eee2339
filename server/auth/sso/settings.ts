/**
 * The staff single sign-on settings file (HALLQ_SSO_CONFIG, docs/sso.md): an OpenID Connect
 * provider, an LDAP directory, or both, and how their groups map to HallQ roles and halls.
 * Read once at start; a bad file stops the start with a message naming the field.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Role } from '../../protocol/model.js';

/** A mistake in the settings file; `field` names it (e.g. "sso.ldap.url"). The start stops with the message. */
export class SsoSettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SsoSettingsError';
  }
}

const hallId = z.string().min(1).max(64).regex(/^(\*|[A-Za-z0-9_.:-]+)$/);

/** One directory group and what its members are in HallQ. */
const groupMapping = z.strictObject({
  group: z.string().trim().min(1).max(512),
  role: z.enum(['clerk', 'supervisor', 'admin']),
  halls: z.array(hallId).min(1).max(100),
});
export type GroupMapping = z.infer<typeof groupMapping>;

const httpUrl = z
  .string()
  .url()
  .max(2048)
  .refine((value) => /^https?:\/\//.test(value), 'an http(s) URL');

const oidcSchema = z.strictObject({
  issuer: httpUrl,
  clientId: z.string().min(1).max(256),
  /** Or HALLQ_OIDC_CLIENT_SECRET, so the file need not hold it. */
  clientSecret: z.string().min(1).max(1024).optional(),
  /** The address browsers reach HallQ at; the callback is <redirectBase>/api/auth/oidc/callback. */
  redirectBase: httpUrl.transform((value) => value.replace(/\/+$/, '')),
  scopes: z.array(z.string().regex(/^[\x21-\x7e]{1,64}$/)).max(20).default(['openid', 'profile']),
  usernameClaim: z.string().min(1).max(64).default('preferred_username'),
  nameClaim: z.string().min(1).max(64).default('name'),
  groupsClaim: z.string().min(1).max(64).default('groups'),
  groups: z.array(groupMapping).min(1).max(200),
});

const ldapSchema = z
  .strictObject({
    url: z.string().regex(/^ldaps?:\/\/[^\s]+$/, 'an ldap:// or ldaps:// URL').max(2048),
    baseDn: z.string().min(1).max(512),
    /** Bind straight as this DN, e.g. "uid={username},ou=people,dc=example,dc=cn" (OpenLDAP) or "{username}@example.cn" (AD). */
    userDnTemplate: z.string().includes('{username}').max(512).optional(),
    /** Or search for the user under baseDn with this filter, e.g. "(uid={username})" or "(sAMAccountName={username})". */
    userFilter: z.string().includes('{username}').max(512).optional(),
    /** The service account for the search (none = anonymous search). Or HALLQ_LDAP_BIND_PASSWORD. */
    bindDn: z.string().min(1).max(512).optional(),
    bindPassword: z.string().min(1).max(1024).optional(),
    /** Groups listing their members, e.g. { baseDn: "ou=groups,…", filter: "(member={dn})" }; without it the user's memberOf is read. */
    groupSearch: z.strictObject({ baseDn: z.string().min(1).max(512), filter: z.string().includes('{dn}').max(512) }).optional(),
    memberOfAttribute: z.string().min(1).max(64).default('memberOf'),
    nameAttribute: z.string().min(1).max(64).default('cn'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    groups: z.array(groupMapping).min(1).max(200),
  })
  .refine((value) => value.userDnTemplate !== undefined || value.userFilter !== undefined, 'needs userDnTemplate or userFilter');

const fileSchema = z.strictObject({ oidc: oidcSchema.optional(), ldap: ldapSchema.optional() });

export type OidcSettings = z.infer<typeof oidcSchema> & { clientSecret: string };
export type LdapSettings = z.infer<typeof ldapSchema>;
export interface SsoSettings {
  oidc?: OidcSettings;
  ldap?: LdapSettings;
}

export function parseSsoSettings(raw: unknown, env: NodeJS.ProcessEnv, source = 'the SSO settings'): SsoSettings {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(file)';
    throw new SsoSettingsError(`sso.${field}`, `Invalid configuration: ${field} in ${source}: ${issue.message}`);
  }
  const settings: SsoSettings = {};
  const { oidc, ldap } = parsed.data;
  if (oidc) {
    const clientSecret = env.HALLQ_OIDC_CLIENT_SECRET ?? oidc.clientSecret;
    if (!clientSecret) throw new SsoSettingsError('sso.oidc.clientSecret', `Invalid configuration: oidc.clientSecret in ${source} (or HALLQ_OIDC_CLIENT_SECRET) is required`);
    settings.oidc = { ...oidc, clientSecret };
  }
  if (ldap) {
    const bindPassword = env.HALLQ_LDAP_BIND_PASSWORD ?? ldap.bindPassword;
    settings.ldap = { ...ldap, ...(bindPassword !== undefined ? { bindPassword } : {}) };
  }
  return settings;
}

export function loadSsoSettings(file: string | undefined, env: NodeJS.ProcessEnv): SsoSettings {
  if (file === undefined) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SsoSettingsError('sso', `Invalid configuration: cannot read the SSO settings file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseSsoSettings(raw, env, file);
}

const RANK: Record<Role, number> = { clerk: 0, supervisor: 1, admin: 2 };

/**
 * What a member of these groups is in HallQ: the highest role any of their mapped groups gives,
 * and the halls of all of them. Null = in no mapped group (SSO_NO_ROLE).
 * `sameGroup` compares names: exact for OIDC claims, case-insensitive for LDAP DNs.
 */
export function mapGroups(
  groups: readonly string[],
  mappings: readonly GroupMapping[],
  sameGroup: (a: string, b: string) => boolean = (a, b) => a === b,
): { role: Role; hallIds: string[] } | null {
  const matched = mappings.filter((mapping) => groups.some((group) => sameGroup(group, mapping.group)));
  if (matched.length === 0) return null;
  const role = matched.reduce<Role>((best, mapping) => (RANK[mapping.role] > RANK[best] ? mapping.role : best), 'clerk');
  const halls = [...new Set(matched.flatMap((mapping) => mapping.halls))];
  return { role, hallIds: halls.includes('*') ? ['*'] : halls };
}

/** Halls that sign in through a directory (any mapping names them); '*' when one mapping covers every hall. */
export function directoryHalls(settings: SsoSettings): Set<string> {
  return new Set([...(settings.oidc?.groups ?? []), ...(settings.ldap?.groups ?? [])].flatMap((mapping) => mapping.halls));
}

export function ssoConfigured(settings: SsoSettings): boolean {
  return settings.oidc !== undefined || settings.ldap !== undefined;
}
