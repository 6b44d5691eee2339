import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * Which X-Forwarded-For hops to believe, with Express's `trust proxy`
 * semantics: a hop count (0 = none, the socket's own peer address is the
 * client), or the proxies' addresses / CIDR ranges (plus Express's presets
 * `loopback`, `linklocal`, `uniquelocal`). The client is the first address,
 * walking from the socket peer towards the left of X-Forwarded-For, that is
 * not a trusted proxy: entries left of it were written by the client and are
 * never believed, so a client cannot choose its own address.
 */
export type TrustProxy = number | readonly string[];

/** (address, hop index) → is this hop a proxy we trust to have told the truth about the one before it? */
export type TrustFn = (address: string, hop: number) => boolean;

const PRESETS: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1, what a dual-stack socket reports) is its IPv4 address. */
export function normaliseAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** One entry of a trust list: an address, a CIDR range or a preset name; null if none of those. */
function addEntry(list: BlockList, entry: string): boolean {
  const preset = PRESETS[entry];
  if (preset) {
    for (const range of preset) addEntry(list, range);
    return true;
  }
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return true;
  }
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, Number(prefix), type);
  return true;
}

/** Whether a configured list entry is valid (for the configuration's error messages). */
export function isTrustEntry(entry: string): boolean {
  return addEntry(new BlockList(), entry);
}

export function compileTrust(setting: TrustProxy): TrustFn {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const list = new BlockList();
  for (const entry of setting) addEntry(list, entry);
  return (address) => {
    const plain = normaliseAddress(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** The client's address for a request or a socket handshake, believing only the trusted hops. */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trust: TrustFn): string {
  const peer = normaliseAddress(req.socket.remoteAddress ?? 'unknown');
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .reverse();
  const chain = [peer, ...forwarded];
  for (let hop = 0; hop < chain.length - 1; hop++) {
    if (!trust(chain[hop]!, hop)) return chain[hop]!;
  }
  return normaliseAddress(chain[chain.length - 1]!);
}
