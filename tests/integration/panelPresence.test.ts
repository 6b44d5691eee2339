import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * Counter panels count in the hall's presence, by user (issue 15): the
 * supervisor's "staffed window whose panel is offline" alert comes from it.
 * A supervisor's own view, a phone or a board without a window are not panels.
 */
describe('counter panels in the presence list', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  it('lists a clerk panel by user while it is connected, and tells staff when it goes', async () => {
    const zhuren = await t.login('zhuren');
    const supervisor = await t.connect({ hallId: DEMO, token: zhuren, auth: { client: 'supervisor' } });
    const clerk = await t.login('clerk3');
    const me = (await t.api('GET', '/api/auth/me', { token: clerk })).body;
    const from = supervisor.mark();
    const panel = await t.connect({ hallId: DEMO, token: clerk, auth: { client: 'counter' } });
    const joined = await supervisor.waitForEvent('displays:changed', { from });
    expect(joined.screens).toEqual([{ kind: 'panel', windowId: null, userId: me.user?.id ?? me.id, connections: 1, since: expect.any(Number) }]);
    const listed = await t.api('GET', `/api/halls/${DEMO}/displays`, { token: zhuren });
    expect(listed.body.screens).toEqual(joined.screens);

    const left = supervisor.mark();
    panel.close();
    const gone = await supervisor.waitForEvent('displays:changed', { from: left });
    expect(gone.screens).toEqual([]);
    // A public socket calling itself a counter is no panel: there is no staff user behind it.
    const phone = await t.connect({ hallId: DEMO, auth: { client: 'counter' } });
    expect((await t.api('GET', `/api/halls/${DEMO}/displays`, { token: zhuren })).body.screens).toEqual([]);
    phone.close();
  });
});
