import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestPages, launchChromium } from '../helpers/browser.js';
import { openPairedKiosk, pairKiosk } from '../helpers/printing.js';
import { windowScreenUrl } from '../helpers/displayPage.js';
import { hasChromium } from '../helpers/requirements.js';
import { ADMIN_PASSWORD, DEMO, DEMO_PASSWORD, type TestServer, freshIp, startTestServer } from '../helpers/testServer.js';

/** /admin in Chromium: live configuration reaching kiosks and boards, device revocation, and who may do what. */

const POLL = { timeout: 8000, interval: 50 };

describe.runIf(hasChromium())('administration in Chromium', () => {
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

  async function newPage(width = 1440, height = 900): Promise<Page> {
    return pages.open(browser, { width, height });
  }

  async function adminPage(username: string, password: string): Promise<Page> {
    const page = await newPage();
    await page.goto(`${t.url}/admin?hall=demo`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  }

  async function kioskPage(): Promise<{ page: Page; deviceId: string }> {
    const { token, deviceId } = await pairKiosk(t, DEMO, 'preview', `管理测试取号机-${Math.random().toString(36).slice(2, 6)}`);
    const page = await newPage(1920, 1080);
    await openPairedKiosk(page, `${t.url}/kiosk/?hall=demo`, { hallId: DEMO, deviceId, token });
    return { page, deviceId };
  }

  it('an administrator edits a service and the kiosk and the board change live', async () => {
    const { page: kiosk } = await kioskPage();
    // Somebody waits for the service, so the board lists it by name.
    await t.api('POST', `/api/halls/${DEMO}/tickets`, { token: await t.login('admin'), body: { serviceId: 'minzheng-canji' } });
    const board = await newPage(1920, 1080);
    await board.goto(`${t.url}/display?hall=demo&voice=0`);
    await expect.poll(() => board.evaluate(() => document.body.innerText), POLL).toContain('残疾人证申办');
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    const save = admin.getByRole('button', { name: '保存配置' });
    expect(await save.isDisabled()).toBe(true);

    await admin.getByRole('button', { name: '业务', exact: true }).click();
    await admin.getByTestId('service-item-minzheng-canji').click();
    const card = admin.getByTestId('service-minzheng-canji');
    await card.getByLabel('业务名称').fill('残疾人证申办与换领');
    await card.getByLabel('开放取号').uncheck();
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    await expect.poll(() => admin.getByTestId('admin-notice').textContent(), POLL).toBe('已保存 1 处修改，大厅屏幕和取号机已同步更新。');

    // The kiosk shows the new name, greyed out, without a reload.
    const tile = kiosk.getByRole('button', { name: /^残疾人证申办与换领，/ });
    await tile.waitFor({ timeout: 8000 });
    expect(await tile.isDisabled()).toBe(true);
    expect(await tile.textContent()).toContain('暂停办理');
    const config = (await t.hallState()).config;
    expect(config.services.find((service) => service.id === 'minzheng-canji')).toMatchObject({ name: '残疾人证申办与换领', enabled: false });
    await expect.poll(() => board.evaluate(() => document.body.innerText), POLL).toContain('残疾人证申办与换领');
  });

  it('refuses a broken configuration with the reason and keeps the edit for fixing', async () => {
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    await admin.getByRole('button', { name: '业务', exact: true }).click();
    const before = await t.stateJson();
    await admin.getByTestId('service-item-zonghe-xinfang').click();
    await admin.getByTestId('service-zonghe-xinfang').getByLabel('号码字母').fill('A');
    await admin.getByRole('button', { name: '保存配置' }).click();
    await expect.poll(() => admin.getByTestId('admin-error').textContent(), POLL).toContain('的号码字母都是「A」，请给其中一项换一个字母');
    expect(await admin.getByTestId('service-zonghe-xinfang').getByLabel('号码字母').inputValue()).toBe('A');
    expect(await t.stateJson()).toBe(before);
  });

  it('revoking a kiosk from the devices tab sends it back to pairing', async () => {
    const { page: kiosk, deviceId } = await kioskPage();
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    await admin.getByRole('button', { name: '设备', exact: true }).click();
    const devices = await t.api('GET', `/api/halls/${DEMO}/devices`, { token: await t.login('admin') });
    const name = devices.body.find((device: { id: string }) => device.id === deviceId).name as string;
    await admin.getByRole('button', { name: `停用 ${name}` }).click();
    await kiosk.getByRole('heading', { name: '取号机配对' }).waitFor({ timeout: 8000 });
    expect((await t.api('GET', `/api/halls/${DEMO}/devices`, { token: await t.login('admin') })).body.find((device: { id: string }) => device.id === deviceId).revokedAt).toEqual(expect.any(Number));
  });

  it('pairs a window screen from the devices tab: the link it shows pairs the screen, which may then rate its window', async () => {
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    await admin.getByRole('button', { name: '设备', exact: true }).click();
    await admin.getByLabel('设备类型').selectOption('window-screen');
    await admin.getByLabel('窗口（窗口屏）').selectOption('7');
    await admin.getByLabel('设备名称').fill('七号窗口评价器');
    await admin.getByRole('button', { name: '配对', exact: true }).click();
    const link = (await admin.getByTestId('screen-link').textContent())!.trim();
    expect(link).toMatch(/\/display\/\?hall=demo&window=7#pair=hqd_/);
    await expect.poll(() => admin.getByTestId('device-row').filter({ hasText: '七号窗口评价器' }).textContent(), { timeout: 5000 }).toContain('7号窗口');

    const screen = await newPage(1280, 800);
    await screen.goto(link);
    await screen.getByTestId('window-screen').waitFor({ timeout: 8000 });
    // The token left the address bar and is kept by the screen.
    expect(screen.url()).not.toContain('#pair=');
    expect(await screen.evaluate(() => JSON.parse(localStorage.getItem('hallq.window-screen.demo.7') ?? 'null')?.token)).toMatch(/^hqd_/);

    // A ticket served at window 7, then a tap on the screen stores the rating.
    const clerk = await t.login('clerk7');
    const hall = `/api/halls/${DEMO}`;
    await t.api('POST', `${hall}/windows/7/open`, { token: clerk, body: {} });
    const services = (await t.hallState()).config.windows.find((w) => w.id === '7')!.services;
    const issued = await t.api('POST', `${hall}/tickets`, { token: clerk, body: { serviceId: services[0]!.serviceId } });
    for (;;) {
      const called = await t.api('POST', `${hall}/windows/7/call-next`, { token: clerk, body: {} });
      await t.api('POST', `${hall}/windows/7/finish`, { token: clerk, body: { outcome: 'completed' } });
      if (called.body.id === issued.body.id) break;
    }
    await screen.getByRole('button', { name: '非常满意', exact: true }).click();
    await screen.getByTestId('rating-thanks').waitFor({ timeout: 5000 });
    expect((await t.hallState()).tickets[issued.body.id]?.rating).toBe(5);
  });

  it('an administrator adds a staff member who can then log in, and disables them', async () => {
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    await admin.getByRole('button', { name: '人员', exact: true }).click();
    await admin.getByTestId('staff-clerk1').waitFor();
    await admin.getByLabel('姓名', { exact: true }).fill('孙悦');
    await admin.getByLabel('登录名').fill('sunyue');
    await admin.getByLabel('工号', { exact: true }).fill('QS010');
    await admin.getByLabel('初始密码（至少 8 位）').fill('sunyue-2026');
    await admin.getByRole('button', { name: '创建' }).click();
    await admin.getByTestId('staff-sunyue').waitFor();
    expect((await t.api('POST', '/api/auth/login', { body: { username: 'sunyue', password: 'sunyue-2026' }, ip: freshIp() })).status).toBe(200);
    await admin.getByRole('button', { name: '停用 孙悦' }).click();
    await admin.getByRole('button', { name: '启用 孙悦' }).waitFor();
    expect((await t.api('POST', '/api/auth/login', { body: { username: 'sunyue', password: 'sunyue-2026' }, ip: freshIp() })).status).toBe(401);
  });

  it("a staff member's own window, A/B partner and photo reach the window picker and the window screen", async () => {
    const admin = await adminPage('admin', ADMIN_PASSWORD);
    await admin.getByTestId('admin').waitFor();
    await admin.getByRole('button', { name: '人员', exact: true }).click();
    const row = admin.getByTestId('staff-clerk6');
    await row.waitFor();
    await row.getByLabel('本人窗口（窗口号） 杨帆').fill('6');
    await row.getByLabel('本人窗口（窗口号） 杨帆').press('Tab');
    await admin.getByText('已保存：杨帆').waitFor();
    await row.getByLabel('AB岗（B岗） 杨帆').selectOption({ label: '赵敏' });
    // A portrait drawn in the page, as a camera photo would arrive.
    const png = await admin.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 480;
      canvas.height = 640;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#3366cc';
      context.fillRect(0, 0, 480, 640);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      return [...new Uint8Array(await blob.arrayBuffer())];
    });
    await row.getByLabel('照片 杨帆').setInputFiles({ name: 'yangfan.png', mimeType: 'image/png', buffer: Buffer.from(png) });
    await row.getByText('更换照片').waitFor();
    const account = (await t.api('GET', '/api/users', { token: await t.login('admin') })).body.find((user: { username: string }) => user.username === 'clerk6');
    expect(account).toMatchObject({ windowIds: ['6'], hasPhoto: true, partnerId: expect.any(String) });

    const clerk = await newPage(1366, 768);
    await clerk.goto(`${t.url}/counter?hall=demo`);
    await clerk.locator('input[name=username]').fill('clerk6');
    await clerk.locator('input[name=password]').fill(DEMO_PASSWORD);
    await clerk.locator('button[type=submit]').click();
    await clerk.getByTestId('pick-6').getByTestId('own-window').waitFor();
    // Own window first in the list.
    expect(await clerk.locator('[data-testid^=pick-]').first().getAttribute('data-testid')).toBe('pick-6');
    await clerk.getByRole('button', { name: '签到 6号窗口' }).click();
    await clerk.getByTestId('panel').waitFor();

    const screen = await newPage(1280, 800);
    await screen.goto(await windowScreenUrl(t, '6'));
    const photo = screen.locator('img.photo');
    await photo.waitFor({ timeout: 8000 });
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth), POLL).toBe(240);
  });

  it('a supervisor reads the configuration but cannot change it; a clerk is refused', async () => {
    const supervisor = await adminPage('zhuren', DEMO_PASSWORD);
    await supervisor.getByTestId('read-only').waitFor();
    expect(await supervisor.getByLabel('大厅名称').isDisabled()).toBe(true);
    expect(await supervisor.getByRole('button', { name: '保存配置' }).count()).toBe(0);
    expect(await supervisor.getByRole('button', { name: '人员', exact: true }).count()).toBe(0);
    // Announcements and devices are theirs to manage.
    await supervisor.getByRole('button', { name: '公告', exact: true }).click();
    await supervisor.getByLabel('公告内容').fill('今日下午系统维护，暂停办理社保业务');
    await supervisor.getByRole('button', { name: '发布' }).click();
    await supervisor.getByTestId('announcement').filter({ hasText: '今日下午系统维护' }).waitFor();

    // End of day from the hall tab, after a confirmation; the kiosks then stop issuing.
    await supervisor.getByRole('button', { name: '大厅设置', exact: true }).click();
    supervisor.once('dialog', (dialog) => void dialog.accept());
    await supervisor.getByTestId('close-day').click();
    await expect.poll(() => supervisor.getByTestId('admin-notice').textContent(), POLL).toMatch(/^今日业务已结束，\d+ 张号票作废。$/);
    expect((await t.hallState()).dayClosedAt).toEqual(expect.any(Number));

    const clerk = await adminPage('clerk1', DEMO_PASSWORD);
    await clerk.getByTestId('refused').waitFor();
    expect(await clerk.getByTestId('refused').textContent()).toBe('管理页面仅限中心主任（值班负责人）和管理员使用。');
  });
});
