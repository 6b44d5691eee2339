import type { Page } from 'playwright-core';

/**
 * What a keyboard-wedge scanner (USB or camera) sends when it reads a QR code: its text as key
 * presses to whatever has the focus, a few milliseconds apart, then Enter. Dispatched inside the
 * page in one go, so a busy test machine cannot stretch the gaps between keys into a person's
 * typing (the kiosk tells the two apart by those gaps).
 */
export function scanCode(page: Page, text: string): Promise<void> {
  return page.evaluate((keys) => {
    const target = document.activeElement ?? document.body;
    for (const key of [...keys, 'Enter']) {
      target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      target.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true, cancelable: true }));
    }
  }, text);
}
