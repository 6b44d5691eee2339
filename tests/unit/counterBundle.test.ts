import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adminZh } from '../../counter/src/locales/admin.zh.js';
import { reportsZh } from '../../counter/src/locales/reports.zh.js';
import { webhooksZh } from '../../counter/src/locales/webhooks.zh.js';
import { simulationZh } from '../../counter/src/locales/simulation.zh.js';

/**
 * Issue 16: the clerk's panel (/counter) downloads only the panel, not the admin pages, the
 * reports with Chart.js, the QR codes of the booking posters or zod. Read from the built app
 * (`npm test` runs `npm run build:apps` first; alone: `npx vite build counter`).
 */
const dist = join(import.meta.dirname, '..', '..', 'counter', 'dist');

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/**
 * The JS gzip of what /counter loads, measured at 84 KB (the entry with Svelte, the locales and the
 * login; the socket; the panel) when the budget was set; one chunk for everything was 241 KB.
 */
const PANEL_GZIP_BUDGET = 110_000;

/** Code that is not the panel's, each known by text that survives minification. */
const FOREIGN: Record<string, string[]> = {
  'Chart.js': ['_chartjs'],
  zod: ['ZodObject'],
  qrcode: ['QR Code version'],
  'the admin pages': [adminZh.readOnly, adminZh.notAllowed, webhooksZh.hint],
  'the reports': [reportsZh.loading],
  '排班模拟': [simulationZh.staffingHint, simulationZh.suggestionHint],
};

function readManifest(): Manifest {
  const path = join(dist, '.vite', 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npx vite build counter\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The chunks the browser fetches for these manifest keys: each one and what it imports statically. */
function loaded(manifest: Manifest, keys: string[]): string[] {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  keys.forEach(visit);
  return [...seen];
}

const code = (manifest: Manifest, key: string) => readFileSync(join(dist, manifest[key]!.file), 'utf8');

describe('the counter bundle', () => {
  const manifest = readManifest();
  const panel = loaded(manifest, ['index.html', 'src/components/Workspace.svelte']);

  it('gives each page a chunk of its own', () => {
    expect(manifest['index.html']?.dynamicImports).toEqual(
      expect.arrayContaining(['src/components/Workspace.svelte', 'src/components/Supervisor.svelte', 'src/components/admin/AdminHome.svelte', 'src/components/simulation/SimulationPage.svelte']),
    );
    expect(manifest['src/components/admin/AdminHome.svelte']?.dynamicImports).toEqual(['src/components/reports/Reports.svelte']);
  });

  it('the clerk panel loads no admin, reports, Chart.js, QR code or zod code', () => {
    expect(panel.filter((key) => /components\/(admin|reports|simulation)\//.test(key))).toEqual([]);
    for (const [what, markers] of Object.entries(FOREIGN)) {
      for (const marker of markers) {
        const where = panel.filter((key) => code(manifest, key).includes(marker));
        expect(where, `${what} (${marker.slice(0, 30)}) in the panel's chunks`).toEqual([]);
      }
    }
  });

  it('the markers are found where that code does go, so their absence above means something', () => {
    const admin = loaded(manifest, ['src/components/admin/AdminHome.svelte', 'src/components/reports/Reports.svelte', 'src/components/simulation/SimulationPage.svelte']);
    const adminCode = admin.map((key) => code(manifest, key)).join('\n');
    for (const markers of Object.values(FOREIGN)) for (const marker of markers) expect(adminCode).toContain(marker);
  });

  it(`the panel's JavaScript stays within ${PANEL_GZIP_BUDGET / 1000} KB gzip`, () => {
    const gzip = panel.reduce((sum, key) => sum + gzipSync(code(manifest, key), { level: 9 }).length, 0);
    expect(gzip).toBeLessThanOrEqual(PANEL_GZIP_BUDGET);
  });
});
