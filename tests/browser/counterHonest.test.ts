import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { postJson, staffEvents, ticketOf } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { DEMO_PASSWORD, type TestServer, errorCodeOf, startTestServer } from '../helpers/testServer.js';
import { NO_SHOW_UNDO_MS } from '../../counter/src/lib/panel.js';

/**
 * The clerk panel keeps the record honest (issue 15): a no-show can be taken
 * back for a few seconds without a confirmation dialog, 叫号 over a called
 * citizen who never started asks whether they came, a ticket the window
 * transferred away cannot be called back there, and the notice buttons say
 * why they are off (in text, right after a take-over too) and do not make the
 * clerk type the 办件编号 twice. Each test uses its own windows of the demo hall.
 */

const POLL = { timeout: 5000, interval: 50 };
const SHOTS = '/tmp/shots-counter';

describe.runIf(hasChromium())('counter panel: undo, the arrival question, transfers, notices', () => {
  let t: TestServer;
  let browser: Browser;
  let admin: string;
  const pages = new TestPages();
  const hall = (path: string) => `${t.url}/api/halls/demo${path}`;

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    admin = await t.login('admin');
    mkdirSync(SHOTS, { recursive: true });
  });
  afterEach(() => pages.closeAll());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function panelAt(username: string, windowNumber: number): Promise<Page> {
    const page = await pages.open(browser, { width: 1366, height: 768 });
    await page.goto(`${t.url}/counter?hall=demo`);
    await page.locator('input[name=username]').fill(username);
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByRole('button', { name: `签到 ${windowNumber}号窗口` }).click();
    await page.getByTestId('panel').waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('connection').getAttribute('class'), POLL).not.toMatch(/offline/);
    return page;
  }
  const issue = async (serviceId: string) => ticketOf(await postJson(hall('/tickets'), admin, { serviceId }));
  const current = (page: Page) => page.getByTestId('current-number').textContent();
  const eventsOf = async (ticketId: string) => (await staffEvents(t.url, admin)).filter((event) => event.ticket?.id === ticketId).map((event) => event.type);

  it('F4 waits with a visible 撤销 (no dialog): undone, nothing is recorded; left alone, the no-show goes', async () => {
    const first = await issue('laobao-jumin-yanglao');
    const page = await panelAt('clerk4', 4);
    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(first.number);

    await page.keyboard.press('F4');
    const pending = page.getByTestId('noshow-pending');
    await pending.waitFor();
    expect(await pending.textContent()).toContain(`将 ${first.number} 号记为过号`);
    expect(await page.getByRole('dialog').count()).toBe(0);
    // While it waits, what treats the citizen as present is off, and says why.
    expect(await page.getByTestId('action-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('reason-ticket-actions').textContent()).toBe('正在记为过号，可先撤销');
    await expectAccessible(page, 'counter panel with a pending no-show (1366×768)');
    await page.screenshot({ path: `${SHOTS}/counter-noshow-undo-1366x768.png` });

    await page.getByRole('button', { name: `撤销 ${first.number} 号过号` }).click();
    await pending.waitFor({ state: 'detached' });
    expect(await page.getByTestId('message').textContent()).toBe(`已撤销过号，${first.number} 号仍在本窗口`);
    // Past the undo time: still the clerk's current ticket, and the log has no no-show.
    await page.waitForTimeout(NO_SHOW_UNDO_MS + 700);
    expect(await current(page)).toBe(first.number);
    expect(await page.getByTestId('current-status').textContent()).toContain('已叫号');
    expect(await eventsOf(first.id)).toEqual(['ticket:issued', 'ticket:called']);

    // Pressed again and left alone: recorded once the undo time is over.
    await page.getByRole('button', { name: '过号' }).click();
    await page.getByTestId(`noshow-${first.number}`).waitFor({ timeout: NO_SHOW_UNDO_MS + 5000 });
    expect(await page.getByTestId('current-none').count()).toBe(1);
    expect(await eventsOf(first.id)).toEqual(['ticket:issued', 'ticket:called', 'ticket:no-show']);
  }, 40_000);

  it('叫号 over a called citizen who never started asks whether they came: 办结 or 过号, each recorded as answered', async () => {
    const [a, b, c, d, e] = [
      await issue('jisheng-liudong-hunyu'),
      await issue('jisheng-liudong-hunyu'),
      await issue('jisheng-liudong-hunyu'),
      await issue('jisheng-liudong-hunyu'),
      await issue('jisheng-liudong-hunyu'),
    ];
    const page = await panelAt('clerk3', 3);
    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(a.number);
    expect(await page.getByTestId('reason-call-next').textContent()).toBe(`${a.number} 未开始办理：叫号前先确认群众是否来过`);

    // Asked; 取消 changes nothing.
    await page.getByRole('button', { name: '叫号', exact: true }).click();
    const dialog = page.getByTestId('arrived-dialog');
    await dialog.waitFor();
    expect(await page.getByRole('heading', { name: `${a.number} 号还没有开始办理` }).count()).toBe(1);
    // Both answers fit inside the dialog (nothing cut at the clerk's 1366×768).
    const frame = (await dialog.boundingBox())!;
    for (const answer of await dialog.getByRole('button').all()) {
      const box = (await answer.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(frame.x + frame.width);
    }
    await expectAccessible(page, 'counter panel, the arrival question (1366×768)');
    await page.screenshot({ path: `${SHOTS}/counter-arrived-1366x768.png` });
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await current(page)).toBe(a.number);
    expect(await eventsOf(a.id)).toEqual(['ticket:issued', 'ticket:called']);

    // "Did not come" (F4 in the question): a no-show, then the next is called.
    await page.keyboard.press('F1');
    await dialog.waitFor();
    await page.keyboard.press('F4');
    await expect.poll(() => current(page), POLL).toBe(b.number);
    expect(await eventsOf(a.id)).toEqual(['ticket:issued', 'ticket:called', 'ticket:no-show']);

    // "Served": 办结, then the next.
    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await dialog.getByRole('button', { name: `办理了：办结 ${b.number}，叫下一位` }).click();
    await expect.poll(() => current(page), POLL).toBe(c.number);
    const finished = (await staffEvents(t.url, admin)).find((event) => event.type === 'ticket:finished' && event.ticket.id === b.id);
    expect(finished).toMatchObject({ outcome: 'completed' });

    // Started (开始办理) or with an outcome chosen, 叫号 does not ask.
    await page.getByRole('button', { name: '开始办理' }).click();
    await expect.poll(() => page.getByTestId('current-status').textContent(), POLL).toBe('正在办理');
    await page.getByRole('button', { name: '叫号', exact: true }).click();
    await expect.poll(() => current(page), POLL).toBe(d.number);
    expect(await dialog.count()).toBe(0);
    expect(await eventsOf(c.id)).toEqual(['ticket:issued', 'ticket:called', 'ticket:started', 'ticket:finished']);

    // 叫此号 over a citizen who never started asks the same, in its confirmation.
    await page.getByRole('button', { name: `叫此号 ${e.number}` }).click();
    const call = page.getByTestId('call-dialog');
    await call.getByRole('button', { name: `${d.number} 没有来：记为过号，叫 ${e.number} 号` }).click();
    await expect.poll(() => current(page), POLL).toBe(e.number);
    expect(await eventsOf(d.id)).toEqual(['ticket:issued', 'ticket:called', 'ticket:no-show']);
  }, 30_000);

  it('the window that transferred a ticket lists it as sent away, with 叫此号 off; the server refuses the call too', async () => {
    // Window 6 serves 惠农补贴 and 农机补贴; window 7 serves 农机补贴 too.
    const moved = await issue('caizheng-huinong-butie');
    const other = await issue('nongye-nongji-butie');
    const seven = await t.login('clerk7');
    await postJson(hall('/windows/7/open'), seven);
    const page = await panelAt('clerk6', 6);
    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(moved.number);
    await page.getByRole('button', { name: '转移…' }).click();
    const dialog = page.getByTestId('transfer-dialog');
    await dialog.getByLabel('转到业务').selectOption('nongye-nongji-butie');
    await dialog.getByRole('button', { name: '确认转移' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5000 });

    const row = page.getByTestId(`waiting-${moved.number}`);
    await row.waitFor();
    expect(await row.getByTestId('sent-away').textContent()).toBe('本窗口转出');
    expect(await row.getByRole('button', { name: `叫此号 ${moved.number}` }).isDisabled()).toBe(true);
    // 叫号 here takes the ordinary ticket, not the one sent away (first in line everywhere else).
    expect(await page.getByRole('button', { name: `叫此号 ${other.number}` }).isEnabled()).toBe(true);
    const clerk6 = await t.login('clerk6');
    const refused = await t.api('POST', '/api/halls/demo/windows/6/call', { token: clerk6, body: { ticketId: moved.id } });
    expect(refused.status).toBe(409);
    expect(errorCodeOf(refused)).toBe('TICKET_TRANSFERRED_AWAY');
    expect(refused.body.error.message).toContain('本窗口刚转出');
    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(other.number);
    expect(await postJson(hall('/windows/7/call-next'), seven)).toMatchObject({ id: moved.id, callReason: 'transfer' });
  }, 30_000);

  it('notice buttons look off and say why in text (the right reason after a take-over); 受理回执 starts with the typed 办件编号', async () => {
    const ticket = await issue('guotu-zhaijidi');
    const page = await panelAt('clerk5', 5);
    const reason = page.getByTestId('reason-notices');
    const receipt = page.getByTestId('notice-acceptance-receipt');
    expect(await receipt.isDisabled()).toBe(true);
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.textContent()).toBe('先叫号；办结后也可立即为刚办完的号票打印。');
    expect(await receipt.getAttribute('aria-describedby')).toBe('reason-notices');
    // Off looks off: not the enabled button's white face.
    expect(await receipt.evaluate((button) => getComputedStyle(button).borderStyle)).toBe('dashed');

    await page.keyboard.press('F1');
    await expect.poll(() => current(page), POLL).toBe(ticket.number);
    expect(await receipt.isEnabled()).toBe(true);
    expect(await reason.textContent()).toBe('');
    await page.getByLabel('办件编号（选填）').fill('ZJD-2026-0042');
    await receipt.click();
    const dialog = page.getByTestId('notice-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('notice-case-number').inputValue()).toBe('ZJD-2026-0042');
    await dialog.getByRole('button', { name: '取消' }).click();

    // Finished with it: a receipt right after starts with the same number.
    await page.getByRole('button', { name: '办结' }).click();
    await page.getByTestId('current-none').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('notice-missing-materials').isDisabled()).toBe(true);
    await receipt.click();
    expect(await dialog.getByTestId('notice-case-number').inputValue()).toBe('ZJD-2026-0042');
    await dialog.getByRole('button', { name: '取消' }).click();
    await expectAccessible(page, 'counter panel (1366×768)');
    await page.screenshot({ path: `${SHOTS}/counter-panel-1366x768.png` });

    // Taken over (AB岗): the reason names who holds the window now, not "call a ticket first".
    const other = await pages.open(browser, { width: 1366, height: 768 });
    await other.goto(`${t.url}/counter?hall=demo`);
    await other.locator('input[name=username]').fill('clerk2');
    await other.locator('input[name=password]').fill(DEMO_PASSWORD);
    await other.locator('button[type=submit]').click();
    await other.getByRole('button', { name: 'AB岗接管 5号窗口' }).click();
    await other.getByTestId('takeover-dialog').getByRole('button', { name: 'AB岗接管' }).click();
    await other.getByTestId('panel').waitFor({ timeout: 5000 });
    await expect.poll(() => reason.textContent(), POLL).toBe('本窗口已由 李娜 接管');
    expect(await receipt.isDisabled()).toBe(true);
    expect(await page.getByTestId('notice-missing-materials').isDisabled()).toBe(true);
  }, 30_000);
});
