import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { HallSummary } from '../store/port.js';
import { redactUrl } from '../store/redis/index.js';

export interface BannerInput {
  host: string;
  port: number;
  dataDir: string;
  redisUrl?: string;
  halls: HallSummary[];
  /** The demo hall and accounts are on (HALLQ_DEMO). */
  demo: boolean;
  /** For tests; default os.networkInterfaces(). */
  interfaces?: ReturnType<typeof networkInterfaces>;
}

/** At most this many halls get their own page lines; the home page lists them all. */
const HALLS_SHOWN = 5;

/**
 * The addresses a person in the hall types into a browser: every IPv4
 * address of this machine's network cards (not loopback) and localhost, or
 * only the one address the server listens on when HALLQ_HOST names one.
 */
export function serverAddresses(host: string, port: number, interfaces = networkInterfaces()): string[] {
  const wildcard = host === '0.0.0.0' || host === '::';
  if (!wildcard) return [`http://${host.includes(':') ? `[${host}]` : host}:${port}`];
  const lan = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((entry) => entry.family === 'IPv4' && !entry.internal)
    .map((entry) => `http://${entry.address}:${port}`);
  return [...new Set(lan), `http://localhost:${port}`];
}

/**
 * The lines `npm start` prints for a person once the server serves (on
 * standard error: standard output is the JSON log for machines). Chinese
 * first, English after, one fact per line.
 */
export function startupBanner(input: BannerInput): string {
  const addresses = serverAddresses(input.host, input.port, input.interfaces);
  const lines = ['', 'HallQ 已启动 / HallQ is running', `  本机地址 Addresses:      ${addresses.join('  ')}`];
  const pages = (path: string) => addresses.map((address) => address + path).join('  ');
  if (input.halls.length === 0) {
    lines.push(
      `  管理页面 Admin:          ${pages('/admin')}`,
      '  还没有服务大厅：用 admin 登录管理页面，在「新建服务大厅」里建一个 / No hall yet: log in to the admin page as admin and create one',
    );
  }
  for (const hall of input.halls.slice(0, HALLS_SHOWN)) {
    const query = `?hall=${encodeURIComponent(hall.id)}`;
    lines.push(
      `  ${hall.name} (${hall.id})`,
      `    综合屏 Board:          ${pages(`/display${query}`)}`,
      `    取号机 Kiosk:          ${pages(`/kiosk${query}`)}`,
      `    呼叫器 Counter:        ${pages(`/counter${query}`)}`,
      `    管理 Admin:            ${pages(`/admin${query}`)}`,
    );
  }
  if (input.halls.length > HALLS_SHOWN) {
    lines.push(`  另有 ${input.halls.length - HALLS_SHOWN} 个大厅，见首页 / ${input.halls.length - HALLS_SHOWN} more halls: see the home page ${addresses[0]}/`);
  }
  const dataDir = resolve(input.dataDir);
  lines.push(
    input.redisUrl === undefined
      ? `  存储 Store:              SQLite ${join(dataDir, 'hallq.db')}`
      : `  存储 Store:              Redis ${redactUrl(input.redisUrl)}`,
    `  数据目录 Data directory: ${dataDir}`,
    ...(input.demo ? ['  演示 Demo:               clerk1–clerk8、zhuren 密码 demo1234；正式使用前用 HALLQ_DEMO=0 关闭 / set HALLQ_DEMO=0 before real use'] : []),
    '  停止 Stop: Ctrl+C',
    '',
  );
  return lines.join('\n');
}
