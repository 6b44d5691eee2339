/**
 * A standalone print agent (USB printer on a kiosk PC) connected over
 * Socket.IO: jobs reach it, its status reaches staff, and a job whose answer
 * was lost when the agent disconnected mid-job is offered again under the
 * same id and answered from the agent's memory, never printed twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../../server/protocol/printDocument.js';
import { type PrintAgent, hallOfToken, startPrintAgent } from '../../ticket-printer/agent/agent.js';
import { openPrinter } from '../../ticket-printer/agent/drivers/index.js';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { cuts, pairKiosk } from '../helpers/printing.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

const BIRTH = 'jisheng-shengyu-dengji';
const quietLog = { info: () => undefined, warn: () => undefined };

let t: TestServer;
let printer: FakePrinter;
const agents: PrintAgent[] = [];

beforeAll(async () => {
  // Short delivery timing so the reconnect case runs in about a second.
  t = await startTestServer({}, { agentTiming: { probeTimeoutMs: 1_000, attemptTimeoutMs: 800, deadlineMs: 8_000, retryDelayMs: 100 } });
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await printer?.close();
});

function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(check, 20);
    };
    check();
  });
}

async function connectAgent(token: string, driver: PrinterDriver): Promise<PrintAgent> {
  const agent = startPrintAgent({ server: t.url, token, hallId: await hallOfToken(t.url, token), printer: driver, log: quietLog, statusIntervalMs: 60_000 });
  agents.push(agent);
  await waitUntil(() => agent.socket.connected);
  return agent;
}

describe('print agent', () => {
  it('pairing a kiosk with an agent printer gives both tokens; the agent prints the kiosk\'s slips and reports status', async () => {
    printer = await startFakePrinter();
    const paired = await pairKiosk(t, DEMO, 'agent');
    expect(paired.agentToken).toMatch(/^hqd_/);
    await expect(hallOfToken(t.url, paired.token)).rejects.toThrow(/kiosk, not a print agent/);
    const staff = await t.connect({ token: await t.login('zhuren') });

    // Without the agent connected, the kiosk's printer is offline: nothing is issued.
    const offline = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: paired.token, body: { serviceId: BIRTH, delivery: 'paper' } });
    expect(offline.body.error).toMatchObject({ code: 'PRINTER_UNAVAILABLE', details: { status: 'offline' } });

    const mark = staff.mark();
    const agent = await connectAgent(paired.agentToken!, openPrinter(printer.address));
    await staff.waitForEvent('printers:changed', {
      from: mark,
      where: (update) => update.printers.some((p: { address: string; status: string }) => p.address === `agent:${paired.agentId}` && p.status === 'ready'),
    });

    const res = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: paired.token, body: { serviceId: BIRTH, delivery: 'paper', requestId: 'agent-slip-0001' } });
    expect(res.status).toBe(201);
    expect(res.body.print).toMatchObject({ outcome: 'printed', address: `agent:${paired.agentId}` });
    expect(printer.decoded().filter((items) => cuts(items) === 1)).toHaveLength(1);

    // Paper runs out between jobs: the agent's report reaches staff without any ticket being taken.
    printer.setStatus('paper-out');
    const before = staff.mark();
    agent.socket.emit('printer:status', { status: 'paper-out' satisfies PrinterStatus });
    await staff.waitForEvent('printers:changed', {
      from: before,
      where: (update) => update.printers.some((p: { address: string; status: string }) => p.address === `agent:${paired.agentId}` && p.status === 'paper-out'),
    });
  });

  it('an agent that disconnects mid-job prints the job once; the server gets the outcome after the reconnect', async () => {
    printer = await startFakePrinter();
    const paired = await pairKiosk(t, DEMO, 'agent', '二号取号机');
    const fake = openPrinter(printer.address);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let printCalls = 0;
    // The agent's printer takes its time; meanwhile the agent's connection drops.
    const slowDriver: PrinterDriver = {
      address: fake.address,
      status: () => fake.status(),
      async print(document: PrintDocument): Promise<PrintResult> {
        printCalls += 1;
        await gate;
        return fake.print(document);
      },
      close: () => fake.close(),
    };
    const agent = await connectAgent(paired.agentToken!, slowDriver);
    const answer = t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: paired.token, body: { serviceId: BIRTH, delivery: 'paper', requestId: 'agent-slip-0002' } });
    await waitUntil(() => printCalls === 1);
    agent.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // at least one delivery attempt times out meanwhile
    release();
    agent.socket.connect();
    const res = await answer;
    expect(res.status).toBe(201);
    expect(res.body.print.outcome).toBe('printed');
    expect(printCalls).toBe(1);
    expect(printer.decoded().filter((items) => cuts(items) === 1)).toHaveLength(1);
  });

  it('refuses status reports that are not from a print agent, or malformed', async () => {
    const kiosk = await pairKiosk(t, DEMO, 'preview', '三号取号机');
    const kioskSocket = await t.connect({ token: kiosk.token, auth: { client: 'kiosk' } });
    const refused = await kioskSocket.send('printer:status', { status: 'ready' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const paired = await pairKiosk(t, DEMO, 'agent', '四号取号机');
    const agentSocket = await t.connect({ token: paired.agentToken!, auth: { client: 'agent' } });
    for (const bad of [{ status: 'on-fire' }, { status: 'ready', extra: 1 }, 'ready', null]) {
      expect(await agentSocket.send('printer:status', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await agentSocket.send('printer:status', { status: 'cover-open' })).toEqual({ ok: true, data: null });
  });
});
