/**
 * The dirty morning of the 履职提示 tests, scripted through the demo hall's REST API on a test server whose
 * clock the test moves (`setNow`), on the hall-local `day`:
 *
 *   08:00 王芳 (clerk1) opens window 1 (综合受理窗口); A001, A002, A003 issued (综合咨询)
 *   08:10 window 1 calls A001 (idle 10 min while three waited) and marks it a no-show at once
 *   08:11 window 1 calls A003 by number (A002 was due first)
 *
 * Answers the two calls, so a test can check the morning went as scripted.
 */
import { DEMO, type TestServer } from './testServer.js';

export async function actOutDirtyMorning(
  t: TestServer,
  day: string,
  setNow: (at: number) => void,
): Promise<{ firstCall: { number: string }; byNumber: { outOfOrder?: boolean } }> {
  const clerk = await t.login('clerk1');
  const step = async (hhmm: string, path: string, body: unknown = {}) => {
    setNow(Date.parse(`${day}T${hhmm}:00+08:00`));
    const res = await t.api('POST', `/api/halls/${DEMO}${path}`, { token: clerk, body });
    if (res.status >= 300) throw new Error(`${hhmm} ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  await step('08:00', '/windows/1/open');
  await step('08:00', '/tickets', { serviceId: 'zonghe-zixun' });
  await step('08:00', '/tickets', { serviceId: 'zonghe-zixun' });
  const a003 = await step('08:00', '/tickets', { serviceId: 'zonghe-zixun' });
  const firstCall = await step('08:10', '/windows/1/call-next');
  await step('08:10', '/windows/1/no-show');
  const byNumber = await step('08:11', '/windows/1/call', { ticketId: a003.id });
  return { firstCall, byNumber };
}
