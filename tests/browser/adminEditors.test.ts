import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.js';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { type FakePrinter, startFakePrinter } from '../helpers/fakePrinter.js';
import { cuts, openPairedKiosk, pairKiosk, printedText } from '../helpers/printing.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO_PASSWORD, type TestServer, startTestServer } from '../helpers/testServer.js';

/**
 * /admin as a township clerk without IT training uses it: services in a list
 * with a detail editor, ids made from names, periods and holidays picked
 * rather than typed, a printer set up and tested, refusals in Chinese that
 * name the place, and 放弃修改 that puts everything back.
 */

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('the admin editors in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let printer: FakePrinter;
  const pages = new TestPages();
  /** Uncaught errors of the pages under test (the structuredClone error of 放弃修改 was one). */
  let pageErrors: string[] = [];

  beforeAll(async () => {
    printer = await startFakePrinter();
    t = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await pages.closeAll();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await printer?.close();
  });

  async function adminPage(width = 1366, height = 768, username = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
    const page = await pages.open(browser, { width, height });
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${t.url}/admin?hall=demo`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('admin').waitFor();
    return page;
  }
  const tab = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).click();
  const saveButton = (page: Page) => page.getByRole('button', { name: '保存配置' });

  it('放弃修改 puts back an edited name and a deleted service, without an error', async () => {
    const admin = await adminPage();
    await tab(admin, '业务');
    await admin.getByTestId('service-item-minzheng-canji').click();
    await admin.getByTestId('service-minzheng-canji').getByLabel('业务名称').fill('改过的名称');
    await admin.getByTestId('service-item-nongye-linmu-caifa').click();
    await admin.getByRole('button', { name: '删除业务「林木采伐许可初审」' }).click();
    expect(await admin.getByTestId('service-item-nongye-linmu-caifa').count()).toBe(0);
    expect(await saveButton(admin).isDisabled()).toBe(false);

    await admin.getByRole('button', { name: '放弃修改' }).click();
    await admin.getByTestId('service-item-nongye-linmu-caifa').waitFor({ timeout: 5000 });
    await admin.getByTestId('service-item-minzheng-canji').click();
    expect(await admin.getByTestId('service-minzheng-canji').getByLabel('业务名称').inputValue()).toBe('残疾人证申办');
    expect(await saveButton(admin).isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('deleting a service a window still serves is refused in Chinese, naming the window and the service', async () => {
    const admin = await adminPage();
    const before = await t.stateJson();
    const config = (await t.hallState()).config;
    const window = config.windows.find((w) => w.services.some((link) => link.serviceId === 'nongye-linmu-caifa'))!;
    await tab(admin, '业务');
    await admin.getByTestId('service-item-nongye-linmu-caifa').click();
    await admin.getByRole('button', { name: '删除业务「林木采伐许可初审」' }).click();
    await saveButton(admin).click();
    const label = window.name.includes(`${window.number}号`) ? window.name : `窗口 ${window.number}（${window.name}）`;
    await expect.poll(() => admin.getByTestId('admin-error').textContent(), POLL).toContain(`${label}仍办理「林木采伐许可初审」，请先在该窗口的业务中移除`);
    expect(await t.stateJson()).toBe(before);
  });

  it('a field the schema refuses is named by its place and label; nothing is saved', async () => {
    const admin = await adminPage();
    const before = await t.stateJson();
    await tab(admin, '业务');
    await admin.getByTestId('service-item-minzheng-canji').click();
    await admin.getByTestId('service-minzheng-canji').getByLabel('号码字母').fill('I');
    await admin.getByTestId('service-minzheng-canji').getByLabel('业务名称').fill(' ');
    await saveButton(admin).click();
    await expect.poll(() => admin.getByTestId('admin-error').textContent(), POLL).toBe(
      '提交的内容不完整或格式不对，请检查后重试。 请检查：业务「（未命名业务）」（列表第 5 项）：业务名称；业务「（未命名业务）」（列表第 5 项）：号码字母（一到两个大写字母，不用 I 和 O）',
    );
    expect(await t.stateJson()).toBe(before);
  });

  it('a new service gets its id from its name, and issuing periods are picked with day boxes and time pickers', async () => {
    const admin = await adminPage();
    await tab(admin, '业务');
    await admin.getByRole('button', { name: '新增业务' }).click();
    const detail = admin.locator('[data-testid^="service-service-"]');
    await detail.getByLabel('业务名称').fill('水电费代缴');
    await admin.getByText('高级', { exact: true }).click();
    expect(await admin.getByLabel('编号').inputValue()).toBe('service-t');
    await admin.getByLabel('第二语言名称', { exact: true }).fill('Utility bills');
    expect(await admin.getByLabel('编号').inputValue()).toBe('utility-bills');
    await admin.getByTestId('service-item-utility-bills').waitFor();
    // The list finds a service by letter, name or department.
    await admin.getByLabel('查找业务').fill('民政');
    await expect.poll(() => admin.locator('[data-testid^="service-item-"]').count(), POLL).toBe(4);
    expect(await admin.getByText('显示 4 / 18 项业务').count()).toBe(1);
    await admin.getByLabel('查找业务').fill('');

    await admin.getByRole('button', { name: '添加取号时段' }).click();
    const period = admin.getByTestId('period-1');
    await period.getByLabel('周六').check();
    await period.getByLabel('周一').uncheck();
    await period.getByLabel('结束时间').fill('11:30');
    // A period keeps one day: the last ticked box cannot be unticked.
    await admin.getByRole('button', { name: '添加取号时段' }).click();
    const second = admin.getByTestId('period-2');
    for (const day of ['周一', '周二', '周三', '周四']) await second.getByLabel(day).uncheck();
    expect(await second.getByLabel('周五').isDisabled()).toBe(true);
    await saveButton(admin).click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toContain('已保存 1 处修改');
    const saved = (await t.hallState()).config.services.find((service) => service.id === 'utility-bills');
    expect(saved).toMatchObject({
      name: '水电费代缴',
      nameAlt: 'Utility bills',
      prefix: 'T',
      issuingHours: [
        { days: [2, 3, 4, 5, 6], from: '08:30', to: '11:30' },
        { days: [5], from: '14:00', to: '17:00' },
      ],
    });
    // Saved, its id is fixed.
    await expect.poll(() => admin.getByLabel('编号').getAttribute('readonly'), POLL).not.toBeNull();
  });

  it('time zone from a list, holidays on a calendar, and a network printer set up and tested', async () => {
    const admin = await adminPage();
    const zones = await admin.getByLabel('时区').locator('option').allTextContents();
    expect(zones[0]).toBe('Asia/Shanghai');
    expect(zones.length).toBeGreaterThan(100);
    expect(zones).toContain('Asia/Urumqi');

    // Two holidays and a make-up working day, in the month shown (the hall's current month).
    const dates = await admin.locator('.calendar button[data-date]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-date')!));
    const [first, second, third] = [dates[0]!, dates[1]!, dates[5]!];
    await admin.locator(`button[data-date="${first}"]`).click();
    await admin.locator(`button[data-date="${second}"]`).click();
    await admin.getByRole('radio', { name: '调休上班日' }).check();
    await admin.locator(`button[data-date="${third}"]`).click();
    expect(await admin.locator(`button[data-date="${first}"]`).getAttribute('aria-label')).toMatch(/：法定节假日$/);
    // Clicked again in holiday mode, the second date is cleared.
    await admin.getByRole('radio', { name: '法定节假日' }).check();
    await admin.locator(`button[data-date="${second}"]`).click();

    const port = Number(new URL(printer.address.replace('tcp://', 'http://')).port);
    const desk = admin.getByTestId('printer-desk');
    await desk.getByLabel('打印机类型').selectOption('network');
    await desk.getByLabel('打印机 IP 地址').fill('127.0.0.1');
    await desk.getByLabel('打印机 IP 地址').press('Tab');
    await desk.getByLabel('端口（一般是 9100）').fill(String(port));
    await desk.getByLabel('端口（一般是 9100）').press('Tab');
    await desk.getByLabel('58 毫米').check();
    // Not saved yet: the server would refuse an address it does not allow, so the test waits for the save.
    expect(await desk.getByRole('button', { name: '打印测试页' }).isDisabled()).toBe(true);
    await saveButton(admin).click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toContain('已保存 1 处修改');
    const config = (await t.hallState()).config;
    expect(config).toMatchObject({ holidays: [first], makeUpWorkdays: [third], deskPrinter: `tcp://127.0.0.1:${port}?paper=58` });
    expect(config.printerAllowList).toContain(`127.0.0.1:${port}`);

    const jobsBefore = printer.decoded().filter((items) => cuts(items) === 1).length;
    await desk.getByRole('button', { name: '打印测试页' }).click();
    await expect.poll(() => desk.getByTestId('test-page-result').textContent(), POLL).toBe('测试页已打印，请到打印机处查看字迹和纸宽。');
    await printer.waitForConnections(printer.connections().length);
    const jobs = printer.decoded().filter((items) => cuts(items) === 1);
    expect(jobs.length).toBe(jobsBefore + 1);
    expect(printedText(jobs.at(-1)!).map((line) => line.trim())).toContain('打印测试页');

    // A kiosk paired from the devices tab picks the same printer the same way.
    await tab(admin, '设备');
    await admin.getByLabel('设备名称').fill('东门取号机');
    await admin.getByLabel('取号机打印机').selectOption('network');
    await admin.getByLabel('打印机 IP 地址').fill('127.0.0.1');
    await admin.getByLabel('端口（一般是 9100）').fill(String(port));
    await admin.getByLabel('纸宽').selectOption('58');
    await admin.getByRole('button', { name: '配对', exact: true }).click();
    await expect.poll(() => admin.getByTestId('device-row').filter({ hasText: '东门取号机' }).textContent(), POLL).toContain(`网络打印机（按 IP 地址） 127.0.0.1:${port} · 58 毫米`);
    const devices = await t.api('GET', `/api/halls/demo/devices`, { token: await t.login('admin') });
    expect(devices.body.find((device: { name: string }) => device.name === '东门取号机').printer).toBe(`tcp://127.0.0.1:${port}?paper=58`);

    // A printer that does not answer says so in words a clerk can act on.
    await tab(admin, '大厅设置');
    printer.refuse();
    await desk.getByRole('button', { name: '打印测试页' }).click();
    await expect.poll(() => desk.getByTestId('test-page-result').textContent(), POLL).toBe('连不上打印机：请检查电源、网线和 IP 地址。');
  });

  it('a department\'s English name is edited once for all its services and is the English kiosk\'s tag', async () => {
    const admin = await adminPage();
    await tab(admin, '业务');
    await admin.getByTestId('service-item-jisheng-shengyu-dengji').click();
    const card = admin.getByTestId('service-jisheng-shengyu-dengji');
    const alt = card.getByLabel('部门第二语言名称');
    expect(await alt.inputValue()).toBe('Family planning');
    expect(await card.getByText('「计生办」的 3 项业务一起修改').count()).toBe(1);
    await alt.fill('Family Health Office');
    await saveButton(admin).click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toContain('已保存 3 处修改');
    const jisheng = (await t.hallState()).config.services.filter((service) => service.department === '计生办');
    expect(jisheng.map((service) => service.departmentAlt)).toEqual(['Family Health Office', 'Family Health Office', 'Family Health Office']);

    // The English kiosk tags the department's tiles with it.
    const { token, deviceId } = await pairKiosk(t, 'demo', 'preview', `部门英文名-${Math.random().toString(36).slice(2, 6)}`);
    const kiosk = await pages.open(browser, { width: 1920, height: 1080 });
    await openPairedKiosk(kiosk, `${t.url}/kiosk/?hall=demo&lang=en`, { hallId: 'demo', deviceId, token });
    const tile = kiosk.getByRole('button', { name: /^Childbirth service registration，/ });
    await tile.waitFor({ timeout: 8000 });
    expect(await tile.locator('.department').textContent()).toBe('Family Health Office');
    expect(await tile.getAttribute('aria-label')).toContain('Family Health Office');

    // Moving a service to another department takes that department's name along; without one there is none to give.
    await card.getByLabel('部门', { exact: true }).fill('民政办');
    expect(await alt.inputValue()).toBe('Civil affairs');
    await card.getByLabel('部门', { exact: true }).fill('');
    expect(await alt.isDisabled()).toBe(true);
    expect(await alt.inputValue()).toBe('');
    expect(await card.getByText('先填写部门，再填写它的第二语言名称。').count()).toBe(1);
    await expectAccessible(admin, 'a service without a department');
    await admin.getByRole('button', { name: '放弃修改' }).click();
    expect(pageErrors).toEqual([]);
  });

  it('every admin tab passes axe, with its own page title and no missing file', async () => {
    const admin = await adminPage(1366, 768);
    const missing: string[] = [];
    admin.on('response', (response) => {
      if (response.status() === 404) missing.push(response.url());
    });
    expect(await admin.title()).toBe('HallQ 大厅管理');
    for (const [name, ready] of [
      ['大厅设置', '法定节假日与调休上班日'],
      ['业务', '业务列表'],
      ['窗口', '新增窗口'],
      ['人员', '新增工作人员'],
      ['设备', '配对新设备'],
      ['公告', '发布'],
      ['统计报表', null],
    ] as const) {
      await tab(admin, name);
      if (ready) await admin.getByText(ready, { exact: true }).first().waitFor();
      else await admin.waitForLoadState('networkidle');
      // The report tables' scroll areas are the reports' own work (issue 15, reports part; tests/browser/reports.test.ts).
      await expectAccessible(admin, `/admin ${name}`, ready ? {} : { exclude: ['.table .scroll'] });
    }
    // The supervisor's read-only view too.
    const supervisor = await adminPage(1366, 768, 'zhuren', DEMO_PASSWORD);
    await supervisor.getByTestId('read-only').waitFor();
    await expectAccessible(supervisor, '/admin read-only');
    expect(missing).toEqual([]);
  });
});
