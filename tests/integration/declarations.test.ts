/**
 * The transports are derived from the command declarations: every declared
 * command answers on its REST route and its socket event, validates there with
 * its own schema, and runs with the same answer over both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES, declarations } from '../../server/protocol/declarations.js';
import { type TestServer, DEMO, startTestServer } from '../helpers/testServer.js';

let t: TestServer;
let admin: string;

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.login('admin');
});
afterAll(() => t?.close());

/** The declared path with the demo hall and placeholder ids. */
const pathOf = (path: string) => path.replace(':hallId', DEMO).replace(/:[A-Za-z]+/g, '1');

describe('every declared command', () => {
  it('has its REST route: an unknown field is VALIDATION_FAILED (not the 404 of an unknown route)', async () => {
    for (const name of COMMAND_NAMES) {
      const { rest } = declarations[name];
      const response = await t.api(rest.method, pathOf(rest.path), { token: admin, body: { unexpectedField: 1 } });
      expect([name, response.status, response.body.error?.code]).toEqual([name, 400, 'VALIDATION_FAILED']);
    }
  });

  it('has its socket event (hall:close-day included): an unknown field is VALIDATION_FAILED, not NOT_FOUND', async () => {
    const socket = await t.connect({ token: admin });
    try {
      for (const name of COMMAND_NAMES) {
        const event = declarations[name].socket;
        if (event === null) continue;
        const ack = await socket.send(event, { windowId: '1', unexpectedField: 1 });
        expect([name, ack.ok ? null : ack.error.code]).toEqual([name, 'VALIDATION_FAILED']);
      }
      // hall.configure has no socket event, and the server's clock is no caller's command.
      for (const event of ['hall:configure', 'hall:tick']) {
        const ack = await socket.send(event, {});
        expect(ack.ok ? null : ack.error.code).toBe('NOT_FOUND');
      }
    } finally {
      socket.close();
    }
  });

  it('answers the same over both transports: hall:close-day over the socket, then over REST', async () => {
    const socket = await t.connect({ token: admin });
    try {
      const first = await socket.send('hall:close-day', { requestId: 'close-day-1' });
      expect(first.ok).toBe(true);
      const again = await t.api('POST', `/api/halls/${DEMO}/close-day`, { token: admin, body: {} });
      expect(again.status).toBe(200);
      expect(Object.keys(again.body).sort()).toEqual(Object.keys(first.ok ? first.data : {}).sort());
      expect(again.body.expired).toBe(0);
    } finally {
      socket.close();
    }
  });
});
