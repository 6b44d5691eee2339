#!/usr/bin/env node
/**
 * `npm start` builds only what changed since the last build: the server
 * (tsc) and the three apps (vite) each have a fingerprint of their inputs
 * (a SHA-256 over every input file's path and content, the command, the Node
 * version), kept in dist/.build-stamps.json after a build succeeds. A fresh
 * clone has no stamps and builds everything; a warm start with nothing
 * changed builds nothing. `node scripts/build.mjs --force` builds anyway.
 *
 * Content, not mtimes: a `git checkout` back and forth or a copied tree
 * keeps the build when nothing really changed, and an edit that keeps the
 * mtime (some editors, archive extraction) still rebuilds.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMPS = join(ROOT, 'dist', '.build-stamps.json');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);
const SHARED = ['package-lock.json', 'tsconfig.json'];

/** What is built, from what, and what must exist afterwards. The apps import each other's src and the server's protocol. */
const TARGETS = [
  {
    name: 'server',
    command: ['npx', 'tsc', '-p', 'tsconfig.build.json'],
    inputs: ['server', 'ticket-printer/agent', 'tsconfig.build.json', ...SHARED],
    outputs: ['dist/server/main.js', 'dist/ticket-printer/agent/main.js'],
  },
  {
    name: 'apps',
    command: ['npm', 'run', '--silent', 'build:apps'],
    inputs: ['display', 'counter', 'ticket-printer', 'server', ...SHARED],
    outputs: ['display/dist/index.html', 'counter/dist/index.html', 'ticket-printer/dist/index.html'],
  },
];

function files(path) {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => !(entry.isDirectory() && SKIP_DIRS.has(entry.name)))
    .flatMap((entry) => files(relative(ROOT, join(full, entry.name))));
}

function fingerprint(target) {
  const hash = createHash('sha256').update(`${process.version}\n${target.command.join(' ')}\n`);
  for (const file of [...new Set(target.inputs.flatMap(files))].sort()) {
    hash.update(`${file}\n`).update(readFileSync(join(ROOT, file))).update('\n');
  }
  return hash.digest('hex');
}

function readStamps() {
  try {
    return JSON.parse(readFileSync(STAMPS, 'utf8'));
  } catch {
    return {};
  }
}

const force = process.argv.includes('--force');
const stamps = readStamps();
for (const target of TARGETS) {
  const started = Date.now();
  const print = fingerprint(target);
  const built = target.outputs.every((output) => existsSync(join(ROOT, output)));
  if (!force && built && stamps[target.name] === print) {
    process.stderr.write(`HallQ ${target.name}: 已是最新，跳过构建 / up to date, not rebuilt (${Date.now() - started} ms)\n`);
    continue;
  }
  process.stderr.write(`HallQ ${target.name}: 正在构建 / building…\n`);
  const result = spawnSync(target.command[0], target.command.slice(1), { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`HallQ ${target.name}: 构建失败 / build failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status || 1);
  }
  // Stamped after success only, with the fingerprint taken before the build: an edit made meanwhile rebuilds next time.
  stamps[target.name] = print;
  mkdirSync(dirname(STAMPS), { recursive: true });
  writeFileSync(STAMPS, `${JSON.stringify(stamps, null, 2)}\n`);
  process.stderr.write(`HallQ ${target.name}: 构建完成 / built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
