import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildServer, freePort, killHard, startChildServer } from '../helpers/childServer.js';

/**
 * Kill -9 in the middle of a stream of ticket issues and calls, restart, and
 * check that everything the server acknowledged is there and no number is reused.
 */

interface IssuedAck {
  id: string;
  number: string;
  serviceId: string;
}

async function post(url: string, token: string, body: unknown): Promise<{ status: number; json: any } | null> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  } catch {
    return null; // the server died under us: not acknowledged
  }
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin-test-password' }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function allEvents(url: string, token: string): Promise<any[]> {
  const events: any[] = [];
  for (;;) {
    const since = events.at(-1)?.seq ?? 0;
    const response = await fetch(`${url}/api/halls/demo/events?since=${since}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { events: any[]; complete: boolean };
    events.push(...page.events);
    if (page.complete) return events;
  }
}

const SERVICES = ['zonghe-zixun', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji'];
const WINDOWS = ['1', '2', '3', '4'];

describe('SIGKILL during a stream of issues and calls', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-crash-'));
  let server: ChildServer | undefined;

  afterAll(async () => {
    if (server) await killHard(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged ticket and call, and never reuses a number', async () => {
    const port = await freePort();
    server = await startChildServer({ port, dataDir });
    const base = `${server.url}/api/halls/demo`;
    let token = await login(server.url);
    for (const windowId of WINDOWS) expect((await post(`${base}/windows/${windowId}/open`, token, {}))?.status).toBe(200);

    const issued: IssuedAck[] = [];
    const called = new Set<string>();
    let stop = false;
    const issuer = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        const answer = await post(`${base}/tickets`, token, { serviceId: SERVICES[(worker + i) % SERVICES.length] });
        if (answer === null) return;
        if (answer.status === 201) issued.push(answer.json as IssuedAck);
      }
    };
    const caller = async (windowId: string) => {
      while (!stop) {
        const answer = await post(`${base}/windows/${windowId}/call-next`, token, {});
        if (answer === null) return;
        if (answer.status === 200) called.add(answer.json.id as string);
        else await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const workers = [...[0, 1, 2, 3, 4, 5].map(issuer), ...WINDOWS.map(caller)];
    // Let the stream run, then pull the plug while requests are in flight.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await killHard(server);
    stop = true;
    await Promise.all(workers);
    expect(issued.length).toBeGreaterThan(20);
    expect(called.size).toBeGreaterThan(5);

    server = await startChildServer({ port, dataDir });
    token = await login(server.url);

    for (const ticket of issued) {
      const response = await fetch(`${server.url}/api/tickets/${ticket.id}`);
      expect(response.status, `acknowledged ticket ${ticket.number} lost`).toBe(200);
      const status = (await response.json()) as { number: string; status: string };
      expect(status.number).toBe(ticket.number);
      if (called.has(ticket.id)) expect(status.status, `acknowledged call of ${ticket.number} lost`).not.toBe('waiting');
    }

    // Numbers continue after the highest acknowledged one, per service.
    for (const serviceId of SERVICES) {
      const answer = await post(`${base}/tickets`, token, { serviceId });
      expect(answer?.status).toBe(201);
      const next = Number(String(answer!.json.number).slice(1));
      const highestAcked = Math.max(0, ...issued.filter((t) => t.serviceId === serviceId).map((t) => Number(t.number.slice(1))));
      expect(next).toBeGreaterThan(highestAcked);
    }

    // The event log is gap-free and no number was issued twice.
    const events = await allEvents(server.url, token);
    events.forEach((event, index) => expect(event.seq).toBe(index + 1));
    const numbers = events.filter((event) => event.type === 'ticket:issued').map((event) => event.ticket.number as string);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const prefix of new Set(numbers.map((number) => number[0]))) {
      const sequence = numbers.filter((number) => number[0] === prefix).map((number) => Number(number.slice(1)));
      expect(sequence).toEqual(sequence.map((_, index) => index + 1));
    }
  }, 60_000);
});
