import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { postJson, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

/**
 * The counter panel keeps its view live from the hall's events alone: 20
 * calls at its window, with other tickets arriving meanwhile, and not one
 * REST request from the page; what it shows still matches the server.
 */

const BIRTH = 'jisheng-shengyu-dengji'; // window 3 (计生窗口)
const POLL = { timeout: 5000, interval: 25 };

describe.runIf(hasChromium())('counter panel without re-reading', () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let admin: string;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    admin = await t.login('admin');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  const issue = async () => ticketOf(await postJson(`${t.url}/api/halls/${DEMO}/tickets`, admin, { serviceId: BIRTH }));
  const queueCount = (page: Page) => page.getByTestId(`queue-${BIRTH}`).getByTestId('queue-count').textContent();

  it('makes no REST request during 20 calls at its window', async () => {
    const tickets = [];
    for (let i = 0; i < 20; i++) tickets.push(await issue());

    const page = await context.newPage();
    await page.goto(`${t.url}/counter?hall=${DEMO}`);
    await page.locator('input[name=username]').fill('clerk3');
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByRole('button', { name: '签到 3号窗口' }).click();
    await page.getByTestId('panel').waitFor({ timeout: 5000 });
    await expect.poll(() => queueCount(page), POLL).toBe('20 人等候');

    const rest: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) rest.push(`${request.method()} ${request.url()}`);
    });

    const late = [];
    for (let call = 0; call < 20; call++) {
      await page.getByRole('button', { name: '叫号', exact: true }).click();
      // The previous citizen was called but never started: the panel asks whether they came (they did).
      if (call > 0) await page.getByTestId('arrived-dialog').getByTestId('arrived-yes').click();
      await expect.poll(() => page.getByTestId('current-number').textContent(), POLL).toBe(tickets[call]!.number);
      // Tickets keep arriving from the guide desk while the clerk calls: the queue count follows them.
      if (call % 5 === 0) late.push(await issue());
      const waiting = 20 - (call + 1) + late.length;
      await expect.poll(() => queueCount(page), POLL).toBe(`${waiting} 人等候`);
    }

    const staff = (await t.api('GET', `/api/halls/${DEMO}/staff-view`, { token: admin })).body;
    expect(staff.queues[BIRTH].map((ticket: { number: string }) => ticket.number)).toEqual(late.map((ticket) => ticket.number));
    expect(await page.getByTestId('current-number').textContent()).toBe(tickets[19]!.number);
    expect(rest).toEqual([]);
  }, 60_000);
});
