import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type DecodedItem, textLines } from './escposDecoder.js';
import type { TestServer } from './testServer.js';

/**
 * The administrator adds network printers to the hall's allow-list (printerAllowList), as they
 * must before a kiosk, a window or the desk may print on them (issue 13 item 8).
 */
export async function allowPrinters(t: TestServer, hallId: string, entries: string[]): Promise<void> {
  const admin = await t.login('admin');
  const current = await t.api('GET', `/api/halls/${hallId}/config`, { token: admin });
  expect(current.status).toBe(200);
  const config = current.body.config;
  const printerAllowList = [...new Set([...(config.printerAllowList ?? []), ...entries])];
  const saved = await t.api('PUT', `/api/halls/${hallId}/config`, { token: admin, body: { config: { ...config, printerAllowList } } });
  expect(saved.status, saved.text).toBe(200);
}

/** The host:port of a tcp:// printer address, for the allow-list. */
export function tcpTarget(address: string): string {
  return address.replace(/^tcp:\/\//, '').replace(/\?.*$/, '');
}

/** Pairs a kiosk as a supervisor would; answers the kiosk's device token (and the agent's, for 'agent'). */
export async function pairKiosk(
  t: TestServer,
  hallId: string,
  printer: string | undefined,
  name = '入口取号机',
  pairedBy = 'zhuren',
): Promise<{ token: string; deviceId: string; agentToken?: string; agentId?: string }> {
  if (printer?.startsWith('tcp://')) await allowPrinters(t, hallId, [tcpTarget(printer)]);
  const zhuren = await t.login(pairedBy);
  const res = await t.api('POST', `/api/halls/${hallId}/devices`, { token: zhuren, body: { kind: 'kiosk', name, ...(printer !== undefined ? { printer } : {}) } });
  expect(res.status, res.text).toBe(201);
  return {
    token: res.body.token,
    deviceId: res.body.device.id,
    ...(res.body.agent ? { agentToken: res.body.agent.token, agentId: res.body.agent.device.id } : {}),
  };
}

/** The printed text lines of one decoded job, for assertions. */
export function printedText(items: DecodedItem[]): string[] {
  return textLines(items).map((line) => line.text);
}

export function qrPayloads(items: DecodedItem[]): string[] {
  return items.flatMap((item) => (item.kind === 'qr' ? [item.data] : []));
}

export function cuts(items: DecodedItem[]): number {
  return items.filter((item) => item.kind === 'cut').length;
}

/**
 * Puts a paired kiosk's identity into the page's storage, as the pairing page
 * leaves it, and waits for the service grid.
 */
export async function openPairedKiosk(page: Page, url: string, identity: { hallId: string; deviceId: string; token: string; name?: string }): Promise<void> {
  await page.goto(url);
  await page.evaluate(
    ([key, value]) => localStorage.setItem(key!, value!),
    [`hallq.kiosk.${identity.hallId}`, JSON.stringify({ name: 'kiosk', ...identity })],
  );
  await page.reload();
  await page.locator('.tile').first().waitFor();
}
