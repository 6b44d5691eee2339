/**
 * Renders the screens a person sees into docs/screenshots/ (npm run screenshots):
 * a demo morning is played through the real API, then Debian's Chromium takes
 * the pictures. Run after changing anything visible, and look at them.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { ROOT_DIR, startServer } from '../../server/server.js';
import { launchChromium } from '../helpers/browser.js';
import { openPairedKiosk } from '../helpers/printing.js';

const OUT = join(ROOT_DIR, 'docs', 'screenshots');
const ADMIN_PASSWORD = 'screenshot-admin';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hallq-shots-'));
  const server = await startServer(
    loadConfig([], { HALLQ_DATA_DIR: dataDir, PORT: '0', HALLQ_HOST: '127.0.0.1', HALLQ_LOG_LEVEL: 'warn', HALLQ_ADMIN_PASSWORD: ADMIN_PASSWORD, HALLQ_TRUST_PROXY: 'true' }),
    { announce: () => undefined },
  );
  const browser = await launchChromium();
  try {
    const api = async (path: string, token: string | undefined, body?: unknown) => {
      const response = await fetch(`${server.url}/api${path}`, {
        method: body === undefined && !path.includes('/windows/') ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined || path.includes('/windows/') ? { body: JSON.stringify(body ?? {}) } : {}),
      });
      return response.json() as Promise<any>;
    };
    const login = async (username: string, password = 'demo1234') =>
      (await api('/auth/login', undefined, { username, password })).token as string;
    const clerks: Record<string, string> = {};
    for (const n of [1, 2, 3, 4, 5, 6, 8]) {
      clerks[String(n)] = await login(`clerk${n}`);
      await api(`/halls/demo/windows/${n}/open`, clerks[String(n)]);
    }
    const desk = clerks['1']!;
    const services = [
      'zonghe-zixun', 'minzheng-dibao', 'minzheng-dibao', 'jisheng-shengyu-dengji', 'laobao-shiye-dengji', 'laobao-jumin-yanglao',
      'guotu-zhaijidi', 'caizheng-huinong-butie', 'shoufei-shuiqi', 'zonghe-zixun', 'minzheng-canji', 'laobao-shiye-dengji',
      'shoufei-shuiqi', 'shoufei-shuiqi', 'zonghe-xinfang', 'minzheng-laonian-youdai', 'jisheng-liudong-hunyu', 'zonghe-zixun',
    ];
    for (const serviceId of services) await api('/halls/demo/tickets', desk, { serviceId });
    for (const n of ['1', '2', '3', '4', '6', '8', '2']) await api(`/halls/demo/windows/${n}/call-next`, clerks[n]!);
    await api('/halls/demo/windows/5/pause', clerks['5']!, { reason: 'lunch', note: '13:30 回来' });
    const admin = await login('admin', ADMIN_PASSWORD);
    await api('/halls/demo/announcements', admin, {
      text: '本中心办公时间：周一至周五 8:30—12:00，14:00—17:30；逢场天周六上午照常办公。',
      textAlt: 'Office hours: Mon–Fri 8:30–12:00 and 14:00–17:30; market-day Saturdays 8:30–12:00.',
    });
    await api('/halls/demo/windows/1/call-next', clerks['1']!);

    mkdirSync(OUT, { recursive: true });
    const shoot = async (name: string, path: string, width: number, height: number, before?: () => Promise<void>) => {
      if (before) await before();
      const page = await browser.newPage({ viewport: { width, height } });
      await page.goto(server.url + path);
      await page.waitForFunction(() => document.fonts.status === 'loaded');
      await page.waitForTimeout(600);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      await page.close();
      process.stdout.write(`docs/screenshots/${name}.png\n`);
    };
    await shoot('board-landscape', '/display?hall=demo&voice=0', 1920, 1080);
    await shoot('board-portrait', '/display?hall=demo&voice=0', 1080, 1920);
    await shoot('board-landscape-en', '/display?hall=demo&voice=0&lang=en', 1920, 1080);
    // Window screens are paired devices (they submit the citizen's rating): the pairing link pairs each page.
    const screenPath = async (windowId: string) => {
      const paired = await api('/halls/demo/devices', admin, { kind: 'window-screen', name: `${windowId}号窗口屏`, windowId });
      return `/display/?hall=demo&window=${windowId}#pair=${paired.token as string}`;
    };
    await shoot('window-screen-serving', await screenPath('3'), 1280, 800);
    await shoot('window-screen-rating', await screenPath('4'), 1280, 800, async () => {
      await api('/halls/demo/windows/4/finish', clerks['4']!, { outcome: 'completed' });
    });

    // The clerk panel (呼叫器) on a 1366×768 clerk PC, driven through its own page like a clerk would.
    for (const serviceId of ['nongye-linmu-caifa', 'nongye-nongji-butie', 'nongye-linmu-caifa', 'nongye-nongji-butie']) {
      await api('/halls/demo/tickets', desk, { serviceId });
    }
    await api('/halls/demo/tickets', desk, { serviceId: 'nongye-nongji-butie', priority: true });
    const board = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await board.goto(`${server.url}/display?hall=demo&voice=0`);
    const counter = async (username: string) => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(`${server.url}/counter?hall=demo`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill('demo1234');
      await page.getByRole('button', { name: '登录' }).click();
      return page;
    };
    const snap = async (page: import('playwright-core').Page, name: string) => {
      await page.waitForFunction(() => document.fonts.status === 'loaded');
      await page.waitForTimeout(400);
      await page.screenshot({ path: join(OUT, `${name}.png`) });
      process.stdout.write(`docs/screenshots/${name}.png\n`);
    };
    const idle = await counter('clerk7');
    await idle.getByRole('button', { name: '签到 7号窗口' }).click();
    await idle.getByTestId('current-none').waitFor();
    await snap(idle, 'counter-idle');
    await idle.close();
    // Window 7 is open with nobody called: its screen's idle state, read from the waiting area at 800×480.
    await shoot('window-screen-idle', await screenPath('7'), 800, 480);

    const serving = await counter('clerk2');
    await serving.getByTestId('current-number').waitFor();
    await serving.getByRole('button', { name: '重呼' }).click();
    await serving.getByTestId('recall-count').waitFor();
    await serving.getByRole('button', { name: '开始办理' }).click();
    await serving.getByText('正在办理', { exact: true }).waitFor();
    await serving.getByRole('radio', { name: '受理', exact: true }).check();
    await serving.getByLabel('办件编号（选填）').fill('QS-2026-000123');
    await snap(serving, 'counter-serving');
    await serving.getByRole('button', { name: '转移…' }).click();
    await serving.getByTestId('transfer-dialog').waitFor();
    await serving.getByLabel('转到窗口').selectOption('1');
    await serving.getByLabel('转办说明（选填，最多200字）').fill('需核对家庭收入证明，请综合窗口先行受理');
    await snap(serving, 'counter-transfer');
    await serving.close();

    // The supervisor's live view (大厅监控) on a 1920×1080 screen, with a window screen at window 3
    // and an out-of-order call at window 7 for the audit mark in the log.
    const screen3 = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await screen3.goto(server.url + (await screenPath('3')));
    // (No more logins from this address: the login limit is 10 a minute per address; the page below comes from another.)
    const shuiqi = [];
    for (let i = 0; i < 2; i++) shuiqi.push(await api('/halls/demo/tickets', desk, { serviceId: 'shoufei-shuiqi' }));
    const later = (shuiqi[1].ticket ?? shuiqi[1]) as { id: string };
    const called = await api('/halls/demo/windows/8/call', clerks['8']!, { ticketId: later.id });
    if (!called.outOfOrder) throw new Error(`window 8 call: ${JSON.stringify(called).slice(0, 300)}`);
    await api('/halls/demo/windows/8/start', clerks['8']!);
    const supervisor = await browser.newPage({ viewport: { width: 1920, height: 1080 }, extraHTTPHeaders: { 'x-forwarded-for': '10.0.0.2' } });
    await supervisor.goto(`${server.url}/counter/supervisor?hall=demo`);
    await supervisor.getByLabel('用户名').fill('zhuren');
    await supervisor.getByLabel('密码').fill('demo1234');
    await supervisor.getByRole('button', { name: '登录' }).click();
    await supervisor.getByTestId('log-out-of-order').waitFor();
    await supervisor.waitForTimeout(1500);
    await snap(supervisor, 'supervisor');
    await supervisor.close();
    await screen3.close();
    await board.close();

    // The kiosk (取号机) on a 1920×1080 touch screen with the preview printer, the slip it "printed",
    // a kiosk whose printer is unreachable, and the citizen's phone e-ticket.
    const pair = async (name: string, printer: string) => {
      const paired = await api('/halls/demo/devices', admin, { kind: 'kiosk', name, printer });
      return { hallId: 'demo', deviceId: paired.device.id as string, name, token: paired.token as string };
    };
    const kioskPage = async (identity: Awaited<ReturnType<typeof pair>>) => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, extraHTTPHeaders: { 'x-forwarded-for': '10.0.0.3' } });
      await openPairedKiosk(page, `${server.url}/kiosk/?hall=demo`, identity);
      return page;
    };
    const kiosk = await kioskPage(await pair('大厅入口取号机', 'preview'));
    await snap(kiosk, 'kiosk-home');
    await kiosk.getByRole('button', { name: /^城乡居民最低生活保障申请，/ }).click();
    await kiosk.getByTestId('ticket-number').waitFor();
    await snap(kiosk, 'kiosk-slip');
    const eTicketUrl = (await kiosk.locator('[data-qr]').first().getAttribute('data-qr'))!;
    await kiosk.close();
    // tcp port 9 on loopback: nothing listens, so the printer is offline (the admin allowed it first).
    const config = (await (await fetch(`${server.url}/api/halls/demo/config`, { headers: { authorization: `Bearer ${admin}` } })).json()).config;
    await fetch(`${server.url}/api/halls/demo/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ config: { ...config, printerAllowList: ['127.0.0.1:9'] } }),
    });
    const broken = await kioskPage(await pair('东门取号机', 'tcp://127.0.0.1:9'));
    await broken.getByRole('button', { name: /^残疾人证申办，/ }).click();
    await broken.getByRole('button', { name: '领取电子号票' }).waitFor();
    await snap(broken, 'kiosk-printer-offline');
    await broken.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(eTicketUrl);
    await phone.getByTestId('eticket-ahead').waitFor();
    await snap(phone, 'eticket-waiting');
    for (let i = 0; i < 4 && (await phone.getByTestId('eticket-window').count()) === 0; i++) {
      await api('/halls/demo/windows/2/call-next', clerks['2']!);
      await phone.waitForTimeout(700);
    }
    await phone.getByTestId('eticket-window').waitFor();
    await snap(phone, 'eticket-called');
    await phone.close();

    // The one-time notice dialog at window 2, and the print log with the notice as the preview printer "printed" it.
    const noticePanel = await browser.newPage({ viewport: { width: 1366, height: 768 }, extraHTTPHeaders: { 'x-forwarded-for': '10.0.0.4' } });
    await noticePanel.goto(`${server.url}/counter?hall=demo`);
    await noticePanel.getByLabel('用户名').fill('clerk2');
    await noticePanel.getByLabel('密码').fill('demo1234');
    await noticePanel.getByRole('button', { name: '登录' }).click();
    await noticePanel.getByTestId('current-number').waitFor();
    await noticePanel.getByTestId('notice-missing-materials').click();
    const dialog = noticePanel.getByTestId('notice-dialog');
    await dialog.waitFor();
    const boxes = dialog.getByRole('checkbox');
    await boxes.nth(1).check();
    await boxes.nth(3).check();
    await dialog.getByLabel('其他说明').fill('收入证明需村委会盖章');
    await snap(noticePanel, 'counter-notice');
    await dialog.getByRole('button', { name: '打印' }).click();
    await noticePanel.getByTestId('message').waitFor();
    await noticePanel.close();
    // A kiosk's print log lists only its own slips; the hall's whole log is read on a PC with a staff login.
    const log = await browser.newPage({ viewport: { width: 1920, height: 1080 }, extraHTTPHeaders: { 'x-forwarded-for': '10.0.0.6' } });
    await log.goto(`${server.url}/kiosk/slips?hall=demo`);
    await log.getByLabel('用户名').fill('zhuren');
    await log.getByLabel('密码').fill('demo1234');
    await log.getByRole('button', { name: '登录' }).click();
    await log.locator('figure').first().waitFor();
    await snap(log, 'print-log');
    await log.close();

    // Administration (/admin) and the reports, on a 1440×900 office screen.
    const adminPage = await browser.newPage({ viewport: { width: 1440, height: 900 }, extraHTTPHeaders: { 'x-forwarded-for': '10.0.0.5' } });
    await adminPage.goto(`${server.url}/admin?hall=demo&tab=services`);
    await adminPage.getByLabel('用户名').fill('admin');
    await adminPage.getByLabel('密码').fill(ADMIN_PASSWORD);
    await adminPage.getByRole('button', { name: '登录' }).click();
    await adminPage.getByTestId('service-zonghe-zixun').waitFor();
    await snap(adminPage, 'admin-services');
    await adminPage.getByRole('button', { name: '窗口', exact: true }).click();
    await snap(adminPage, 'admin-windows');
    await adminPage.getByRole('button', { name: '统计报表', exact: true }).click();
    await adminPage.getByTestId('totals').waitFor();
    await adminPage.waitForTimeout(800);
    await snap(adminPage, 'reports');
    await adminPage.getByRole('button', { name: '月度考核表（打印）' }).click();
    await adminPage.getByText('考核人').first().waitFor();
    await snap(adminPage, 'reports-assessment');
    // Oversight (docs/oversight.md): the county overview, and the day's integrity signals (window 8's call out of order).
    await adminPage.goto(`${server.url}/admin/overview`);
    await adminPage.getByTestId('overview-rows').waitFor();
    await snap(adminPage, 'overview');
    await adminPage.goto(`${server.url}/admin/reports?hall=demo&view=integrity`);
    await adminPage.getByRole('heading', { name: '履职提示' }).waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await adminPage.getByLabel('起始日期').fill(today);
    await adminPage.getByLabel('截止日期').fill(today);
    await adminPage.getByRole('button', { name: '查询', exact: true }).click();
    await adminPage.getByTestId('integrity-signal').first().waitFor();
    await snap(adminPage, 'reports-integrity');
    await adminPage.close();
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
