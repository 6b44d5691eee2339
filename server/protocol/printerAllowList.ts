import { z } from 'zod';

/**
 * The entries of a hall's `printerAllowList`, as the configuration schema
 * validates them (the server matches addresses against them in
 * server/printing/allowList.ts). Pure, without Node's net module, so the
 * apps can bundle the schema.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for an IP literal, 0 for anything else (as node:net's isIP). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(':') || !/^[0-9a-f:.]+$/i.test(text)) return 0;
  try {
    // The URL parser knows every IPv6 spelling (::, embedded IPv4) in Node and browsers alike.
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** One allow-list entry: 192.168.1.50, 192.168.1.0/24, printer-3.hall.local, any of them with :9100. */
export const allowEntrySchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((entry) => parseAllowEntry(entry) !== null, 'an IP address, a CIDR range or a host name, optionally with :port');

export interface AllowEntry {
  host: string;
  prefix?: number;
  port?: number;
}

export function parseAllowEntry(raw: string): AllowEntry | null {
  const text = raw.trim().toLowerCase();
  const [hostPart, portPart, ...rest] = text.startsWith('[') ? splitBracketed(text) : text.includes(':') && ipFamily(text.split('/')[0]!) === 6 ? [text] : text.split(':');
  if (rest.length > 0 || hostPart === undefined) return null;
  let port: number | undefined;
  if (portPart !== undefined) {
    if (!/^\d{1,5}$/.test(portPart) || Number(portPart) < 1 || Number(portPart) > 65_535) return null;
    port = Number(portPart);
  }
  const [host = '', prefix, ...more] = hostPart.split('/');
  if (more.length > 0) return null;
  const family = ipFamily(host);
  if (prefix !== undefined) {
    if (family === 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return null;
    return { host, prefix: Number(prefix), ...(port !== undefined ? { port } : {}) };
  }
  if (family === 0 && !/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*$/.test(host)) return null;
  return { host, ...(port !== undefined ? { port } : {}) };
}

function splitBracketed(text: string): string[] {
  const match = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (!match) return [];
  return match[2] === undefined ? [match[1]!] : [match[1]!, match[2]];
}

