/**
 * The standalone print agent as an operator starts it on a kiosk PC
 * (npm run printer-agent -- --server … --printer …, token from HALLQ_AGENT_TOKEN):
 * a real child process that connects, reports the printer and prints the kiosk's slips.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../server/server.js';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { cuts, pairKiosk } from '../helpers/printing.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let printer: FakePrinter;

beforeAll(async () => {
  t = await startTestServer();
  printer = await startFakePrinter();
});
afterAll(async () => {
  await t.close();
  await printer.close();
});

function startAgent(token: string, args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT_DIR, 'ticket-printer', 'agent', 'main.ts'), ...args], {
    env: { ...process.env, HALLQ_AGENT_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm run printer-agent', () => {
  it('connects with the token from the environment, reports the printer, prints the kiosk slips and stops on SIGTERM', async () => {
    const paired = await pairKiosk(t, DEMO, 'agent', 'CLI 取号机');
    const agent = startAgent(paired.agentToken!, ['--server', t.url, '--printer', printer.address, '--status-interval', '1']);
    try {
      const zhuren = await t.login('zhuren');
      await until(async () => {
        const printers = (await t.api('GET', `/api/halls/${DEMO}/printers`, { token: zhuren })).body.printers as Array<{ address: string; status: string | null }>;
        return printers.some((p) => p.address === `agent:${paired.agentId}` && p.status === 'ready');
      });
      const res = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: paired.token, body: { serviceId: 'zonghe-zixun', delivery: 'paper', requestId: 'cli-agent-0001' } });
      expect(res.status).toBe(201);
      expect(res.body.print).toMatchObject({ outcome: 'printed' });
      expect(printer.decoded().filter((items) => cuts(items) === 1)).toHaveLength(1);
      expect(agent.output()).toContain(`printing job slip-${res.body.ticket.id}`);
    } finally {
      agent.child.kill('SIGTERM');
    }
    expect(await agent.exited).toBe(0);
  });

  it('refuses a kiosk token or missing arguments with a clear message and exit code 1', async () => {
    const paired = await pairKiosk(t, DEMO, 'preview', 'CLI 错误取号机');
    const wrongToken = startAgent(paired.token, ['--server', t.url, '--printer', printer.address]);
    expect(await wrongToken.exited).toBe(1);
    expect(wrongToken.output()).toMatch(/kiosk, not a print agent/);
    const missing = startAgent('', ['--server', t.url]);
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toMatch(/usage: npm run printer-agent/);
  });
});
