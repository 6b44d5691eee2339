import { z } from 'zod';
import type { PaperWidth } from './printDocument.js';

/**
 * Where a printer is, as configured on a kiosk, a window or the guide desk:
 * - `preview`: no paper; each job is kept and shown on screen (the demo's default);
 * - `tcp://host[:port]`: a network printer the server drives itself;
 * - `agent:<deviceId>`: a USB or driver printer behind a standalone print agent on a PC.
 * An optional `?paper=58` picks the roll width (80 mm when absent); `raster=1` prints bitmaps.
 */
export type PrinterAddress = (
  | { kind: 'preview' }
  | { kind: 'tcp'; url: string }
  | { kind: 'agent'; deviceId: string }
) & {
  paper: PaperWidth;
  /** `?raster=1`: the printer has no Chinese font; print documents as bitmaps (escpos/raster.ts). */
  raster: boolean;
  raw: string;
};

const TARGET = /^(preview|tcp:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?|agent:[A-Za-z0-9_-]{1,64})$/;

export function parsePrinterAddress(raw: string): PrinterAddress | null {
  const [target = '', query, ...rest] = raw.trim().split('?');
  if (!TARGET.test(target) || rest.length > 0 || query === '') return null;
  const params = new URLSearchParams(query ?? '');
  for (const [key, value] of params) {
    if (!((key === 'paper' && (value === '58' || value === '80')) || (key === 'raster' && value === '1'))) return null;
  }
  if (params.getAll('paper').length > 1 || params.getAll('raster').length > 1) return null;
  const options = { paper: (params.get('paper') === '58' ? 58 : 80) as PaperWidth, raster: params.has('raster'), raw };
  if (target === 'preview') return { kind: 'preview', ...options };
  if (target.startsWith('agent:')) return { kind: 'agent', deviceId: target.slice('agent:'.length), ...options };
  const port = Number(/:(\d+)$/.exec(target.slice('tcp://'.length))?.[1] ?? 9100);
  if (port < 1 || port > 65_535) return null;
  return { kind: 'tcp', url: target, ...options };
}

export const printerAddressSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => parsePrinterAddress(value) !== null, 'preview, tcp://host:port or agent:<device id>, optionally followed by ?paper=58 and/or raster=1');
