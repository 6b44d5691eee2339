import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { scanCode } from '../helpers/scanner.js';
import { DEMO, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * A booking's QR code holds its six digits; a USB or camera scanner set up as a keyboard types them
 * and presses Enter. The kiosk checks the booking in at once from the start screen and from the
 * code pad, never for keys typed at a human pace, and the slip says the ticket is an appointment's.
 */

const BIRTH = 'jisheng-shengyu-dengji'; // 生育服务登记, window 3 only

describe.runIf(hasChromium())('the kiosk takes a scanned booking code', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new TestPages();

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function kiosk(query = ''): Promise<Page> {
    const { token, deviceId } = await pairKiosk(t, DEMO, 'preview', `取号机-${Math.random().toString(36).slice(2, 6)}`);
    const page = await pages.open(browser, { width: 1920, height: 1080 });
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=${DEMO}${query}`, { hallId: DEMO, deviceId, token });
    return page;
  }
  /** An appointment whose slot has come (it may be called at once once checked in). */
  async function bookNow(): Promise<{ id: string; code: string }> {
    const zhuren = await t.login('zhuren');
    const slotStart = Date.now() - 60_000;
    const booked = await t.api('POST', `/api/halls/${DEMO}/appointments`, { token: zhuren, body: { serviceId: BIRTH, slotStart, slotEnd: slotStart + 30 * 60_000 } });
    expect(booked.status, booked.text).toBe(201);
    return { id: booked.body.id, code: booked.body.code };
  }
  const statusOf = async (id: string) => (await t.hallState()).appointments[id]?.status;
  const scan = scanCode;

  it('a scan on the start screen checks in at once; the same keys typed by hand do nothing', async () => {
    const typed = await bookNow();
    const scanned = await bookNow();
    const page = await kiosk();
    // Someone types a code on a keyboard at a person's pace: not a scan, and Enter takes no ticket either.
    await page.getByRole('button', { name: /^生育服务登记，/ }).focus();
    await page.keyboard.type(typed.code, { delay: 250 });
    await page.keyboard.press('Enter');
    await scan(page, scanned.code);
    await page.getByTestId('ticket-number').waitFor();
    expect(await page.getByTestId('result-appointment').textContent()).toBe('预约号：到预约时段后优先叫号');
    expect(await statusOf(scanned.id)).toBe('checked-in');
    // The hand-typed code was not sent (the kiosk would have been busy with it and shown its ticket instead).
    expect(await statusOf(typed.id)).toBe('booked');
    const ticketId = (await t.hallState()).appointments[scanned.id]!.ticketId!;
    expect(await page.getByTestId('ticket-number').textContent()).toBe((await t.hallState()).tickets[ticketId]?.number);
    await expectAccessible(page, 'kiosk result of a scanned booking');
    await page.screenshot({ path: '/tmp/bookpage-kiosk-scan-result.png' });
  }, 30_000);

  it('a scan on the code pad checks in whatever was tapped before; keys typed by hand fill the pad', async () => {
    const first = await bookNow();
    const page = await kiosk('&lang=en');
    await page.getByRole('button', { name: 'Appointment check-in' }).click();
    const dialog = page.getByRole('dialog', { name: 'Appointment check-in' });
    await dialog.getByRole('button', { name: '7', exact: true }).click();
    await dialog.getByRole('button', { name: '7', exact: true }).click();
    await scan(page, first.code);
    await page.getByTestId('ticket-number').waitFor();
    expect(await page.getByTestId('result-appointment').textContent()).toBe('Booked appointment: called first once your time has come');
    expect(await statusOf(first.id)).toBe('checked-in');
    await page.getByRole('button', { name: 'Done' }).click();

    // A keyboard on the pad screen: digits fill the pad, Backspace deletes, Enter confirms.
    const second = await bookNow();
    await page.getByRole('button', { name: 'Appointment check-in' }).click();
    await page.keyboard.type(`9${second.code.slice(0, 5)}`, { delay: 200 });
    expect(await dialog.getByTestId('check-in-code').textContent()).toBe(`9${second.code.slice(0, 5)}`);
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.press('Backspace', { delay: 200 });
    await page.keyboard.type(second.code, { delay: 200 });
    await page.keyboard.press('Enter');
    await page.getByTestId('ticket-number').waitFor();
    expect(await statusOf(second.id)).toBe('checked-in');
  }, 30_000);

  it('a scanned code that is not a booking is said on the start screen, and nothing is issued', async () => {
    const page = await kiosk();
    const before = Object.keys((await t.hallState()).tickets).length;
    await scan(page, '000000');
    const toast = page.locator('.toast');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('预约');
    expect(Object.keys((await t.hallState()).tickets).length).toBe(before);
    await expectAccessible(page, 'kiosk start with a refused scan');
  }, 30_000);
});
