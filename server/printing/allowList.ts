import { BlockList, isIP } from 'node:net';
import type { HallConfig } from '../protocol/model.js';
import type { AccountStore } from '../store/port.js';
import { type PrinterAddress, parsePrinterAddress } from '../protocol/printerAddress.js';
import { parseAllowEntry as parseEntry } from '../protocol/printerAllowList.js';

/**
 * Which printers a hall may print on (issue 13 item 8). Without this a
 * supervisor could point a kiosk at another hall's print agent, or make the
 * server open TCP connections to any host and port (and re-probe them every
 * 30 s).
 *
 * - `preview` is always allowed: nothing leaves the server.
 * - `agent:<id>` must be a print agent (device kind `printer`) paired in the
 *   same hall and not revoked.
 * - `tcp://host:port` must match the hall's `printerAllowList`, set by an
 *   administrator: an IP address or CIDR range (any port, IP literals only),
 *   a host name (any port; matched by name, never resolved), or either with
 *   `:port` for that port only.
 * - The server's default printer (HALLQ_PRINTER) was set by whoever runs the
 *   server, so it is allowed for every hall.
 */

function hostAndPort(address: Extract<PrinterAddress, { kind: 'tcp' }>): { host: string; port: number } {
  const rest = address.url.slice('tcp://'.length).toLowerCase();
  const match = /^(.*?)(?::(\d+))?$/.exec(rest)!;
  return { host: match[1]!, port: Number(match[2] ?? 9100) };
}

export function tcpAllowed(address: Extract<PrinterAddress, { kind: 'tcp' }>, allowList: readonly string[]): boolean {
  const { host, port } = hostAndPort(address);
  const family = isIP(host);
  return allowList.some((raw) => {
    const entry = parseEntry(raw);
    if (!entry || (entry.port !== undefined && entry.port !== port)) return false;
    if (entry.prefix === undefined) return entry.host === host;
    if (family === 0) return false;
    const list = new BlockList();
    const type = isIP(entry.host) === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(entry.host, entry.prefix, type);
    return list.check(host, family === 4 ? 'ipv4' : 'ipv6');
  });
}

/** Whether one printer target is the other's, ignoring the ?paper/raster options. */
function sameTarget(a: PrinterAddress, raw: string): boolean {
  const b = parsePrinterAddress(raw);
  return b !== null && a.raw.replace(/\?.*$/, '').trim().toLowerCase() === b.raw.replace(/\?.*$/, '').trim().toLowerCase();
}

export interface AllowContext {
  hallId: string;
  config: Pick<HallConfig, 'printerAllowList'>;
  accounts: Pick<AccountStore, 'getDevice'>;
  /** HALLQ_PRINTER, else preview. */
  defaultPrinter: string;
}

/** Whether the hall may print on this address. */
export async function printerAllowed(address: PrinterAddress, context: AllowContext): Promise<boolean> {
  if (address.kind === 'preview' || sameTarget(address, context.defaultPrinter)) return true;
  if (address.kind === 'agent') {
    const device = await context.accounts.getDevice(address.deviceId);
    return device !== null && device.kind === 'printer' && device.hallId === context.hallId && device.revokedAt === undefined;
  }
  return tcpAllowed(address, context.config.printerAllowList ?? []);
}

/** The first of these raw addresses (kiosk, windows, desk) the hall may not use, or null. */
export async function firstDisallowed(raws: Array<string | undefined>, context: AllowContext): Promise<string | null> {
  for (const raw of raws) {
    if (raw === undefined || raw === 'agent') continue;
    const address = parsePrinterAddress(raw);
    if (address && !(await printerAllowed(address, context))) return raw;
  }
  return null;
}
