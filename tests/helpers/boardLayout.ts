/**
 * Measurements of the hall board in the page (computed styles and element boxes), for the
 * board's layout tests: what a person at 10 m can read, and that nothing is drawn outside its
 * box or under the ticker.
 */
import type { Page } from 'playwright-core';

/**
 * Watches the waiting list for `ms` (its pages turn by themselves) and returns every prefix it
 * showed, and every chip that was drawn outside the list, off the screen or under the ticker.
 */
export function seenWithinCycle(page: Page, ms: number): Promise<{ seen: string[]; misplaced: string[] }> {
  return page.evaluate(async (duration) => {
    const seen = new Set<string>();
    const misplaced = new Set<string>();
    const end = Date.now() + duration;
    while (Date.now() < end) {
      const section = document.querySelector('[data-testid="waiting"]')!.getBoundingClientRect();
      const ticker = document.querySelector('.ticker')!.getBoundingClientRect();
      for (const chip of Array.from(document.querySelectorAll<HTMLElement>('[data-testid="waiting"] li[data-testid]'))) {
        const box = chip.getBoundingClientRect();
        const prefix = chip.querySelector('.prefix')?.textContent ?? '?';
        seen.add(prefix);
        const inside = box.left >= section.left - 1 && box.right <= section.right + 1 && box.top >= section.top - 1 && box.bottom <= section.bottom + 1;
        const onScreen = box.left >= 0 && box.top >= 0 && box.right <= innerWidth && box.bottom <= innerHeight;
        if (!inside || !onScreen || box.bottom > ticker.top) misplaced.add(`${prefix}: ${Math.round(box.top)}–${Math.round(box.bottom)} (ticker at ${Math.round(ticker.top)})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { seen: [...seen], misplaced: [...misplaced] };
  }, ms);
}

/**
 * Elements of the board whose box is not inside their parent's, or whose own text spills out of
 * their box (a block that does not clip it). The ticker's moving text is left out: it scrolls
 * through its track by design.
 */
export function boxesOutside(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const name = (element: Element) => `${element.tagName.toLowerCase()}.${Array.from(element.classList).filter((c) => !c.startsWith('svelte-')).join('.')} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
    for (const element of Array.from(document.querySelectorAll('main.board *'))) {
      if (element.closest('.track')) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const parent = element.parentElement!.getBoundingClientRect();
      if (box.left < parent.left - 1 || box.right > parent.right + 1 || box.top < parent.top - 1 || box.bottom > parent.bottom + 1) {
        problems.push(`${name(element)} outside its parent (${Math.round(box.left)},${Math.round(box.top)})–(${Math.round(box.right)},${Math.round(box.bottom)}) in (${Math.round(parent.left)},${Math.round(parent.top)})–(${Math.round(parent.right)},${Math.round(parent.bottom)})`);
      }
      const style = getComputedStyle(element);
      if (style.display !== 'inline' && style.overflowX === 'visible' && element.scrollWidth > element.clientWidth + 1) problems.push(`${name(element)} text wider than its box`);
      if (style.display !== 'inline' && style.overflowY === 'visible' && element.scrollHeight > element.clientHeight + 1) problems.push(`${name(element)} text taller than its box`);
    }
    // Inside a window tile, the names and what the window shows never draw over each other.
    for (const tile of Array.from(document.querySelectorAll('main.board article.window'))) {
      const parts = Array.from(tile.querySelectorAll(':scope > *, :scope > .current > *')).filter((part) => part.getClientRects().length > 0);
      for (const [index, a] of parts.entries()) {
        for (const b of parts.slice(index + 1)) {
          if (a.contains(b) || b.contains(a)) continue;
          const p = a.getBoundingClientRect();
          const q = b.getBoundingClientRect();
          if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) problems.push(`${name(a)} overlaps ${name(b)}`);
        }
      }
    }
    return problems;
  });
}

/** Visible text on the board set smaller than `share` of the screen's short side. */
export function fontsBelow(page: Page, share: number): Promise<string[]> {
  return page.evaluate((minimumShare) => {
    const minimum = minimumShare * Math.min(innerWidth, innerHeight);
    const small: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('main.board *'))) {
      const text = Array.from(element.childNodes).filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent ?? '').join('').trim();
      if (!text || element.getClientRects().length === 0) continue;
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < minimum - 0.5) small.push(`${element.tagName.toLowerCase()}.${element.className} "${text.slice(0, 20)}" ${size.toFixed(1)}px < ${minimum.toFixed(1)}px`);
    }
    return small;
  }, share);
}
