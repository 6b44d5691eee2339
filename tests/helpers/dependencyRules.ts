import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Runs dependency-cruiser with the project's rules (.dependency-cruiser.cjs)
 * and adds the one rule it cannot express: no import cycle between folders.
 *
 * Svelte 5 compiles `import type` away before dependency-cruiser sees a
 * component, so a component's type imports would escape every rule. The check
 * therefore cruises a copy of the sources in which each `X.svelte` is replaced
 * by `X.svelte.ts` holding the component's <script> blocks (`./X.svelte`
 * resolves to it, as enhanced-resolve appends `.ts`), with dependency-cruiser's
 * TypeScript pre-compilation view of imports, type imports included.
 */

const ROOT = join(import.meta.dirname, '..', '..');
export const SOURCE_ROOTS = ['server', 'display/src', 'counter/src', 'ticket-printer/src', 'ticket-printer/agent', 'client'];
const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;

export interface DependencyReport {
  /** `rule: from → to`, one per broken rule. */
  violations: string[];
  /** Each cycle of the folder graph, as its folders. */
  folderCycles: string[][];
  modules: number;
}

interface CruiseModule {
  source: string;
  dependencies: Array<{ resolved: string; coreModule: boolean; couldNotResolve: boolean }>;
}

/**
 * The folder a module belongs to for the cycle rule: each server folder
 * (server/domain with its handlers/, …), the server's top-level wiring files,
 * each app, the print agent and client/.
 */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'server') return parts.length > 2 ? `server/${parts[1]}` : 'server';
  if (parts[0] === 'ticket-printer') return `ticket-printer/${parts[1]}`;
  return parts[0]!;
}

/** Strongly connected components with more than one folder, or a folder that imports itself through others (Tarjan). */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of edges.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

function copySources(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      copySources(source, target);
    } else {
      writeSource(target, readFileSync(source, 'utf8'));
    }
  }
}

/** A component becomes its scripts, as TypeScript; anything else is copied as it is. */
function writeSource(path: string, text: string): void {
  if (!path.endsWith('.svelte')) return writeShadow(path, text);
  writeShadow(`${path}.ts`, [...text.matchAll(SCRIPT)].map((match) => match[1]).join('\n'));
}

function writeShadow(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  // A component X.svelte next to a runes module X.svelte.ts would make the copy ambiguous.
  try {
    readFileSync(path);
    throw new Error(`${path} exists twice in the copy (a component and a module of the same name)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  writeFileSync(path, text);
}

/** Cruises the project (plus `extraFiles`, path → source, for tests of the rules themselves). */
export async function checkDependencies(extraFiles: Record<string, string> = {}): Promise<DependencyReport> {
  const copy = mkdtempSync(join(tmpdir(), 'hallq-deps-'));
  try {
    for (const root of SOURCE_ROOTS) copySources(join(ROOT, root), join(copy, root));
    for (const [path, text] of Object.entries(extraFiles)) writeSource(join(copy, path), text);
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const bin = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
    const args = [bin, ...SOURCE_ROOTS, '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'];
    // Exit code 1 means "violations found": read them from the report either way.
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: copy, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; code?: number }) => {
        if (error.stdout && error.code !== undefined && error.code > 0) return { stdout: error.stdout };
        throw error;
      },
    );
    const report = JSON.parse(stdout) as {
      modules: CruiseModule[];
      summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> };
    };
    const edges = new Map<string, Set<string>>();
    for (const module of report.modules) {
      if (!SOURCE_ROOTS.some((root) => module.source.startsWith(`${root}/`))) continue;
      const from = folderOf(module.source);
      if (!edges.has(from)) edges.set(from, new Set());
      for (const dependency of module.dependencies) {
        if (dependency.coreModule || dependency.couldNotResolve) continue;
        if (!SOURCE_ROOTS.some((root) => dependency.resolved.startsWith(`${root}/`))) continue;
        const to = folderOf(dependency.resolved);
        if (to !== from) edges.get(from)!.add(to);
      }
    }
    return {
      violations: report.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`),
      folderCycles: cycles(edges),
      modules: report.modules.filter((module) => SOURCE_ROOTS.some((root) => module.source.startsWith(`${root}/`))).length,
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
