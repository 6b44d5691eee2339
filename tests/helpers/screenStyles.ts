/**
 * Computed-style measurements for any page's text, for the layout tests of the hall screens:
 * the font sizes a person at a distance can read, and the contrast of each text against what is
 * really painted behind it (the nearest opaque background, with every ancestor's opacity applied,
 * since a dimmed tile's text is what the eye gets, not its nominal colour).
 */
import type { Page } from 'playwright-core';

export interface TextStyle {
  text: string;
  /** Font size in pixels. */
  size: number;
  /** WCAG contrast ratio of the text against the background behind it. */
  contrast: number;
}

/** Every visible element under `root` with text of its own, with its size and contrast. */
export function textStyles(page: Page, root: string): Promise<TextStyle[]> {
  return page.evaluate((rootSelector) => {
    const parse = (colour: string): [number, number, number, number] => {
      const parts = (colour.match(/[\d.]+/g) ?? ['0', '0', '0', '0']).map(Number);
      return [parts[0]!, parts[1]!, parts[2]!, parts[3] ?? 1];
    };
    const luminance = ([r, g, b]: number[]) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const blend = (top: number[], alpha: number, under: number[]) => top.slice(0, 3).map((value, index) => value * alpha + under[index]! * (1 - alpha));
    /** The colour painted behind an element: the nearest ancestor's background, over the ones under it. */
    const backdrop = (element: Element | null): number[] => {
      if (!element) return [255, 255, 255];
      const [r, g, b, a] = parse(getComputedStyle(element).backgroundColor);
      const under = a >= 1 ? [] : backdrop(element.parentElement);
      return a >= 1 ? [r, g, b] : blend([r, g, b], a, under);
    };
    const styles: Array<{ text: string; size: number; contrast: number }> = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>(`${rootSelector}, ${rootSelector} *`))) {
      const text = Array.from(element.childNodes).filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent ?? '').join('').trim();
      if (!text || element.getClientRects().length === 0 || element.closest('[aria-hidden="true"]')) continue;
      const style = getComputedStyle(element);
      let opacity = 1;
      for (let at: Element | null = element; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity);
      const [r, g, b, a] = parse(style.color);
      const behind = backdrop(element);
      const seen = blend([r, g, b], a * opacity, behind);
      const [light, dark] = [luminance(seen), luminance(behind)].sort((x, y) => y - x);
      styles.push({ text: text.slice(0, 24), size: parseFloat(style.fontSize), contrast: (light! + 0.05) / (dark! + 0.05) });
    }
    return styles;
  }, root);
}
