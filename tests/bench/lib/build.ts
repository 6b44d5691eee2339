/** The compiled server the benchmarks measure by default (shared by npm run bench and bench:cluster). */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './server.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than server/; falls back to the sources if the build fails. */
export function ensureBuilt(log: (m: string) => void): 'dist' | 'src' {
  const built = join(REPO_ROOT, 'dist/server/server.js');
  let builtAt = 0;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    // not built yet
  }
  const sourcesAt = Math.max(newestMtime(join(REPO_ROOT, 'server')), statSync(join(REPO_ROOT, 'tsconfig.build.json')).mtimeMs);
  if (builtAt > sourcesAt) return 'dist';
  log(builtAt ? 'dist/ is older than server/: npm run build…' : 'dist/ is missing: npm run build…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit', timeout: 180_000 });
  if (result.status === 0) return 'dist';
  log('WARNING: npm run build failed; measuring the server sources through tsx instead (--server src)');
  return 'src';
}
