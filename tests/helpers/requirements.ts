import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { rasterFontFamily } from '../../ticket-printer/agent/escpos/raster.js';

/**
 * Tests that need an outside program (Chromium, redis-server) call these.
 * Outside CI a missing program skips those tests with a loud message; in CI
 * (CI=true) it fails them, so a green CI never hides a skipped test.
 */

const inCi = process.env.CI === 'true';

export const CHROMIUM_PATH = process.env.HALLQ_CHROMIUM ?? '/usr/bin/chromium';

function which(program: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function redisServerPath(): string | null {
  return process.env.HALLQ_REDIS_SERVER ?? which('redis-server');
}

function availability(name: string, found: boolean, hint: string): boolean {
  if (found) return true;
  const message = `${name} is not installed: ${hint}`;
  if (inCi) throw new Error(`CI=true and ${message}. .ci/run should have installed it.`);
  process.stderr.write(`\n*** SKIPPING tests that need ${name}: ${message} ***\n\n`);
  return false;
}

export function hasChromium(): boolean {
  return availability('Chromium', existsSync(CHROMIUM_PATH), 'apt-get install chromium fonts-noto-cjk');
}

export function hasRedis(): boolean {
  return availability('redis-server', redisServerPath() !== null, 'apt-get install redis-server');
}

/** A Chinese font for the raster fallback of printers without one (Debian's fonts-noto-cjk). */
export function hasCjkFont(): boolean {
  let found = true;
  try {
    rasterFontFamily();
  } catch {
    found = false;
  }
  return availability('a Chinese font', found, 'apt-get install fonts-noto-cjk');
}

export function hasNginx(): boolean {
  return availability('nginx', which('nginx') !== null, 'apt-get install nginx-light');
}

export function slapdPath(): string | null {
  return process.env.HALLQ_SLAPD ?? (existsSync('/usr/sbin/slapd') ? '/usr/sbin/slapd' : which('slapd'));
}

/** Debian's OpenLDAP server, for the LDAP login tests (they start their own on a free port). */
export function hasSlapd(): boolean {
  return availability('slapd', slapdPath() !== null, 'apt-get install slapd ldap-utils');
}
