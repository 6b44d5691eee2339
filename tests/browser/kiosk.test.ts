import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { allowPrinters, cuts, openPairedKiosk, pairKiosk, printedText, qrPayloads, tcpTarget } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * The kiosk (/kiosk), the phone e-ticket (/t/:id) and what staff see of the
 * printer, in a real Chromium against a real server and a fake ESC/POS printer.
 */

const POLL = { timeout: 8000, interval: 50 };
const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记, G, window 3

describe.runIf(hasChromium())('kiosk and e-ticket in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let printer: FakePrinter;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  beforeEach(async () => {
    printer = await startFakePrinter();
    await allowPrinters(t, DEMO, [tcpTarget(printer.address)]);
  });
  afterEach(async () => {
    await pages.closeAll();
    await printer.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(viewport = { width: 1920, height: 1080 }): Promise<Page> {
    return pages.open(browser, viewport);
  }

  /** A kiosk page already paired (its token in the browser's storage), showing the services. */
  async function pairedKiosk(printerAddress: string, query = ''): Promise<Page> {
    const { token, deviceId } = await pairKiosk(t, DEMO, printerAddress, `取号机-${Math.random().toString(36).slice(2, 6)}`);
    const page = await newPage();
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=demo${query}`, { hallId: DEMO, deviceId, token });
    return page;
  }

  const tile = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^${name}，`) });
  const counter = async () => (await t.hallState()).counters[BIRTH] ?? 0;

  it('pairs on first use, then a tap prints the slip on the printer and shows the same number', async () => {
    const page = await newPage();
    await page.goto(`${t.url}/kiosk/?hall=demo`);
    await page.getByRole('heading', { name: '取号机配对' }).waitFor();
    await page.getByLabel('用户名').fill('zhuren');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByLabel('取号机名称').fill('大厅东门取号机');
    await page.getByLabel('网络打印机').check();
    await page.getByLabel('打印机地址').fill(printer.address);
    await page.getByRole('button', { name: '配对' }).click();
    await tile(page, '生育服务登记').waitFor();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('hallq.kiosk.demo') ?? 'null'));
    expect(stored).toMatchObject({ hallId: DEMO, name: '大厅东门取号机', token: expect.stringMatching(/^hqd_/) });

    const before = await counter();
    await tile(page, '生育服务登记').click();
    const number = (await page.getByTestId('ticket-number').textContent())!;
    expect(number).toMatch(/^G\d{3}$/);
    await page.getByText('号票已打印，请从出票口取走').waitFor();
    expect(await counter()).toBe(before + 1);

    const slips = printer.decoded().filter((items) => cuts(items) === 1);
    expect(slips).toHaveLength(1);
    expect(printedText(slips[0]!).map((line) => line.trim())).toContain(number);
    const [link] = qrPayloads(slips[0]!);
    expect(link).toMatch(new RegExp(`^${t.url}/t/[A-Za-z0-9_-]+$`));
    expect(await page.locator('[data-qr]').first().getAttribute('data-qr')).toBe(link);

    // Back to the start by itself is on a timer; the 完成 button does it at once.
    await page.getByRole('button', { name: '完成' }).click();
    await tile(page, '生育服务登记').waitFor();
  });

  it('a double tap issues one ticket', async () => {
    const page = await pairedKiosk(printer.address);
    const before = await counter();
    await tile(page, '生育服务登记').dblclick();
    await page.getByTestId('ticket-number').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await counter()).toBe(before + 1);
    expect(printer.decoded().filter((items) => cuts(items) === 1)).toHaveLength(1);
  });

  it('paper out: the kiosk says so, offers an e-ticket, and the clerk panel raises the alarm', async () => {
    printer.setStatus('paper-out');
    const page = await pairedKiosk(printer.address);
    const before = await counter();
    await tile(page, '生育服务登记').click();
    await page.getByRole('heading', { name: '打印机缺纸' }).waitFor();
    expect(await counter()).toBe(before);

    // The clerk at window 3 sees it without reloading.
    const panel = await newPage({ width: 1366, height: 768 });
    await panel.goto(`${t.url}/counter?hall=demo`);
    await panel.locator('input[name=username]').fill('clerk3');
    await panel.locator('input[name=password]').fill(DEMO_PASSWORD);
    await panel.locator('button[type=submit]').click();
    await panel.getByRole('button', { name: '签到 3号窗口' }).click();
    const alarm = panel.getByTestId('alarm-printer').filter({ hasText: '缺纸' });
    await expect.poll(() => alarm.count(), POLL).toBeGreaterThan(0);
    expect(await alarm.first().textContent()).toMatch(/取号机「.+」的打印机：缺纸/);

    await page.getByRole('button', { name: '领取电子号票' }).click();
    const number = (await page.getByTestId('ticket-number').textContent())!;
    expect(number).toMatch(/^G\d{3}$/);
    await page.getByText('请用手机扫描二维码，保存您的电子号票').first().waitFor();
    expect(await counter()).toBe(before + 1);
    expect(printer.decoded().filter((items) => cuts(items) === 1)).toHaveLength(0);

    // Paper refilled: the alarm clears once the printer is seen ready again.
    printer.setStatus('ok');
    await page.getByRole('button', { name: '完成' }).click();
    await tile(page, '生育服务登记').click();
    await page.getByText('号票已打印，请从出票口取走').waitFor();
    await expect.poll(() => panel.getByTestId('alarm-printer').filter({ hasText: '缺纸' }).count(), POLL).toBe(0);
  });

  it('the e-ticket says 「暂无窗口办理，请咨询导办台」 while no window serves its service, and the wait once one opens, live', async () => {
    const FARM = 'caizheng-huinong-butie'; // windows 6, 7 and 1
    const board = (await t.api('GET', `/api/halls/${DEMO}/board`)).body as { services: Array<{ id: string; windowsServing: number; waiting: number }> };
    expect(board.services.find((service) => service.id === FARM)).toMatchObject({ windowsServing: 0, waiting: 0 });
    const kioskToken = (await pairKiosk(t, DEMO, 'preview', 'unserved e-ticket kiosk')).token;
    const mine = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kioskToken, body: { serviceId: FARM, delivery: 'e-ticket' } });
    expect(mine.status).toBe(201);
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(mine.body.eTicketUrl);
    await expect.poll(() => phone.getByTestId('eticket-wait').textContent(), POLL).toBe('暂无窗口办理，请咨询导办台');
    expect(await phone.getByTestId('eticket-ahead').textContent()).toBe('0');
    expect(await phone.evaluate(() => document.body.innerText)).not.toContain('即将叫号');

    const clerk6 = await t.login('clerk6');
    await t.api('POST', `/api/halls/${DEMO}/windows/6/open`, { token: clerk6, body: {} });
    try {
      await expect.poll(() => phone.getByTestId('eticket-wait').textContent(), POLL).toBe('无需等候');
    } finally {
      await t.api('POST', `/api/halls/${DEMO}/tickets/${mine.body.ticket.id}/cancel`, { token: clerk6, body: {} });
      await t.api('POST', `/api/halls/${DEMO}/windows/6/close`, { token: clerk6, body: {} });
    }
  });

  it('the e-ticket page follows its ticket live and signals the call; axe finds nothing serious waiting or called', async () => {
    const clerk = await t.login('clerk3');
    await t.api('POST', `/api/halls/${DEMO}/windows/3/open`, { token: clerk, body: {} });
    // Empty window 3's queue first, so the ticket below is next.
    for (;;) {
      const called = await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} });
      if (called.status !== 200) break;
    }
    const kioskToken = (await pairKiosk(t, DEMO, 'preview', 'e-ticket kiosk')).token;
    const ahead = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kioskToken, body: { serviceId: BIRTH, delivery: 'e-ticket' } });
    const mine = await t.api('POST', `/api/halls/${DEMO}/kiosk/tickets`, { token: kioskToken, body: { serviceId: BIRTH, delivery: 'e-ticket' } });
    expect(mine.status).toBe(201);

    const phone = await newPage({ width: 390, height: 844 });
    await phone.addInitScript(() => {
      const calls: unknown[] = [];
      Object.assign(window, { __vibrations: calls });
      Object.defineProperty(navigator, 'vibrate', { value: (pattern: unknown) => (calls.push(pattern), true) });
    });
    await phone.goto(mine.body.eTicketUrl);
    await expect.poll(() => phone.getByTestId('eticket-number').textContent(), POLL).toBe(mine.body.ticket.number);
    expect(await phone.getByTestId('eticket-status').textContent()).toBe('等候中');
    expect(await phone.getByTestId('eticket-ahead').textContent()).toBe('1');
    expect(await phone.getByTestId('eticket-wait').textContent()).toMatch(/^约 \d+–\d+ 分钟$/);
    await expectAccessible(phone, 'phone e-ticket waiting (390×844)');

    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} }); // calls the one ahead
    await expect.poll(() => phone.getByTestId('eticket-ahead').textContent(), POLL).toBe('0');
    await t.api('POST', `/api/halls/${DEMO}/windows/3/call-next`, { token: clerk, body: {} }); // calls mine
    await expect.poll(() => phone.getByTestId('eticket-window').textContent(), POLL).toBe('3号窗口');
    await phone.getByText('轮到您了！').waitFor();
    await expectAccessible(phone, 'phone e-ticket called (390×844)');
    expect(await phone.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length)).toBeGreaterThan(0);
    expect(ahead.body.ticket.number).not.toBe(mine.body.ticket.number);
  });

  it('speaks English with ?lang=en, has a large-text mode, and its buttons have names', async () => {
    const page = await pairedKiosk('preview', '&lang=en');
    await page.getByRole('button', { name: /^Childbirth service registration，/ }).waitFor();
    await page.getByRole('button', { name: 'Appointment check-in' }).waitFor();
    await page.getByRole('button', { name: 'Priority lane' }).waitFor();
    const sizeBefore = await page.locator('.tile .name').first().evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
    await page.getByRole('button', { name: 'Large text' }).click();
    expect(await page.getByRole('button', { name: 'Normal text' }).getAttribute('aria-pressed')).toBe('true');
    const sizeAfter = await page.locator('.tile .name').first().evaluate((node) => parseFloat(getComputedStyle(node).fontSize));
    expect(sizeAfter).toBeGreaterThan(sizeBefore * 1.2);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('button', { name: '预约签到' }).waitFor();
    const unnamed = await page.locator('button').evaluateAll((buttons) => buttons.filter((button) => !(button.getAttribute('aria-label') ?? button.textContent ?? '').trim()).length);
    expect(unnamed).toBe(0);
  });

  it('a clerk prints the one-time notice and the acceptance receipt from the panel', async () => {
    const admin = await t.login('admin');
    const panel = await newPage({ width: 1366, height: 768 });
    await panel.goto(`${t.url}/counter?hall=demo`);
    await panel.locator('input[name=username]').fill('clerk5');
    await panel.locator('input[name=password]').fill(DEMO_PASSWORD);
    await panel.locator('button[type=submit]').click();
    await panel.getByRole('button', { name: '签到 5号窗口' }).click();
    expect(await panel.getByTestId('notice-missing-materials').isDisabled()).toBe(true);
    const issued = await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: admin, body: { serviceId: 'guotu-zhaijidi' } });
    await panel.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => panel.getByTestId('current-number').textContent(), POLL).toBe(issued.body.number);

    await panel.getByTestId('notice-missing-materials').click();
    const dialog = panel.getByTestId('notice-dialog');
    const print = dialog.getByRole('button', { name: '打印' });
    expect(await print.isDisabled()).toBe(true); // nothing ticked, no note
    const first = dialog.getByRole('checkbox').first();
    const item = (await first.evaluate((box) => (box as HTMLInputElement).value))!;
    await first.check();
    await print.dblclick();
    await expect.poll(() => panel.getByTestId('message').textContent(), POLL).toBe(`一次性告知单已打印（${issued.body.number}）`);

    await panel.getByTestId('notice-acceptance-receipt').click();
    await panel.getByTestId('notice-dialog').getByLabel('受理编号（可选）').fill('ZJD-2026-0099');
    await panel.getByTestId('notice-dialog').getByRole('button', { name: '打印' }).click();
    await expect.poll(() => panel.getByTestId('message').textContent(), POLL).toMatch(new RegExp(`^受理回执已打印（${issued.body.number}），承诺办结日期：\\d{4}-\\d{2}-\\d{2}$`));

    const jobs = (await t.api('GET', `/api/halls/${DEMO}/print-jobs`, { token: admin })).body.jobs as Array<{ kind: string; label: string; document: { blocks: Array<{ kind: string; text?: string; right?: string }> } }>;
    const mine = jobs.filter((job) => job.label === issued.body.number);
    // The double click printed one notice; the receipt carries the case number.
    expect(mine.map((job) => job.kind)).toEqual(['acceptance-receipt', 'missing-materials']);
    expect(mine[1]!.document.blocks).toContainEqual({ kind: 'text', text: `1. ${item}` });
    expect(mine[0]!.document.blocks).toContainEqual({ kind: 'pair', left: '受理编号', right: 'ZJD-2026-0099' });
  });

  it('a phone takes a number from the entrance QR page and lands on its e-ticket', async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${t.url}/t/take?hall=demo`);
    await phone.getByRole('heading', { name: '手机取号' }).waitFor();
    const before = await counter();
    await phone.getByRole('button', { name: /^生育服务登记/ }).click();
    await phone.waitForURL(/\/t\/[A-Za-z0-9_-]+$/);
    await expect.poll(() => phone.getByTestId('eticket-number').textContent(), POLL).toMatch(/^G\d{3}$/);
    expect(await counter()).toBe(before + 1);
    const state = await t.hallState();
    const ticketId = phone.url().split('/t/')[1]!;
    expect(state.tickets[ticketId]).toMatchObject({ channel: 'phone', serviceId: BIRTH });
  });

  it('a revoked kiosk is sent back to pairing', async () => {
    const page = await pairedKiosk('preview');
    const deviceId = await page.evaluate(() => JSON.parse(localStorage.getItem('hallq.kiosk.demo')!).deviceId as string);
    await t.api('POST', `/api/halls/${DEMO}/devices/${deviceId}/revoke`, { token: await t.login('zhuren'), body: {} });
    await page.getByRole('heading', { name: '取号机配对' }).waitFor({ timeout: 8000 });
    await page.getByText('本取号机已停用或未配对，请联系管理员。').waitFor();
    expect(await page.evaluate(() => localStorage.getItem('hallq.kiosk.demo'))).toBeNull();
  });
});
