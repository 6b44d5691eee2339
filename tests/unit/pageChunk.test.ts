import { describe, expect, it } from 'vitest';
import { type ChunkRecovery, RELOADED_KEY, lazyChunk, loadChunk } from '../../counter/src/lib/pageChunk.js';

/** A tab's sessionStorage and its reloads, kept across "reloads" as the browser keeps them. */
function tab(): ChunkRecovery & { reloads: number; items: Map<string, string> } {
  const items = new Map<string, string>();
  const state = {
    items,
    reloads: 0,
    storage: { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), removeItem: (key: string) => void items.delete(key) },
    reload: () => void state.reloads++,
  };
  return state;
}

const gone = () => Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
const settled = async (promise: Promise<unknown>) => Promise.race([promise.then(() => 'loaded', () => 'failed'), new Promise((resolve) => setTimeout(() => resolve('pending'), 20))]);

describe('page chunks (counter/src/lib/pageChunk.ts)', () => {
  it('the first failure reloads the page and stays loading; after that reload a failure is the page’s to show', async () => {
    const browser = tab();
    expect(await settled(loadChunk(gone, true, browser))).toBe('pending');
    expect(browser.reloads).toBe(1);
    expect(await settled(loadChunk(gone, true, browser))).toBe('failed');
    expect(browser.reloads).toBe(1);
  });

  it('a chunk that loads clears the mark, so a failure another day may reload again', async () => {
    const browser = tab();
    await settled(loadChunk(gone, true, browser));
    expect(await loadChunk(async () => 'panel', true, browser)).toBe('panel');
    expect(browser.items.has(RELOADED_KEY)).toBe(false);
    expect(await settled(loadChunk(gone, true, browser))).toBe('pending');
    expect(browser.reloads).toBe(2);
  });

  it('a tab inside a page never reloads on its own', async () => {
    const browser = tab();
    expect(await settled(loadChunk(gone, false, browser))).toBe('failed');
    expect(browser.reloads).toBe(0);
  });

  it('fetches a chunk once, at the first call, and hands over its default export', async () => {
    let imports = 0;
    const page = lazyChunk(async () => ({ default: `page ${++imports}` }), true, tab());
    expect(imports).toBe(0);
    expect(await page()).toBe('page 1');
    expect(await page()).toBe('page 1');
    expect(imports).toBe(1);
  });
});
