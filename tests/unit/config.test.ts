import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, redactConfig } from '../../server/config.js';

const dir = mkdtempSync(join(tmpdir(), 'hallq-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
function configFile(content: unknown): string {
  const path = join(dir, `config-${++fileCounter}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('uses the documented defaults with nothing set', () => {
    expect(loadConfig([], {})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      demo: true,
      tokenTtlHours: 12,
      sqliteSynchronous: 'FULL',
      logLevel: 'info',
      kioskIssueLimitPerMinute: 30,
      phoneIssueLimitPerHour: 5,
      phoneTicketsPerDevicePerDay: 3,
      staffRequestLimitPerMinute: 6000,
      maxPayloadBytes: 16384,
      maxConnectionsPerIp: 200,
      trustProxy: 0,
    });
  });

  it('leaves optional settings absent, not undefined', () => {
    const config = loadConfig([], {});
    expect('adminPassword' in config).toBe(false);
    expect('redisUrl' in config).toBe(false);
    expect('configFile' in config).toBe(false);
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig([], { HOME: '/root', HALLQ_UNRELATED: 'x' }).port).toBe(3000);
  });
});

describe('precedence: argv > env > file > defaults', () => {
  it('file overrides defaults', () => {
    const file = configFile({ port: 4000, host: '127.0.0.1' });
    const config = loadConfig(['--config', file], {});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('./data');
    expect(config.configFile).toBe(file);
  });

  it('env overrides file', () => {
    const file = configFile({ port: 4000, host: '127.0.0.1' });
    const config = loadConfig([], { HALLQ_CONFIG: file, HALLQ_PORT: '5000' });
    expect(config.port).toBe(5000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('argv overrides env, file and defaults, key by key', () => {
    const file = configFile({ port: 4000, host: '127.0.0.1', dataDir: '/srv/file', logLevel: 'warn' });
    const config = loadConfig(['--config', file, '--port', '6000'], {
      HALLQ_PORT: '5000',
      HALLQ_DATA_DIR: '/srv/env',
    });
    expect(config.port).toBe(6000); // argv
    expect(config.dataDir).toBe('/srv/env'); // env
    expect(config.host).toBe('127.0.0.1'); // file
    expect(config.logLevel).toBe('warn'); // file
    expect(config.tokenTtlHours).toBe(12); // default
  });

  it('HALLQ_PORT wins over PORT, and PORT alone works', () => {
    expect(loadConfig([], { PORT: '8080' }).port).toBe(8080);
    expect(loadConfig([], { PORT: '8080', HALLQ_PORT: '9090' }).port).toBe(9090);
  });

  it('--config beats HALLQ_CONFIG', () => {
    const a = configFile({ port: 1111 });
    const b = configFile({ port: 2222 });
    expect(loadConfig(['--config', b], { HALLQ_CONFIG: a }).port).toBe(2222);
  });

  it('a bad value at a lower level is fine when a higher level overrides it', () => {
    expect(loadConfig(['--port', '3001'], { HALLQ_PORT: 'abc' }).port).toBe(3001);
  });

  it('an empty environment variable counts as unset', () => {
    expect(loadConfig([], { HALLQ_PORT: '', HALLQ_HOST: '' })).toMatchObject({ port: 3000, host: '0.0.0.0' });
  });

  it('null in the file means unset', () => {
    expect(loadConfig(['--config', configFile({ port: null })], {}).port).toBe(3000);
  });
});

describe('command line', () => {
  it('accepts --flag value and --flag=value, last one wins', () => {
    const config = loadConfig(['--port=4001', '--data-dir', '/tmp/x', '--host=::1', '--port', '4002'], {});
    expect(config).toMatchObject({ port: 4002, dataDir: '/tmp/x', host: '::1' });
  });

  it('maps every kebab-case flag', () => {
    const config = loadConfig(
      [
        '--log-level', 'debug',
        '--token-ttl-hours', '8',
        '--sqlite-synchronous', 'normal',
        '--kiosk-rate', '10',
        '--phone-rate', '2',
        '--staff-rate', '100',
        '--max-payload-bytes', '4096',
        '--trust-proxy',
        '--redis-url', 'redis://127.0.0.1:6379',
        '--printer', 'tcp://10.0.0.5:9100',
      ],
      {},
    );
    expect(config).toMatchObject({
      logLevel: 'debug',
      tokenTtlHours: 8,
      sqliteSynchronous: 'NORMAL',
      kioskIssueLimitPerMinute: 10,
      phoneIssueLimitPerHour: 2,
      staffRequestLimitPerMinute: 100,
      maxPayloadBytes: 4096,
      trustProxy: 1,
      redisUrl: 'redis://127.0.0.1:6379',
      printer: 'tcp://10.0.0.5:9100',
    });
  });

  it('HALLQ_TRUST_PROXY: a hop count, or the proxies\' addresses; true is one hop, never the client\'s own entries', () => {
    expect(loadConfig([], {}).trustProxy).toBe(0);
    expect(loadConfig([], { HALLQ_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig([], { HALLQ_TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(loadConfig([], { HALLQ_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig([], { HALLQ_TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(loadConfig(['--trust-proxy'], {}).trustProxy).toBe(1);
    expect(loadConfig(['--no-trust-proxy'], { HALLQ_TRUST_PROXY: '3' }).trustProxy).toBe(0);
  });

  it('--demo / --no-demo / --demo=false', () => {
    expect(loadConfig(['--no-demo'], {}).demo).toBe(false);
    expect(loadConfig(['--demo'], { HALLQ_DEMO: '0' }).demo).toBe(true);
    expect(loadConfig(['--demo=false'], {}).demo).toBe(false);
  });

  it('a bare boolean flag does not swallow the next argument', () => {
    expect(loadConfig(['--demo', '--port', '1234'], {})).toMatchObject({ demo: true, port: 1234 });
  });

  it('port 0 is allowed (ephemeral)', () => {
    expect(loadConfig(['--port', '0'], {}).port).toBe(0);
  });

  it('an unknown flag is an error naming the flag', () => {
    const err = configError(() => loadConfig(['--prot', '3000'], {}));
    expect(err.field).toBe('--prot');
    expect(err.message).toContain('--prot');
    expect(configError(() => loadConfig(['--no-port'], {})).field).toBe('--no-port');
    expect(configError(() => loadConfig(['--admin-password', 'x'], {})).field).toBe('--admin-password');
  });

  it('a flag without its value is an error', () => {
    const err = configError(() => loadConfig(['--port'], {}));
    expect(err.field).toBe('port');
    expect(configError(() => loadConfig(['--host', '--demo'], {})).field).toBe('host');
  });

  it('a stray positional argument is an error', () => {
    expect(configError(() => loadConfig(['3000'], {})).message).toContain('"3000"');
  });
});

describe('environment', () => {
  it('HALLQ_DEMO=0 disables the demo; other spellings work too', () => {
    expect(loadConfig([], { HALLQ_DEMO: '0' }).demo).toBe(false);
    expect(loadConfig([], { HALLQ_DEMO: 'false' }).demo).toBe(false);
    expect(loadConfig([], { HALLQ_DEMO: 'FALSE' }).demo).toBe(false);
    expect(loadConfig([], { HALLQ_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig([], { HALLQ_DEMO: 'true' }).demo).toBe(true);
  });

  it('reads every HALLQ_* variable', () => {
    const config = loadConfig([], {
      HALLQ_HOST: '127.0.0.1',
      HALLQ_DATA_DIR: '/var/lib/hallq',
      HALLQ_ADMIN_PASSWORD: 's3cret-pass',
      HALLQ_TOKEN_TTL_HOURS: '24',
      HALLQ_SQLITE_SYNCHRONOUS: 'NORMAL',
      HALLQ_LOG_LEVEL: 'silent',
      HALLQ_KIOSK_RATE: '60',
      HALLQ_PHONE_RATE: '3',
      HALLQ_STAFF_RATE: '1000',
      HALLQ_MAX_PAYLOAD_BYTES: '65536',
      HALLQ_TRUST_PROXY: '1',
      HALLQ_REDIS_URL: 'rediss://user:pw@redis.example:6380/0',
      HALLQ_PRINTER: 'tcp://10.0.0.9:9100',
    });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      dataDir: '/var/lib/hallq',
      adminPassword: 's3cret-pass',
      tokenTtlHours: 24,
      sqliteSynchronous: 'NORMAL',
      logLevel: 'silent',
      kioskIssueLimitPerMinute: 60,
      phoneIssueLimitPerHour: 3,
      staffRequestLimitPerMinute: 1000,
      maxPayloadBytes: 65536,
      trustProxy: 1,
      redisUrl: 'rediss://user:pw@redis.example:6380/0',
      printer: 'tcp://10.0.0.9:9100',
    });
    const redacted = redactConfig(config);
    expect(redacted.adminPassword).toBe('(set)');
    expect(JSON.stringify(redacted)).not.toContain('s3cret-pass');
    expect(redacted.redisUrl).toBe('rediss://***@redis.example:6380/0');
  });
});

describe('bad values name their field and source', () => {
  it('port "abc" from HALLQ_PORT', () => {
    const err = configError(() => loadConfig([], { HALLQ_PORT: 'abc' }));
    expect(err.field).toBe('port');
    expect(err.message).toBe(
      'Invalid configuration: port (from HALLQ_PORT) must be an integer between 0 and 65535, got "abc"',
    );
  });

  it.each([
    ['port', ['--port', '65536'], {}, '--port'],
    ['port', ['--port', '-1'], {}, '--port'],
    ['port', ['--port', '3000.5'], {}, '--port'],
    ['port', ['--port', '1e3'], {}, '--port'],
    ['port', ['--port', ''], {}, '--port'],
    ['port', [], { PORT: 'eighty' }, 'PORT'],
    ['tokenTtlHours', [], { HALLQ_TOKEN_TTL_HOURS: '0' }, 'HALLQ_TOKEN_TTL_HOURS'],
    ['kioskIssueLimitPerMinute', [], { HALLQ_KIOSK_RATE: '-5' }, 'HALLQ_KIOSK_RATE'],
    ['phoneIssueLimitPerHour', ['--phone-rate', '2.5'], {}, '--phone-rate'],
    ['staffRequestLimitPerMinute', [], { HALLQ_STAFF_RATE: 'lots' }, 'HALLQ_STAFF_RATE'],
    ['maxPayloadBytes', [], { HALLQ_MAX_PAYLOAD_BYTES: '10' }, 'HALLQ_MAX_PAYLOAD_BYTES'],
    ['demo', [], { HALLQ_DEMO: 'maybe' }, 'HALLQ_DEMO'],
    ['demo', ['--demo=perhaps'], {}, '--demo'],
    ['trustProxy', [], { HALLQ_TRUST_PROXY: 'proxy.example' }, 'HALLQ_TRUST_PROXY'],
    ['trustProxy', [], { HALLQ_TRUST_PROXY: '10.0.0.0/33' }, 'HALLQ_TRUST_PROXY'],
    ['logLevel', ['--log-level', 'verbose'], {}, '--log-level'],
    ['sqliteSynchronous', [], { HALLQ_SQLITE_SYNCHRONOUS: 'OFF' }, 'HALLQ_SQLITE_SYNCHRONOUS'],
    ['host', ['--host', '  '], {}, '--host'],
    ['redisUrl', [], { HALLQ_REDIS_URL: 'http://localhost' }, 'HALLQ_REDIS_URL'],
    ['printer', ['--printer', '/dev/usb/lp0'], {}, '--printer'],
    ['printer', [], { HALLQ_PRINTER: 'tcp://10.0.0.5:9100?paper=57' }, 'HALLQ_PRINTER'],
    ['publicUrl', ['--public-url', 'http://大厅.example'], {}, '--public-url'],
    ['phoneTicketsPerDevicePerDay', [], { HALLQ_PHONE_DAILY: '0' }, 'HALLQ_PHONE_DAILY'],
  ] as Array<[string, string[], NodeJS.ProcessEnv, string]>)('%s from %j %j', (field, argv, env, source) => {
    const err = configError(() => loadConfig(argv, env));
    expect(err.field).toBe(field);
    expect(err.message).toContain(`${field} (from ${source}) must be`);
  });

  it('accepts printer addresses and normalises the public URL', () => {
    expect(loadConfig(['--printer', 'agent:abc123?paper=58', '--public-url', 'http://192.168.1.10:3000/'], {})).toMatchObject({
      printer: 'agent:abc123?paper=58',
      publicUrl: 'http://192.168.1.10:3000',
    });
    expect(loadConfig([], { HALLQ_PRINTER: 'preview' }).printer).toBe('preview');
  });

  it('names the config file as the source of a bad file value', () => {
    const file = configFile({ port: 'abc' });
    const err = configError(() => loadConfig(['--config', file], {}));
    expect(err.field).toBe('port');
    expect(err.message).toContain(`port (from config file ${file})`);
  });

  it('rejects wrong JSON types in the file', () => {
    const err = configError(() => loadConfig(['--config', configFile({ demo: 'sometimes' })], {}));
    expect(err.field).toBe('demo');
    expect(configError(() => loadConfig(['--config', configFile({ port: [1] })], {})).field).toBe('port');
  });

  it('reports every bad field, the first as `field`', () => {
    const err = configError(() => loadConfig([], { HALLQ_PORT: 'x', HALLQ_LOG_LEVEL: 'loud' }));
    expect(err.field).toBe('port');
    expect(err.message).toContain('port (from HALLQ_PORT)');
    expect(err.message).toContain('logLevel (from HALLQ_LOG_LEVEL)');
  });

  it('masks credentials of a bad Redis URL', () => {
    const err = configError(() => loadConfig([], { HALLQ_REDIS_URL: 'http://u:hunter2@host' }));
    expect(err.message).toContain('"http://***@host"');
  });

  it('never echoes a secret', () => {
    const err = configError(() => loadConfig(['--config', configFile({ adminPassword: 12345678 })], {}));
    expect(err.field).toBe('adminPassword');
    expect(err.message).not.toContain('12345678');
  });
});

describe('config file problems', () => {
  it('a missing file names the file', () => {
    const path = join(dir, 'does-not-exist.json');
    const err = configError(() => loadConfig(['--config', path], {}));
    expect(err.field).toBe('configFile');
    expect(err.message).toContain(path);
  });

  it('invalid JSON names the file', () => {
    const path = configFile('{ "port": 3000, ');
    const err = configError(() => loadConfig([], { HALLQ_CONFIG: path }));
    expect(err.field).toBe('configFile');
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('a non-object JSON document is rejected', () => {
    expect(configError(() => loadConfig(['--config', configFile('[1,2]')], {})).field).toBe('configFile');
  });

  it('an unknown key in the file names the key and the file', () => {
    const path = configFile({ prot: 3000 });
    const err = configError(() => loadConfig(['--config', path], {}));
    expect(err.field).toBe('prot');
    expect(err.message).toContain(path);
    expect(configError(() => loadConfig(['--config', configFile({ configFile: 'x.json' })], {})).field).toBe(
      'configFile',
    );
  });
});

describe('describeConfig', () => {
  it('describes every AppConfig key once, with env and description', () => {
    const rows = describeConfig();
    const keys = rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      [
        'adminPassword', 'boardFrameAncestors', 'configFile', 'dataDir', 'demo', 'host', 'kioskIssueLimitPerMinute', 'logLevel',
        'maxConnectionsPerIp', 'maxPayloadBytes', 'phoneIssueLimitPerHour', 'phoneTicketsPerDevicePerDay', 'port', 'printer', 'publicUrl', 'redisUrl', 'sqliteSynchronous',
        'staffRequestLimitPerMinute', 'tokenTtlHours', 'trustProxy',
        'ssoConfigFile',
      ].sort(),
    );
    for (const row of rows) {
      expect(row.env).toMatch(/^HALLQ_/);
      expect(row.description.length).toBeGreaterThan(20);
      expect(row.default).not.toBe('');
    }
    expect(rows.find((r) => r.key === 'port')).toMatchObject({ env: 'HALLQ_PORT, PORT', flag: '--port', default: '3000' });
    expect(rows.find((r) => r.key === 'demo')?.flag).toBe('--demo / --no-demo');
    expect(rows.find((r) => r.key === 'adminPassword')?.flag).toBe('');
  });

  it('the defaults in the table are the defaults loadConfig uses', () => {
    const config = loadConfig([], {}) as unknown as Record<string, unknown>;
    for (const row of describeConfig()) {
      if (row.default === '(unset)') expect(config[row.key]).toBeUndefined();
      else expect(String(config[row.key])).toBe(row.default);
    }
  });
});

describe('admin password and board framing (issue 13)', () => {
  it('refuses an HALLQ_ADMIN_PASSWORD shorter than 10 characters, without echoing it', () => {
    const err = configError(() => loadConfig([], { HALLQ_ADMIN_PASSWORD: 'short-pw9' }));
    expect(err.field).toBe('adminPassword');
    expect(err.message).toContain('HALLQ_ADMIN_PASSWORD');
    expect(err.message).toContain('at least 10 characters');
    expect(err.message).not.toContain('short-pw9');
    expect(loadConfig([], { HALLQ_ADMIN_PASSWORD: 'ten-chars!' }).adminPassword).toBe('ten-chars!');
  });

  it('reads HALLQ_BOARD_FRAME_ANCESTORS as a list of origins and refuses anything else', () => {
    expect(loadConfig([], { HALLQ_BOARD_FRAME_ANCESTORS: 'https://portal.example.gov.cn  http://10.0.0.5:8080' }).boardFrameAncestors).toEqual([
      'https://portal.example.gov.cn',
      'http://10.0.0.5:8080',
    ]);
    expect('boardFrameAncestors' in loadConfig([], {})).toBe(false);
    for (const bad of ["'unsafe-inline'", 'https://x.example/path', '*', 'javascript:alert(1)', "https://a.example; script-src *"]) {
      expect(configError(() => loadConfig([], { HALLQ_BOARD_FRAME_ANCESTORS: bad })).field).toBe('boardFrameAncestors');
    }
  });
});
