import { Inflate } from 'fflate';
import iconv from 'iconv-lite';

/**
 * Reading an uploaded zip without trusting it. The central directory is read first (names and
 * sizes), so a pack is judged before any byte is inflated; then each entry is inflated through
 * fflate's streaming Inflate in 16 KB pieces and stopped as soon as it yields more than its
 * directory entry declared, so a zip bomb costs what its declared sizes allow (plus one piece's
 * output, at most some 16 MB), never more.
 * fflate's unzipSync would inflate into a buffer of the declared size but keep decoding whatever
 * the stream holds, and it reads names that lack the UTF-8 flag as Latin-1, while the zips of
 * Chinese Windows name files in GBK.
 */

export interface ZipEntry {
  /** The path inside the zip, decoded (UTF-8, else GBK). */
  path: string;
  compressedSize: number;
  size: number;
  method: number;
  encrypted: boolean;
  /** Where the entry's local header starts. */
  offset: number;
}

export type ZipDirectory = { ok: true; entries: ZipEntry[] } | { ok: false; why: string };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The central directory, or why the bytes are not a zip this reader takes. */
export function readZipDirectory(zip: Uint8Array, maxEntries: number): ZipDirectory {
  const data = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  // The end record is 22 bytes plus a comment of up to 65,535.
  for (let at = data.length - 22; at >= 0 && at >= data.length - 22 - 0xffff; at--) {
    if (data.readUInt32LE(at) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) return { ok: false, why: 'no zip directory' };
  const count = data.readUInt16LE(end + 10);
  const directoryOffset = data.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff) return { ok: false, why: 'zip64 archives are not taken (a voice pack is far under 4 GB)' };
  if (count > maxEntries) return { ok: false, why: `more than ${maxEntries} entries` };
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) return { ok: false, why: 'damaged zip directory' };
    const flags = data.readUInt16LE(at + 8);
    const nameLength = data.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
    if (next > data.length) return { ok: false, why: 'damaged zip directory' };
    entries.push({
      path: decodeName(data.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0),
      method: data.readUInt16LE(at + 10),
      encrypted: (flags & 1) !== 0,
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      offset: data.readUInt32LE(at + 42),
    });
    at = next;
  }
  return { ok: true, entries };
}

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag || bytes.every((byte) => byte < 0x80)) return new TextDecoder('utf-8').decode(bytes);
  // No flag: macOS and Linux tools write UTF-8 anyway, Chinese Windows writes GBK.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // iconv-lite rather than TextDecoder('gbk'), which a Node built with small ICU lacks.
    return iconv.decode(Buffer.from(bytes), 'gbk');
  }
}

/** Most a deflate stream can take for `size` bytes of output: stored blocks, 5 bytes per 16 KB at worst, and a little slack. */
export function plausibleCompressedSize(size: number): number {
  return size + 5 * Math.ceil(size / 16_384) + 1024;
}

const INFLATE_PIECE = 16 * 1024;

/**
 * The entry's bytes, or null when it is not what its directory entry says (another length, a
 * broken stream, compression other than stored or deflate). Never inflates more than `entry.size`.
 */
export function readZipEntry(zip: Uint8Array, entry: ZipEntry): Uint8Array | null {
  const data = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  if (entry.encrypted || entry.offset + 30 > data.length || data.readUInt32LE(entry.offset) !== LOCAL) return null;
  const start = entry.offset + 30 + data.readUInt16LE(entry.offset + 26) + data.readUInt16LE(entry.offset + 28);
  if (start + entry.compressedSize > data.length) return null;
  const compressed = data.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return compressed.length === entry.size ? compressed : null;
  if (entry.method !== 8 || entry.compressedSize > plausibleCompressedSize(entry.size)) return null;
  const out = new Uint8Array(entry.size);
  let length = 0;
  let overflow = false;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    if (length + chunk.length > out.length) overflow = true;
    else out.set(chunk, length);
    length += chunk.length;
    if (final) done = true;
  });
  try {
    for (let offset = 0; offset < compressed.length && !overflow; offset += INFLATE_PIECE) {
      const last = offset + INFLATE_PIECE >= compressed.length;
      inflater.push(compressed.subarray(offset, offset + INFLATE_PIECE), last);
    }
  } catch {
    return null;
  }
  return !overflow && done && length === entry.size ? out : null;
}
