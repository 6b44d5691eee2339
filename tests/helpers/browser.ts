import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './requirements.js';
import { freshIp } from './testServer.js';

export interface LaunchOptions {
  /**
   * 'allowed' (default): pages may play sound without a tap (`--autoplay-policy=no-user-gesture-required`),
   * as a board's kiosk browser is set up. 'default': Chromium's own policy, which keeps an
   * AudioContext suspended until the user taps the page.
   */
  autoplay?: 'allowed' | 'default';
  /** More Chromium switches, e.g. the fake microphone's (`--use-file-for-fake-audio-capture=…`). */
  args?: readonly string[];
}

/** Debian's Chromium, headless, with the flags this sandbox needs (no network beyond loopback). */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...((options.autoplay ?? 'allowed') === 'allowed' ? ['--autoplay-policy=no-user-gesture-required'] : []),
      ...(options.args ?? []),
    ],
  });
}

/**
 * The pages a browser test opens, each in a context of its own (its own
 * storage, so two logins do not share a session) and with an address of its
 * own (the server's login and phone limits count per address); closed
 * together after each test.
 */
export class TestPages {
  private readonly contexts: BrowserContext[] = [];

  async open(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': freshIp() });
    this.contexts.push(context);
    return context.newPage();
  }

  async closeAll(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close();
  }
}
