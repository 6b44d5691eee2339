/**
 * `npm run hallq -- …` as real child processes, next to a running server on
 * the same store (issue 11): what the command line creates, the server serves
 * at once; every error is one line on stderr and a non-zero exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { ROOT_DIR } from '../../server/server.js';
import { openSqliteStore } from '../../server/store/sqlite/index.js';
import { type TestRedis, startTestRedis } from '../helpers/redisServer.js';
import { hasRedis } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const stores: Array<[string, boolean]> = [['sqlite', true], ['redis', hasRedis()]];

// Every run is a Node start-up with tsx (about a second, more on a busy machine).
describe.each(stores)('hallq command line on %s', { timeout: 90_000 }, (kind, available) => {
  let t: TestServer;
  let redis: TestRedis | undefined;
  let work: string;

  beforeAll(async () => {
    if (!available) return;
    work = mkdtempSync(join(tmpdir(), 'hallq-cli-'));
    if (kind === 'redis') redis = await startTestRedis();
    t = await startTestServer({ demo: false, ...(redis ? { redisUrl: redis.url } : {}) });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The same command `npm run hallq` runs (tsx server/cli/main.ts), with only the store settings of the server. */
  function hallq(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, HALLQ_DATA_DIR: t.config.dataDir };
    if (redis) env.HALLQ_REDIS_URL = redis.url;
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'server', 'cli', 'main.ts'), ...args], { cwd: ROOT_DIR, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  const refused = (run: Run, code: number, pattern: RegExp) => {
    expect(run.code, run.stderr + run.stdout).toBe(code);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^错误：/);
    expect(lines[0]).toMatch(pattern);
  };
  const hallIds = async () => ((await t.api('GET', '/api/halls')).body as Array<{ id: string }>).map((hall) => hall.id);

  it.runIf(available)('halls create makes a hall the running server serves at once; its log says the command line did it', async () => {
    expect((await hallq('halls', 'list')).stdout).toMatch(/还没有服务大厅/);
    // The running server has looked for the hall before it exists.
    expect((await t.api('GET', '/api/halls/baima-town/board')).status).toBe(404);
    const created = await hallq('halls', 'create', '--template', 'township-8', '--id', 'baima-town', '--name', '白马镇便民服务中心');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('已新建服务大厅 baima-town（白马镇便民服务中心）');
    expect(created.stdout).toContain('/display?hall=baima-town');

    expect(await hallIds()).toContain('baima-town');
    expect((await t.api('GET', '/api/halls/baima-town/board')).body.hall.name).toBe('白马镇便民服务中心');
    const admin = await t.login('admin');
    const ticket = await t.api('POST', '/api/halls/baima-town/tickets', { token: admin, body: { serviceId: 'zonghe-zixun' } });
    expect([ticket.status, ticket.body.number]).toEqual([201, 'A001']);
    const events = (await t.api('GET', '/api/halls/baima-town/events?since=0', { token: admin })).body.events;
    expect(events.map((event: { type: string }) => event.type)).toEqual(['hall:created', 'ticket:issued']);
    expect(events[0]).toMatchObject({ actor: 'user:cli', template: 'township-8', seq: 1 });

    const listed = await hallq('halls', 'list');
    expect(listed.stdout.trim().split('\n')).toContain('baima-town\t白马镇便民服务中心\tAsia/Shanghai');
  });

  it.runIf(available)('halls create refuses bad ids, taken ids, unknown templates and missing options', async () => {
    // Independent refusals: run side by side (each is a Node start-up).
    const runs = await Promise.all([
      hallq('halls', 'create', '--template', 'blank', '--id', 'Bad_Id', '--name', 'x'),
      hallq('halls', 'create', '--template', 'blank', '--id', 'baima-town', '--name', 'x'),
      hallq('halls', 'create', '--template', 'county-99', '--id', 'county', '--name', 'x'),
      hallq('halls', 'create', '--template', 'blank', '--id', 'tz-hall', '--name', 'x', '--time-zone', 'Mars/Base'),
      hallq('halls', 'create', '--template', 'blank', '--id', 'no-name'),
      hallq('halls', 'frobnicate'),
      hallq('--lang', 'en', 'halls', 'create', '--template', 'blank', '--id', 'x', '--name', 'x'),
    ]);
    refused(runs[0]!, 1, /HALL_ID_INVALID/);
    refused(runs[1]!, 1, /已存在.*DUPLICATE/);
    refused(runs[2]!, 1, /没有这个大厅模板.*TEMPLATE_NOT_FOUND/);
    refused(runs[3]!, 1, /时区「Mars\/Base」.*CONFIG_INVALID/s);
    refused(runs[4]!, 2, /缺少 --name/);
    refused(runs[5]!, 2, /未知命令/);
    expect([runs[6]!.code, runs[6]!.stderr.trim()]).toEqual([1, expect.stringMatching(/^Error: A hall id uses lower-case letters.*\[HALL_ID_INVALID\]$/)]);
    const ids = await hallIds();
    for (const id of ['county', 'tz-hall', 'no-name']) expect(ids).not.toContain(id);
  });

  it.runIf(available)('halls export writes the configuration file; halls import makes the next hall from it, the server serves it', async () => {
    const exported = await hallq('halls', 'export', 'baima-town');
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(exported.stdout) as HallConfig;
    const admin = await t.login('admin');
    expect(file).toEqual((await t.api('GET', '/api/halls/baima-town/config', { token: admin })).body.config);
    const path = join(work, `baima-${kind}.json`);
    writeFileSync(path, exported.stdout);

    const imported = await hallq('halls', 'import', path, '--id', 'jinping-town', '--name', '金坪镇便民服务中心');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('已新建服务大厅 jinping-town（金坪镇便民服务中心）');
    const copy = (await t.api('GET', '/api/halls/jinping-town/config', { token: admin })).body.config;
    expect(copy).toEqual({ ...file, id: 'jinping-town', name: '金坪镇便民服务中心' });

    const notJson = join(work, 'not.json');
    writeFileSync(notJson, '{ "id": ');
    const invalid = join(work, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...file, id: 'bad-hall', services: file.services.map((s) => ({ ...s, prefix: 'A' })) }));
    const notConfig = join(work, 'list.json');
    writeFileSync(notConfig, '[1, 2]');
    const badField = join(work, 'bad-field.json');
    writeFileSync(badField, JSON.stringify({ ...file, id: 'bad-field', maxWaitMinutes: -1 }));
    const runs = await Promise.all([
      // The file as exported, unchanged, names its own hall: importing it again is a duplicate.
      hallq('halls', 'import', path),
      hallq('halls', 'export', 'no-such-hall'),
      hallq('halls', 'import', join(work, 'missing.json')),
      hallq('halls', 'import', notJson),
      hallq('halls', 'import', invalid),
      hallq('halls', 'import', badField),
      hallq('halls', 'import', notConfig),
    ]);
    refused(runs[0]!, 1, /DUPLICATE/);
    refused(runs[1]!, 1, /找不到服务大厅 no-such-hall/);
    refused(runs[2]!, 1, /无法读取文件.*ENOENT/);
    refused(runs[3]!, 1, /不是有效的 JSON/);
    refused(runs[4]!, 1, /业务「.*」和「.*CONFIG_INVALID/s);
    refused(runs[5]!, 1, /config\.maxWaitMinutes.*VALIDATION_FAILED/);
    refused(runs[6]!, 1, /不是大厅配置文件/);
    expect(await hallIds()).not.toContain('bad-hall');
  });

  it.runIf(available)('halls export carries the voice packs; halls import restores them byte for byte, or refuses a bad clip naming it', async () => {
    const admin = await t.login('admin');
    const clip = new Uint8Array(readFileSync(join(ROOT_DIR, 'tests', 'fixtures', 'voice', 'qing.wav')));
    const uploaded = await fetch(`${t.url}/api/halls/baima-town/voice-packs/zh`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/zip' },
      body: zipSync({ 'qing.wav': clip, 'd1.wav': clip }) as Uint8Array<ArrayBuffer>,
    });
    expect(uploaded.status).toBe(200);
    const stored = Buffer.from(await (await fetch(`${t.url}/api/halls/baima-town/voice-packs/zh/clips/qing`, { headers: { authorization: `Bearer ${admin}` } })).arrayBuffer());

    const exported = await hallq('halls', 'export', 'baima-town');
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(exported.stdout) as HallConfig & { voicePacks: Record<string, Record<string, string>> };
    expect(Object.keys(file.voicePacks.zh!).sort()).toEqual(['d1', 'qing']);
    expect(Buffer.from(file.voicePacks.zh!.qing!, 'base64').equals(stored)).toBe(true);
    const path = join(work, `baima-voice-${kind}.json`);
    writeFileSync(path, exported.stdout);
    const bad = join(work, `bad-voice-${kind}.json`);
    writeFileSync(bad, JSON.stringify({ ...file, voicePacks: { zh: { qing: file.voicePacks.zh!.qing, ding: file.voicePacks.zh!.qing } } }));

    const [imported, refusedRun] = await Promise.all([
      hallq('halls', 'import', path, '--id', 'shima-town', '--name', '石马镇便民服务中心'),
      hallq('halls', 'import', bad, '--id', 'bad-voice', '--name', 'x'),
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    const copied = await fetch(`${t.url}/api/halls/shima-town/voice-packs/zh/clips/qing`, { headers: { authorization: `Bearer ${admin}` } });
    expect(Buffer.from(await copied.arrayBuffer()).equals(stored)).toBe(true);
    refused(refusedRun, 1, /unknown-name.*file=zh\/ding.*VOICE_PACK_INVALID/);
    expect(await hallIds()).not.toContain('bad-voice');
  });

  it.runIf(available)('halls list leaves out retired halls unless --archived', async () => {
    const admin = await t.login('admin');
    expect((await hallq('halls', 'create', '--template', 'blank', '--id', 'old-hall', '--name', '旧大厅')).code).toBe(0);
    expect((await t.api('POST', '/api/halls/old-hall/archive', { token: admin, body: {} })).status).toBe(200);
    expect((await hallq('halls', 'list')).stdout).not.toContain('old-hall');
    expect((await hallq('halls', 'list', '--archived')).stdout).toContain('old-hall\t旧大厅\tAsia/Shanghai（已停止服务）');
  });

  it.runIf(available)('admin reset-password prints a new password the running server accepts at once', async () => {
    const login = (password: string) => t.api('POST', '/api/auth/login', { body: { username: 'admin', password }, ip: freshIp() });
    expect((await login(ADMIN_PASSWORD)).status).toBe(200);
    const reset = await hallq('admin', 'reset-password');
    expect(reset.code, reset.stderr).toBe(0);
    const password = /新密码：(\S+)/.exec(reset.stdout)?.[1];
    expect(password).toBeDefined();
    expect((await login(ADMIN_PASSWORD)).status).toBe(401);
    const signedIn = await login(password!);
    expect(signedIn.status).toBe(200);
    // A printed password is a given one: nothing but the password change until it is replaced.
    const token = (signedIn.body as { token: string }).token;
    const users = await t.api('GET', '/api/users', { token });
    expect(users.status).toBe(403);
    expect((users.body as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    refused(await hallq('admin', 'reset-password', '--username', 'nobody'), 1, /没有用户名为 nobody 的账户/);
  });

  it.runIf(available)(kind === 'sqlite' ? 'backup makes a consistent copy of the database while the server runs' : 'backup explains BGSAVE and AOF, writes nothing and exits 3', async () => {
    const target = join(work, `backup-${kind}.db`);
    const run = await hallq('backup', target);
    if (kind === 'redis') {
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/BGSAVE/);
      expect(run.stdout).toMatch(/AOF/);
      expect(existsSync(target)).toBe(false);
      return;
    }
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`已备份到 ${target}`);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    const copy = openSqliteStore({ file: target });
    try {
      expect((await copy.halls.listHalls()).map((hall) => hall.id)).toEqual(expect.arrayContaining(['baima-town', 'jinping-town']));
      expect((await copy.halls.eventsSince('baima-town', 0, 10)).map((event) => event.type)).toEqual(['hall:created', 'ticket:issued']);
    } finally {
      await copy.close();
    }
    const before = readFileSync(target);
    refused(await hallq('backup', target), 1, /已存在，未覆盖/);
    expect(readFileSync(target).equals(before)).toBe(true);
    refused(await hallq('backup'), 2, /缺少备份文件名/);
  });
});
