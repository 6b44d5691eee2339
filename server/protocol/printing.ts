import type { PrintDocument, PrintOutcome, PrinterStatus } from './printDocument.js';

/**
 * What staff apps and kiosks learn about printers and print jobs. Shared by
 * the server and the apps (types only).
 */

export type PrinterRole = 'kiosk' | 'window' | 'desk';

export type PrintJobKind = 'slip' | 'missing-materials' | 'acceptance-receipt' | 'announcement' | 'test-page';

export interface PrinterState {
  /** The configured address, e.g. tcp://10.0.0.5:9100, agent:<device id>, preview. */
  address: string;
  role: PrinterRole;
  /** Kiosk device name, or null for a window's or the guide desk's printer. */
  deviceName: string | null;
  windowId: string | null;
  /** null until the printer has been probed or has reported once. */
  status: PrinterStatus | null;
  checkedAt: number | null;
  lastJob: { id: string; kind: PrintJobKind; outcome: PrintOutcome; at: number } | null;
}

export interface PrintJobView {
  id: string;
  kind: PrintJobKind;
  /** Short description for logs and lists, e.g. the ticket number. */
  label: string;
  address: string;
  outcome: PrintOutcome;
  status: PrinterStatus;
  at: number;
  /** Kept for the preview printer only, so the slip can be shown on screen. */
  document?: PrintDocument;
}

/** Printer statuses that stop printing: raise an alarm. */
export const PRINTER_ALARMS: readonly PrinterStatus[] = ['paper-out', 'cover-open', 'offline', 'error'];

/** What the server sends a standalone print agent (`print:job`); it answers a PrintResult. */
export interface AgentJob {
  jobId: string;
  document: PrintDocument;
}
