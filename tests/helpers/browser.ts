import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './requirements.js';

export interface LaunchOptions {
  /**
   * 'allowed' (default): pages may play sound without a tap (`--autoplay-policy=no-user-gesture-required`),
   * as a board's kiosk browser is set up. 'default': Chromium's own policy, which keeps an
   * AudioContext suspended until the user taps the page.
   */
  autoplay?: 'allowed' | 'default';
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
    ],
  });
}
