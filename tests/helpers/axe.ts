import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core run inside the page a browser test has open. Every page a person
 * uses is checked this way in its own browser test (board landscape/portrait,
 * window screen, kiosk modes, phone ticket, counter, supervisor, admin tabs,
 * reports), and a serious or critical violation fails that test.
 *
 * axe is injected as a script through the DevTools protocol (page.evaluate of
 * its source), so the apps' Content-Security-Policy, which allows no inline
 * script, does not stop it and nothing of axe ships with the product.
 */

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export interface AxeOptions {
  /** CSS selectors left out of the check (a third-party canvas, say); say why where you use it. */
  exclude?: string[];
  /** Rule ids not run; say why where you use it. */
  disableRules?: string[];
}

/** Serious and critical axe violations on the page as it is now (WCAG 2.1 A and AA rules plus best practices). */
export async function seriousAxeViolations(page: Page, options: AxeOptions = {}): Promise<AxeFinding[]> {
  const hasAxe = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const found = await page.evaluate(
    async ({ exclude, disableRules }) => {
      const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
      const context = exclude.length > 0 ? { exclude: exclude.map((selector) => [selector]) } : document;
      const rules = Object.fromEntries(disableRules.map((id) => [id, { enabled: false }]));
      const result = await axe.run(context, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        rules,
        resultTypes: ['violations'],
      });
      return result.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.slice(0, 5).map((node) => node.target.map(String).join(' ')),
      }));
    },
    { exclude: options.exclude ?? [], disableRules: options.disableRules ?? [] },
  );
  return found.filter((finding) => finding.impact === 'serious' || finding.impact === 'critical');
}

/** Fails (throws with every finding named) when axe finds anything serious or critical on the page. */
export async function expectAccessible(page: Page, where: string, options: AxeOptions = {}): Promise<void> {
  const findings = await seriousAxeViolations(page, options);
  if (findings.length === 0) return;
  const lines = findings.map((f) => `  [${f.impact}] ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`);
  throw new Error(`axe found ${findings.length} serious/critical problem(s) on ${where}:\n${lines.join('\n')}`);
}
