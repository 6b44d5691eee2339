import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../protocol/printDocument.js';

/**
 * The printer of a hall without one: always ready, prints nothing. The print
 * service keeps each job's document so the kiosk shows the slip on screen and
 * staff can look at every slip and notice it "printed".
 */
export class PreviewPrinter implements PrinterDriver {
  readonly address = 'preview';

  async status(): Promise<PrinterStatus> {
    return 'ready';
  }

  async print(_document: PrintDocument): Promise<PrintResult> {
    return { outcome: 'printed', status: 'ready' };
  }

  async close(): Promise<void> {}
}
