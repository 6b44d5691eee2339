import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfig } from '../../server/protocol/model.js';
import { localTime } from '../../server/protocol/rules/time.js';
import { launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

/**
 * Time reaches the kiosk: a kiosk opened before a service's issuing period
 * starts shows the tile closed, and at the minute the period starts the tile
 * opens by itself (the server's minute tick sends `hall:clock`), without a
 * reload. A daily cap filled by another kiosk greys the tile at once, carried
 * by that ticket's own event. The server runs on a clock the test moves, and
 * ticks every 100 ms instead of at each minute, so the test takes seconds.
 */

const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记: opens a minute after the kiosk starts
const BIRTH_NAME = '生育服务登记';
const JOBLESS = 'laobao-shiye-dengji'; // 失业登记与就业创业证办理: daily cap of 1
const JOBLESS_NAME = '失业登记与就业创业证办理';
const POLL = { timeout: 4000, interval: 50 };

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

describe.runIf(hasChromium())('kiosk tiles follow the clock and the caps', () => {
  // Half past the current minute; the test moves it on by hand.
  let now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    t = await startTestServer({}, { clock: () => now, tickIntervalMs: 100 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  const tile = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^${name}，`) });

  it('opens a tile at the minute its period starts, and greys one whose cap another kiosk filled, without a reload', async () => {
    const local = localTime(now, 'Asia/Shanghai');
    // A period of the next minute would wrap past midnight in the last minutes of the day: nothing to show then.
    expect(local.minutes).toBeLessThan(24 * 60 - 2);
    const admin = await t.login('admin');
    const { config } = (await t.api('GET', `/api/halls/${DEMO}/config`, { token: admin })).body as { config: HallConfig };
    const changed: HallConfig = {
      ...config,
      services: config.services.map((service) =>
        service.id === BIRTH
          ? { ...service, issuingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: hhmm(local.minutes + 1), to: hhmm(Math.min(local.minutes + 60, 24 * 60 - 1)) }] }
          : service.id === JOBLESS
            ? { ...service, dailyCap: 1 }
            : service,
      ),
    };
    expect((await t.api('PUT', `/api/halls/${DEMO}/config`, { token: admin, body: { config: changed } })).status).toBe(200);

    const { token, deviceId } = await pairKiosk(t, DEMO, 'preview', '东门取号机');
    const page = await context.newPage();
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=${DEMO}`, { hallId: DEMO, deviceId, token });
    await page.evaluate(() => Object.assign(window, { __sameDocument: true }));

    expect(await tile(page, BIRTH_NAME).isDisabled()).toBe(true);
    expect(await tile(page, BIRTH_NAME).getAttribute('aria-label')).toBe(`${BIRTH_NAME}，Childbirth service registration，不在取号时间，计生办`);
    expect(await tile(page, JOBLESS_NAME).isDisabled()).toBe(false);

    // Still the same minute: the server's ticks change nothing on the screen.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await tile(page, BIRTH_NAME).isDisabled()).toBe(true);

    // The minute the period starts.
    now += 30_000;
    await expect.poll(() => tile(page, BIRTH_NAME).isDisabled(), POLL).toBe(false);
    expect(await tile(page, BIRTH_NAME).getAttribute('aria-label')).toMatch(new RegExp(`^${BIRTH_NAME}，`));
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    // Another kiosk takes the only ticket of the day: the event of that ticket carries the cap.
    const board = await t.connect({ hallId: DEMO });
    const other = await pairKiosk(t, DEMO, 'preview', '西门取号机');
    const issued = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: other.token, body: { serviceId: JOBLESS, delivery: 'e-ticket' } });
    expect(issued.status).toBe(201);
    const event = await board.waitForEvent('ticket:issued');
    expect(event.board.services.find((service: { id: string }) => service.id === JOBLESS)).toMatchObject({ waiting: 1, unavailable: 'CAP_REACHED' });
    await expect.poll(() => tile(page, JOBLESS_NAME).isDisabled(), POLL).toBe(true);
    expect(await tile(page, JOBLESS_NAME).getAttribute('aria-label')).toBe(`${JOBLESS_NAME}，Unemployment registration and employment card，今日号已取完，劳动保障所`);
    // Greyed where it stands, so nobody taps it to find out.
    expect(await tile(page, JOBLESS_NAME).evaluate((node) => getComputedStyle(node).backgroundImage)).toBe('none');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    board.socket.close();
  }, 30_000);
});
