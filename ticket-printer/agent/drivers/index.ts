/**
 * A printer driver from the address in the configuration. `preview` and agent-forwarded printers are
 * created by the print service, not here.
 */
import { isAbsolute } from 'node:path';
import type { PrinterDriver } from '../../../server/protocol/printDocument.js';
import { DevicePrinter, type DevicePrinterOptions } from './device.js';
import { TcpPrinter, type TcpPrinterOptions } from './tcp.js';

export type OpenPrinterOptions = TcpPrinterOptions & DevicePrinterOptions;

/** Throws on an address it cannot drive, so that a wrong configuration stops startup with a clear message. */
export function openPrinter(address: string, options: OpenPrinterOptions = {}): PrinterDriver {
  if (address.startsWith('tcp://')) return new TcpPrinter(address, options);
  if (isAbsolute(address)) return new DevicePrinter(address, options);
  throw new Error(
    `Unsupported printer address "${address}": use tcp://host[:port] for a network printer (port 9100 by default) ` +
      'or an absolute device path such as /dev/usb/lp0 (printer:NAME system queues are not supported)',
  );
}
