/**
 * 好差评 from the phone e-ticket / the slip's QR code (/t/:id) in a real Chromium at 390×844 (issue 14,
 * done-when 4): 「评价本次服务」 after service, also days later once the ticket left the hall's live state,
 * within the hall's rating period; a second rating of the same ticket is refused ALREADY_RATED from every
 * channel; a 差评 asks for reasons here too.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';

const DAY = 86_400_000;
const POLL = { timeout: 8000, interval: 50 };
const SHOTS = '/tmp/shots-ratings';
const PHONE = { width: 390, height: 844 };

describe.runIf(hasChromium())('phone 好差评 in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let now = Date.now();
  const pages = new TestPages();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestServer({}, { clock: () => now });
    browser = await launchChromium();
  });
  afterEach(async () => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;
  const record = async (ticketId: string) => (await t.server.store.halls.getTicket(ticketId))?.ticket;

  /** A login valid at the server's (moved) clock. */
  async function login(username: string): Promise<string> {
    const password = username === 'admin' ? ADMIN_PASSWORD : 'demo1234';
    const res = await t.api('POST', '/api/auth/login', { body: { username, password }, ip: `10.7.0.${Math.floor(Math.random() * 250)}` });
    return res.body.token as string;
  }

  async function serve(windowId: string, serviceId: string, clerkName: string): Promise<{ id: string; number: string }> {
    const clerk = await login(clerkName);
    await postJson(hall(`/windows/${windowId}/open`), clerk, {}).catch(() => undefined);
    const ticket = ticketOf(await postJson(hall('/tickets'), clerk, { serviceId }));
    expect(ticketOf(await postJson(hall(`/windows/${windowId}/call-next`), clerk, {})).id).toBe(ticket.id);
    await postJson(hall(`/windows/${windowId}/finish`), clerk, {});
    return ticket;
  }

  it('(4) rates from the phone two days later (the ticket left the live state); a second rating is ALREADY_RATED from every channel', async () => {
    const ticket = await serve('5', 'guotu-zhaijidi', 'clerk5');
    const screen = await t.windowScreenToken('5');
    now += 2 * DAY;
    // The hall notices the new day; the served ticket is now only in the store.
    await postJson(hall('/tickets'), await login('zhuren'), { serviceId: 'guotu-zhaijidi' });
    expect((await t.hallState()).tickets[ticket.id]).toBeUndefined();

    const page = await pages.open(browser, PHONE);
    await page.goto(`${t.url}/t/${ticket.id}`);
    const rating = page.getByTestId('phone-rating');
    await rating.waitFor({ timeout: 8000 });
    expect(await rating.textContent()).toContain('评价本次服务');
    expect(await rating.textContent()).toContain(ticket.number);
    expect(await rating.textContent()).toContain('可在');
    await page.screenshot({ path: `${SHOTS}/phone-rating-390x844.png`, fullPage: true });
    await expectAccessible(page, 'phone e-ticket rating');

    await page.getByRole('button', { name: '满意', exact: true }).click();
    await expect.poll(() => page.getByTestId('phone-rated').textContent(), POLL).toContain('满意');
    await expect.poll(async () => (await record(ticket.id))?.rating, POLL).toBe(4);
    expect(await record(ticket.id)).toMatchObject({ ratedVia: 'qr' });
    await page.screenshot({ path: `${SHOTS}/phone-rated-390x844.png` });

    // Opened again (the QR code scanned a second time): rated, no buttons.
    const again = await pages.open(browser, PHONE);
    await again.goto(`${t.url}/t/${ticket.id}`);
    await expect.poll(() => again.getByTestId('phone-rated').textContent(), POLL).toContain('满意');
    expect(await again.getByRole('button', { name: '非常满意', exact: true }).count()).toBe(0);

    // Every other channel is refused.
    expect(errorCodeOf(await t.api('POST', '/api/halls/demo/ratings', { body: { ticketId: ticket.id, level: 5 } }))).toBe('ALREADY_RATED');
    expect(errorCodeOf(await t.api('POST', '/api/halls/demo/ratings', { token: await login('zhuren'), body: { ticketId: ticket.id, level: 5 } }))).toBe('ALREADY_RATED');
    const byScreen = await t.api('POST', '/api/halls/demo/ratings', { token: screen, body: { windowId: '5', level: 5, ticketNumber: ticket.number } });
    expect(['ALREADY_RATED', 'NOT_RATEABLE']).toContain(errorCodeOf(byScreen));
    expect(await record(ticket.id)).toMatchObject({ rating: 4 });
  }, 40_000);

  it('a ticket already rated on the window screen shows as rated on the phone, and a phone 差评 needs a reason', async () => {
    const first = await serve('8', 'shoufei-shuiqi', 'clerk8');
    const screen = await t.windowScreenToken('8');
    expect((await t.api('POST', '/api/halls/demo/ratings', { token: screen, body: { windowId: '8', level: 5, ticketNumber: first.number } })).status).toBe(201);
    const page = await pages.open(browser, PHONE);
    await page.goto(`${t.url}/t/${first.id}`);
    await expect.poll(() => page.getByTestId('phone-rated').textContent(), POLL).toContain('非常满意');

    const second = await serve('8', 'shoufei-shuiqi', 'clerk8');
    const phone = await pages.open(browser, PHONE);
    await phone.goto(`${t.url}/t/${second.id}`);
    await phone.getByTestId('phone-rating').waitFor({ timeout: 8000 });
    await phone.getByRole('button', { name: '不满意', exact: true }).click();
    await phone.getByTestId('phone-reasons').waitFor({ timeout: 8000 });
    await phone.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => phone.getByTestId('phone-rating-problem').textContent(), POLL).toContain('请至少选择一项原因');
    expect((await record(second.id))?.rating).toBeUndefined();
    await phone.getByRole('button', { name: '环境设施差', exact: true }).click();
    await phone.getByLabel('补充说明（选填）').fill('等候区没有座位');
    await phone.screenshot({ path: `${SHOTS}/phone-reasons-390x844.png`, fullPage: true });
    await expectAccessible(phone, 'phone e-ticket 差评 reasons');
    await phone.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => phone.getByTestId('phone-rated').textContent(), POLL).toContain('不满意');
    expect((await t.hallState()).ratingCases?.[second.id]).toMatchObject({ channel: 'qr', level: 2, reasons: ['环境设施差'], note: '等候区没有座位' });
  }, 40_000);
});
