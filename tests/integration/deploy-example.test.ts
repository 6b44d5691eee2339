import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/childServer.js';
import { hasNginx, hasRedis } from '../helpers/requirements.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * docs/deploy.md's example, run for real: deploy/check.sh starts redis-server
 * with deploy/redis/hallq-redis.conf, three server processes as
 * hallq@.service would, and nginx with deploy/nginx/hallq.conf, then
 * deploy/smoke.ts checks through nginx (boards over WebSocket on every
 * process, a call reaching all of them, a process SIGKILLed and its boards
 * coming back), and that forged X-Forwarded-For headers neither escape the
 * login limit and lockout nor the phone-ticket limit. Keeps the committed files honest.
 */
describe.skipIf(!hasRedis() || !hasNginx())('the deployment example (deploy/check.sh)', () => {
  it('serves boards and calls through nginx from three processes on one Redis, and survives one being killed', async () => {
    // Five distinct ports: three processes, Redis, nginx.
    const ports = new Set<number>();
    while (ports.size < 5) ports.add(await freePort());
    const [redisPort, nginxPort, ...hallq] = [...ports];
    const env = { ...process.env, HALLQ_PORTS: hallq.join(' '), REDIS_PORT: String(redisPort), NGINX_PORT: String(nginxPort) };
    const child = spawn('bash', ['deploy/check.sh', '3'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('reconnected through nginx and took a fresh snapshot');
    expect(output).toContain('smoke: OK');
    // Issue 13 item 1, through the shipped nginx file: forged X-Forwarded-For gets no fresh limits.
    expect(output).toMatch(/40 wrong passwords with forged X-Forwarded-For: [0-5] × 401/);
    expect(output).toMatch(/12 cookie-less phone tickets with forged X-Forwarded-For: [0-5] × 201/);
  }, 180_000);
});
