import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type DecodedItem, textLines } from './escposDecoder.js';
import type { TestServer } from './testServer.js';

/** Pairs a kiosk as a supervisor would; answers the kiosk's device token (and the agent's, for 'agent'). */
export async function pairKiosk(
  t: TestServer,
  hallId: string,
  printer: string | undefined,
  name = '入口取号机',
  pairedBy = 'zhuren',
): Promise<{ token: string; deviceId: string; agentToken?: string; agentId?: string }> {
  const zhuren = await t.login(pairedBy);
  const res = await t.api('POST', `/api/halls/${hallId}/devices`, { token: zhuren, body: { kind: 'kiosk', name, ...(printer !== undefined ? { printer } : {}) } });
  expect(res.status).toBe(201);
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
