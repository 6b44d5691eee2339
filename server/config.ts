/**
 * Server configuration, read once at start-up, typed and validated.
 *
 * Precedence, highest first: command line > HALLQ_* environment > JSON config
 * file > defaults. Only the value that wins is validated, so a bad value can be
 * overridden from a higher level; unknown flags and unknown file keys are
 * always errors, because a typo there would otherwise be silently ignored.
 *
 * `loadConfig(process.argv.slice(2), process.env)` is the whole API; the entry
 * point catches ConfigError, prints its message and exits non-zero.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { printerAddressSchema } from './protocol/printerAddress.js';
import { type TrustProxy, isTrustEntry } from './http/clientAddress.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SQLITE_SYNCHRONOUS = ['FULL', 'NORMAL'] as const;

/** HALLQ_ADMIN_PASSWORD guards every hall: a short one is refused at start. */
export const ADMIN_PASSWORD_MIN_LENGTH = 10;

export interface AppConfig {
  /** PORT or HALLQ_PORT, --port; default 3000 (0 = ephemeral, for tests). */
  port: number;
  /** HALLQ_HOST, --host; default '0.0.0.0'. */
  host: string;
  /** HALLQ_DATA_DIR, --data-dir; default './data'. */
  dataDir: string;
  /** HALLQ_DEMO, --demo / --no-demo; default true. */
  demo: boolean;
  /** HALLQ_ADMIN_PASSWORD (environment or file only, never a flag). */
  adminPassword?: string;
  /** HALLQ_TOKEN_TTL_HOURS; default 12. */
  tokenTtlHours: number;
  /** HALLQ_SQLITE_SYNCHRONOUS; default FULL. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** HALLQ_LOG_LEVEL; default 'info'. */
  logLevel: LogLevel;
  /** HALLQ_KIOSK_RATE; default 30. */
  kioskIssueLimitPerMinute: number;
  /** HALLQ_PHONE_RATE, per client IP; default 5. */
  phoneIssueLimitPerHour: number;
  /** HALLQ_PHONE_DAILY, per phone (cookie); default 3. */
  phoneTicketsPerDevicePerDay: number;
  /** HALLQ_STAFF_RATE; default 6000. */
  staffRequestLimitPerMinute: number;
  /** HALLQ_MAX_PAYLOAD_BYTES; default 16384. */
  maxPayloadBytes: number;
  /** HALLQ_MAX_CONNECTIONS_PER_IP: open sockets per client address, per process; default 200. */
  maxConnectionsPerIp: number;
  /**
   * HALLQ_TRUST_PROXY: which X-Forwarded-For hops to believe (Express `trust proxy` semantics): a hop
   * count, or the proxies' addresses/CIDRs. Default 0 (none). `true` means 1 (the nearest proxy only).
   */
  trustProxy: TrustProxy;
  /** HALLQ_REDIS_URL. */
  redisUrl?: string;
  /** HALLQ_PRINTER. */
  printer?: string;
  /** HALLQ_PUBLIC_URL: the address phones use to reach this server (e-ticket QR codes). */
  publicUrl?: string;
  /** HALLQ_BOARD_FRAME_ANCESTORS: origins allowed to frame the boards (/display), space-separated. */
  boardFrameAncestors?: string[];
  /** --config FILE or HALLQ_CONFIG. */
  configFile?: string;
  /** HALLQ_SSO_CONFIG, --sso-config: the staff single sign-on (OIDC, LDAP) settings file, docs/sso.md. */
  ssoConfigFile?: string;
}

export class ConfigError extends Error {
  /** The configuration key, unknown flag or file key the error is about. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.field = field;
  }
}

type Key = keyof AppConfig;
type Kind = 'int' | 'string' | 'bool' | 'enum';

interface FieldSpec {
  key: Key;
  kind: Kind;
  /** Environment variables, highest precedence first. */
  env: string[];
  /** Kebab-case flag without the leading dashes; null = not settable from the command line. */
  flag: string | null;
  /** Settable from the config file. */
  inFile: boolean;
  /** Default value; undefined = unset. */
  default?: string | number | boolean;
  /** Zod schema for the final, coerced value. */
  schema: z.ZodType;
  /** What a valid value looks like, for error messages: "must be …". */
  expect: string;
  /** Never echo the value in messages or logs ('url': only the URL's credentials are secret). */
  secret?: boolean | 'url';
  description: string;
}

const INT_STRING = /^[+-]?\d+$/;

/** Strings from argv/env become numbers only if they are plain integers; anything else fails the schema. */
function coerceInt(value: unknown): unknown {
  if (typeof value === 'string' && INT_STRING.test(value.trim())) return Number(value.trim());
  return value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

function coerceBool(value: unknown): unknown {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  if (value === 1) return true;
  if (value === 0) return false;
  return value;
}

/** Booleans keep their old meaning as far as it was safe: true trusts one hop (the proxy in front), never the client's entries. */
function coerceTrustProxy(value: unknown): unknown {
  // Anything that is not a count, a boolean or a list of addresses, ranges and presets becomes NaN, which the schema refuses.
  if (Array.isArray(value)) return value.every((entry) => typeof entry === 'string' && isTrustEntry(entry.trim())) ? value.map((e: string) => e.trim()) : Number.NaN;
  if (value === true) return 1;
  if (value === false) return 0;
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word) && word !== '1') return 1;
  if (FALSE_WORDS.has(word) && word !== '0') return 0;
  if (INT_STRING.test(word)) return Number(word);
  const entries = word.split(',').map((entry) => entry.trim());
  return entries.every(isTrustEntry) ? entries : Number.NaN;
}

function int(min: number, max: number): z.ZodType {
  return z.preprocess(coerceInt, z.number().int().min(min).max(max));
}

const positiveInt = (max = 1_000_000_000): z.ZodType => int(1, max);
const bool = (): z.ZodType => z.preprocess(coerceBool, z.boolean());
const text = (): z.ZodType => z.string().trim().min(1);
const oneOf = <T extends readonly [string, ...string[]]>(values: T, normalise: (s: string) => string): z.ZodType =>
  z.preprocess((v) => (typeof v === 'string' ? normalise(v.trim()) : v), z.enum(values));

const FIELDS: FieldSpec[] = [
  {
    key: 'port',
    kind: 'int',
    env: ['HALLQ_PORT', 'PORT'],
    flag: 'port',
    inFile: true,
    default: 3000,
    schema: int(0, 65535),
    expect: 'an integer between 0 and 65535',
    description: 'TCP port for HTTP and Socket.IO. 0 picks a free port (used by the tests).',
  },
  {
    key: 'host',
    kind: 'string',
    env: ['HALLQ_HOST'],
    flag: 'host',
    inFile: true,
    default: '0.0.0.0',
    schema: text(),
    expect: 'a non-empty host name or IP address',
    description: 'Interface to listen on. Use 127.0.0.1 behind a reverse proxy on the same machine.',
  },
  {
    key: 'dataDir',
    kind: 'string',
    env: ['HALLQ_DATA_DIR'],
    flag: 'data-dir',
    inFile: true,
    default: './data',
    schema: text(),
    expect: 'a non-empty directory path',
    description: 'Directory for the SQLite database and other state; created if missing. Relative to the working directory.',
  },
  {
    key: 'demo',
    kind: 'bool',
    env: ['HALLQ_DEMO'],
    flag: 'demo',
    inFile: true,
    default: true,
    schema: bool(),
    expect: 'a boolean (true/false, 1/0, yes/no, on/off)',
    description:
      'Create the demo hall "demo" (青山镇便民服务中心) with its demo staff accounts if it does not exist. Turn off in production.',
  },
  {
    key: 'adminPassword',
    kind: 'string',
    env: ['HALLQ_ADMIN_PASSWORD'],
    flag: null,
    inFile: true,
    schema: z.string().trim().min(ADMIN_PASSWORD_MIN_LENGTH),
    expect: `at least ${ADMIN_PASSWORD_MIN_LENGTH} characters (管理员密码至少 ${ADMIN_PASSWORD_MIN_LENGTH} 个字符)`,
    secret: true,
    description:
      `Password of the built-in "admin" account, at least ${ADMIN_PASSWORD_MIN_LENGTH} characters, used only when that account is created (the first start; later starts log that it is ignored). Unset = a generated one, shown once on standard error and to be changed at the first login. Environment or file only, so it never shows in the process list.`,
  },
  {
    key: 'tokenTtlHours',
    kind: 'int',
    env: ['HALLQ_TOKEN_TTL_HOURS'],
    flag: 'token-ttl-hours',
    inFile: true,
    default: 12,
    schema: positiveInt(24 * 366),
    expect: 'a positive integer number of hours (at most 8784)',
    description: 'Lifetime of a staff login token; staff log in again after this many hours.',
  },
  {
    key: 'sqliteSynchronous',
    kind: 'enum',
    env: ['HALLQ_SQLITE_SYNCHRONOUS'],
    flag: 'sqlite-synchronous',
    inFile: true,
    default: 'FULL',
    schema: oneOf(SQLITE_SYNCHRONOUS, (s) => s.toUpperCase()),
    expect: `one of ${SQLITE_SYNCHRONOUS.join(', ')}`,
    description:
      'SQLite synchronous mode. FULL survives power loss with nothing acknowledged lost; NORMAL is faster but may lose the last commits on power loss (not on a process crash).',
  },
  {
    key: 'logLevel',
    kind: 'enum',
    env: ['HALLQ_LOG_LEVEL'],
    flag: 'log-level',
    inFile: true,
    default: 'info',
    schema: oneOf(LOG_LEVELS, (s) => s.toLowerCase()),
    expect: `one of ${LOG_LEVELS.join(', ')}`,
    description: 'Minimum level of the JSON log written to standard output.',
  },
  {
    key: 'kioskIssueLimitPerMinute',
    kind: 'int',
    env: ['HALLQ_KIOSK_RATE'],
    flag: 'kiosk-rate',
    inFile: true,
    default: 30,
    schema: positiveInt(),
    expect: 'a positive integer',
    description: 'Tickets one kiosk may issue per minute; more are refused with RATE_LIMITED.',
  },
  {
    key: 'phoneIssueLimitPerHour',
    kind: 'int',
    env: ['HALLQ_PHONE_RATE'],
    flag: 'phone-rate',
    inFile: true,
    default: 5,
    schema: positiveInt(),
    expect: 'a positive integer',
    description: 'Tickets one client IP address may take from a phone per hour. A hall Wi-Fi behind one address needs a higher value.',
  },
  {
    key: 'phoneTicketsPerDevicePerDay',
    kind: 'int',
    env: ['HALLQ_PHONE_DAILY'],
    flag: 'phone-daily',
    inFile: true,
    default: 3,
    schema: positiveInt(),
    expect: 'a positive integer',
    description: 'Tickets one phone (recognised by a cookie) may take in 24 hours when the hall allows phone tickets.',
  },
  {
    key: 'staffRequestLimitPerMinute',
    kind: 'int',
    env: ['HALLQ_STAFF_RATE'],
    flag: 'staff-rate',
    inFile: true,
    default: 6000,
    schema: positiveInt(),
    expect: 'a positive integer',
    description: 'Commands one staff or integration login may send per minute (reads are not counted); a guard against runaway clients.',
  },
  {
    key: 'maxPayloadBytes',
    kind: 'int',
    env: ['HALLQ_MAX_PAYLOAD_BYTES'],
    flag: 'max-payload-bytes',
    inFile: true,
    default: 16384,
    schema: int(1024, 64 * 1024 * 1024),
    expect: 'an integer between 1024 and 67108864',
    description: 'Largest accepted HTTP request body or Socket.IO message, in bytes.',
  },
  {
    key: 'maxConnectionsPerIp',
    kind: 'int',
    env: ['HALLQ_MAX_CONNECTIONS_PER_IP'],
    flag: 'max-connections-per-ip',
    inFile: true,
    default: 200,
    schema: positiveInt(1_000_000),
    expect: 'a positive integer',
    description:
      "Open Socket.IO connections one client address may hold in one process. A hall's boards, window screens, kiosks and counter panels often share one NAT address: leave room for all of them.",
  },
  {
    key: 'trustProxy',
    kind: 'bool',
    env: ['HALLQ_TRUST_PROXY'],
    flag: 'trust-proxy',
    inFile: true,
    default: 0,
    schema: z.preprocess(coerceTrustProxy, z.union([z.number().int().min(0).max(10), z.array(z.string()).min(1).max(100)])),
    expect:
      'a hop count (0–10; true = 1, false = 0) or a comma-separated list of the proxies\' addresses or CIDR ranges (e.g. 127.0.0.1 or loopback, 10.0.0.0/8)',
    description:
      'Which X-Forwarded-For entries to believe for the client address (per-IP limits, logs): the number of proxies in front of HallQ, or their addresses. Entries the client wrote itself are never believed. 0 (default) = no proxy.',
  },
  {
    key: 'redisUrl',
    kind: 'string',
    env: ['HALLQ_REDIS_URL'],
    flag: 'redis-url',
    inFile: true,
    schema: z.string().trim().regex(/^rediss?:\/\/\S+$/),
    expect: 'a redis:// or rediss:// URL',
    secret: 'url',
    description: 'Use Redis instead of SQLite for hall state, so several server processes can share the halls. Unset = SQLite.',
  },
  {
    key: 'printer',
    kind: 'string',
    env: ['HALLQ_PRINTER'],
    flag: 'printer',
    inFile: true,
    schema: printerAddressSchema,
    expect: 'preview, tcp://host:port or agent:<device id>, optionally with ?paper=58',
    description: 'Printer of kiosks, windows and the guide desk that have none set: tcp://10.0.0.5:9100 (network printer), agent:<device id> (print agent), or preview (slips shown on screen; the default).',
  },
  {
    key: 'publicUrl',
    kind: 'string',
    env: ['HALLQ_PUBLIC_URL'],
    flag: 'public-url',
    inFile: true,
    schema: z.string().trim().regex(/^https?:\/\/[\x21-\x7e]+$/).transform((url) => url.replace(/\/+$/, '')),
    expect: 'an http:// or https:// URL in ASCII, e.g. http://192.168.1.10:3000',
    description: 'Address printed in e-ticket QR codes, as phones in the hall reach this server. Unset = the address the kiosk used.',
  },
  {
    key: 'boardFrameAncestors',
    kind: 'string',
    env: ['HALLQ_BOARD_FRAME_ANCESTORS'],
    flag: 'board-frame-ancestors',
    inFile: true,
    schema: z.preprocess(
      (value) => (typeof value === 'string' ? value.trim().split(/[\s,]+/).filter(Boolean) : value),
      z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/)).min(1),
    ),
    expect: 'space-separated origins such as https://portal.example.gov.cn http://10.0.0.5:8080',
    description:
      'Origins (scheme://host[:port]) whose pages may show the boards (/display) in a frame, e.g. a hall portal. Unset = no page may frame any HallQ page (frame-ancestors \'none\').',
  },
  {
    key: 'configFile',
    kind: 'string',
    env: ['HALLQ_CONFIG'],
    flag: 'config',
    inFile: false,
    schema: text(),
    expect: 'a non-empty file path',
    description: 'JSON file with any of these settings under their camelCase keys (e.g. {"port": 8080}).',
  },
  {
    key: 'ssoConfigFile',
    kind: 'string',
    env: ['HALLQ_SSO_CONFIG'],
    flag: 'sso-config',
    inFile: true,
    schema: text(),
    expect: 'a non-empty file path',
    description:
      'JSON file with the staff single sign-on settings (OpenID Connect and/or LDAP, and how directory groups map to HallQ roles and halls), see docs/sso.md. Unset = local passwords only.',
  },
];

const BY_KEY = new Map<string, FieldSpec>(FIELDS.map((f) => [f.key, f]));
const BY_FLAG = new Map<string, FieldSpec>(FIELDS.filter((f) => f.flag).map((f) => [f.flag!, f]));

interface Sourced {
  value: unknown;
  /** "--port", "HALLQ_PORT", "config file ./hallq.json" or "default". */
  source: string;
}

function parseArgv(argv: readonly string[]): Map<Key, Sourced> {
  const out = new Map<Key, Sourced>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      throw new ConfigError(arg, `Invalid configuration: unexpected argument "${arg}" (settings are given as --name value)`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);

    let spec = BY_FLAG.get(name);
    let negated = false;
    if (!spec && name.startsWith('no-')) {
      const positive = BY_FLAG.get(name.slice(3));
      if (positive?.kind === 'bool') {
        spec = positive;
        negated = true;
      }
    }
    if (!spec) throw new ConfigError(`--${name}`, `Invalid configuration: unknown option --${name}`);
    const source = `--${name}`;

    if (negated) {
      if (inline !== undefined) {
        throw new ConfigError(spec.key, `Invalid configuration: ${spec.key} (from ${source}) takes no value`);
      }
      out.set(spec.key, { value: false, source });
    } else if (spec.kind === 'bool') {
      // A bare boolean flag never consumes the next argument: --demo means true, --demo=0 means false.
      out.set(spec.key, { value: inline ?? true, source });
    } else if (inline !== undefined) {
      out.set(spec.key, { value: inline, source });
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new ConfigError(spec.key, `Invalid configuration: ${spec.key} (from ${source}) needs a value: ${source} VALUE`);
      }
      out.set(spec.key, { value: next, source });
      i++;
    }
  }
  return out;
}

function parseEnv(env: NodeJS.ProcessEnv): Map<Key, Sourced> {
  const out = new Map<Key, Sourced>();
  for (const spec of FIELDS) {
    for (const name of spec.env) {
      const value = env[name];
      // An empty variable counts as unset, as in most shells' `VAR= cmd` idiom.
      if (value !== undefined && value !== '') {
        out.set(spec.key, { value, source: name });
        break;
      }
    }
  }
  return out;
}

function parseFile(path: string): Map<Key, Sourced> {
  const source = `config file ${path}`;
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String((err as NodeJS.ErrnoException).code) : String(err);
    throw new ConfigError('configFile', `Invalid configuration: cannot read config file ${path} (${reason})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ConfigError('configFile', `Invalid configuration: config file ${path} is not valid JSON (${reason})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('configFile', `Invalid configuration: config file ${path} must contain a JSON object`);
  }
  const out = new Map<Key, Sourced>();
  for (const [key, value] of Object.entries(data)) {
    const spec = BY_KEY.get(key);
    if (!spec || !spec.inFile) {
      throw new ConfigError(key, `Invalid configuration: unknown key "${key}" in config file ${path}`);
    }
    // null in the file means "not set here", so a template can list every key.
    if (value !== null) out.set(spec.key, { value, source });
  }
  return out;
}

/** Replaces the user and password of a URL-like string. */
function maskUrlCredentials(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1***@');
}

function show(value: unknown, secret: FieldSpec['secret']): string {
  if (secret === 'url' && typeof value === 'string') return JSON.stringify(maskUrlCredentials(value));
  if (secret) return '(hidden)';
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

/**
 * Reads the configuration. `argv` is the arguments after the script name
 * (process.argv.slice(2)); `env` is usually process.env. Throws ConfigError.
 */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): AppConfig {
  const fromArgv = parseArgv(argv);
  const fromEnv = parseEnv(env);

  const configFileSource = fromArgv.get('configFile') ?? fromEnv.get('configFile');
  let fromFile = new Map<Key, Sourced>();
  if (configFileSource) {
    const path = configFileSource.value;
    if (typeof path !== 'string' || path.trim() === '') {
      throw new ConfigError('configFile', `Invalid configuration: configFile (from ${configFileSource.source}) must be a non-empty file path`);
    }
    fromFile = parseFile(path.trim());
  }

  const merged: Partial<Record<Key, unknown>> = {};
  const sources: Partial<Record<Key, string>> = {};
  for (const spec of FIELDS) {
    const picked: Sourced | undefined =
      fromArgv.get(spec.key) ??
      fromEnv.get(spec.key) ??
      fromFile.get(spec.key) ??
      (spec.default === undefined ? undefined : { value: spec.default, source: 'default' });
    if (picked) {
      merged[spec.key] = picked.value;
      sources[spec.key] = picked.source;
    }
  }

  const schema = z.object(
    Object.fromEntries(FIELDS.map((f) => [f.key, f.default === undefined ? f.schema.optional() : f.schema])),
  );
  const result = schema.safeParse(merged);
  if (!result.success) {
    const seen = new Set<string>();
    const problems: string[] = [];
    let first: string | undefined;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (seen.has(key)) continue;
      seen.add(key);
      const spec = BY_KEY.get(key);
      if (!spec) continue;
      first ??= key;
      problems.push(
        `${key} (from ${sources[spec.key] ?? 'default'}) must be ${spec.expect}, got ${show(merged[spec.key], spec.secret)}`,
      );
    }
    throw new ConfigError(first ?? '(unknown)', `Invalid configuration: ${problems.join('; ')}`);
  }

  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result.data)) if (value !== undefined) config[key] = value;
  return config as unknown as AppConfig;
}

/** The configuration with secrets masked, for the start-up log line. */
export function redactConfig(config: AppConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const spec of FIELDS) {
    const value = out[spec.key];
    if (!spec.secret || value === undefined) continue;
    out[spec.key] = spec.secret === 'url' && typeof value === 'string' ? maskUrlCredentials(value) : '(set)';
  }
  return out;
}

/** One row per setting, for the README and --help. */
export function describeConfig(): Array<{ key: string; env: string; flag: string; default: string; description: string }> {
  return FIELDS.map((spec) => ({
    key: spec.key,
    env: spec.env.join(', '),
    flag: spec.flag === null ? '' : spec.kind === 'bool' ? `--${spec.flag} / --no-${spec.flag}` : `--${spec.flag}`,
    default: spec.default === undefined ? '(unset)' : String(spec.default),
    description: spec.description,
  }));
}
