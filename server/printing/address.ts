import { z } from 'zod';
import type { PaperWidth } from '../../ticket-printer/agent/document.js';

/**
 * Where a printer is, as configured on a kiosk, a window or the guide desk:
 * - `preview`: no paper; each job is kept and shown on screen (the demo's default);
 * - `tcp://host[:port]`: a network printer the server drives itself;
 * - `agent:<deviceId>`: a USB or driver printer behind a standalone print agent on a PC.
 * An optional `?paper=58` picks the roll width (80 mm when absent).
 */
export type PrinterAddress =
  | { kind: 'preview'; paper: PaperWidth; raw: string }
  | { kind: 'tcp'; url: string; paper: PaperWidth; raw: string }
  | { kind: 'agent'; deviceId: string; paper: PaperWidth; raw: string };

const ADDRESS = /^(preview|tcp:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?|agent:[A-Za-z0-9_-]{1,64})(?:\?paper=(58|80))?$/;

export function parsePrinterAddress(raw: string): PrinterAddress | null {
  const match = ADDRESS.exec(raw.trim());
  if (!match) return null;
  const target = match[1]!;
  const paper: PaperWidth = match[2] === '58' ? 58 : 80;
  if (target === 'preview') return { kind: 'preview', paper, raw };
  if (target.startsWith('agent:')) return { kind: 'agent', deviceId: target.slice('agent:'.length), paper, raw };
  const port = Number(/:(\d+)$/.exec(target.slice('tcp://'.length))?.[1] ?? 9100);
  if (port < 1 || port > 65_535) return null;
  return { kind: 'tcp', url: target, paper, raw };
}

export const printerAddressSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => parsePrinterAddress(value) !== null, 'preview, tcp://host:port or agent:<device id>, optionally followed by ?paper=58');
