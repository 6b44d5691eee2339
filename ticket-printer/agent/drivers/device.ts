/**
 * A printer behind a local device file (/dev/usb/lp0, a serial port) or, for tests, a plain file.
 * Such an interface is one-way as the kernel exposes it: there is no reply to DLE EOT or GS r, so the
 * status is 'unknown' while the device exists, and 'printed' only means every byte was written to it,
 * not that paper came out.
 */
import { constants } from 'node:fs';
import { access, open, type FileHandle } from 'node:fs/promises';
import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../../../server/protocol/printDocument.js';
import { encodeDocument } from '../escpos/encode.js';
import { JobQueue } from './jobQueue.js';

export interface DevicePrinterOptions {
  /** A USB printer out of paper can block a write indefinitely; give up on it after this long. */
  writeTimeoutMs?: number;
}

const OFFLINE: PrintResult = { outcome: 'offline', status: 'offline' };
/** No O_CREAT: an unplugged printer must not turn into a regular file under /dev. */
const APPEND_EXISTING = constants.O_WRONLY | constants.O_APPEND;

/** Resolves with the work's value, or with undefined if it fails or takes longer than `ms`. */
function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

export class DevicePrinter implements PrinterDriver {
  private readonly queue = new JobQueue();
  private readonly writeTimeoutMs: number;

  constructor(
    readonly address: string,
    options: DevicePrinterOptions = {},
  ) {
    this.writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
  }

  status(): Promise<PrinterStatus> {
    return this.queue.run(async () => ((await this.writable()) ? 'unknown' : 'offline'), 'offline');
  }

  print(document: PrintDocument): Promise<PrintResult> {
    return this.queue.run(() => this.printNow(document), OFFLINE);
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private async writable(): Promise<boolean> {
    return access(this.address, constants.W_OK).then(
      () => true,
      () => false,
    );
  }

  private async printNow(document: PrintDocument): Promise<PrintResult> {
    let job: Buffer;
    try {
      job = encodeDocument(document);
    } catch {
      // A document that cannot be encoded (a non-ASCII QR payload) never reaches the printer.
      return { outcome: 'error', status: 'unknown' };
    }
    const opening = open(this.address, APPEND_EXISTING);
    const handle = await within(opening, this.writeTimeoutMs);
    if (!handle) {
      // An open that completes after we gave up must not leak its descriptor.
      void opening.then((late) => late.close()).catch(() => undefined);
      return OFFLINE;
    }
    const writing = handle.writeFile(job).then(() => true);
    const written = await within(writing, this.writeTimeoutMs);
    // Closed once the write settles: closing under a pending write would hand its descriptor to another file.
    void writing.catch(() => false).finally(() => closeQuietly(handle));
    return written ? { outcome: 'printed', status: 'unknown' } : { outcome: 'uncertain', status: 'unknown' };
  }
}

function closeQuietly(handle: FileHandle): void {
  handle.close().catch(() => undefined);
}
