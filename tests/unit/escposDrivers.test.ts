import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PrintDocument } from '../../server/protocol/printDocument.js';
import { DevicePrinter } from '../../ticket-printer/agent/drivers/device.js';
import { openPrinter } from '../../ticket-printer/agent/drivers/index.js';
import { TcpPrinter } from '../../ticket-printer/agent/drivers/tcp.js';
import { decodeEscPos, textLines } from '../helpers/escposDecoder.js';

const NOTICE: PrintDocument = { paper: 80, cut: true, beep: true, blocks: [{ kind: 'text', text: '请 A001 到 3 号窗口' }] };

describe('DevicePrinter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hallq-device-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends each job to the device, unconfirmed', async () => {
    const path = join(dir, 'lp0');
    await writeFile(path, '');
    const printer = new DevicePrinter(path);
    expect(await printer.status()).toBe('unknown');
    expect(await printer.print(NOTICE)).toEqual({ outcome: 'printed', status: 'unknown' });
    expect(await printer.print(NOTICE)).toEqual({ outcome: 'printed', status: 'unknown' });
    const items = decodeEscPos(await readFile(path));
    expect(textLines(items).map((line) => line.text)).toEqual(['请 A001 到 3 号窗口', '请 A001 到 3 号窗口']);
    expect(items.map((item) => item.kind)).not.toContain('confirm-query');
    await printer.close();
  });

  it('is offline when the device is missing, and does not create it', async () => {
    const path = join(dir, 'unplugged');
    const printer = new DevicePrinter(path);
    expect(await printer.status()).toBe('offline');
    expect(await printer.print(NOTICE)).toEqual({ outcome: 'offline', status: 'offline' });
    await expect(readFile(path)).rejects.toThrow(/ENOENT/);
  });
});

describe('openPrinter', () => {
  it('opens network printers and device paths', () => {
    expect(openPrinter('tcp://10.0.0.5')).toBeInstanceOf(TcpPrinter);
    expect(openPrinter('tcp://[fe80::1]:9101').address).toBe('tcp://[fe80::1]:9101');
    expect(openPrinter('/dev/usb/lp0')).toBeInstanceOf(DevicePrinter);
  });

  it('names the supported forms when it cannot open an address', () => {
    expect(() => openPrinter('printer:EPSON_TM_T82')).toThrow(/tcp:\/\/host\[:port\].*\/dev\/usb\/lp0/);
    expect(() => openPrinter('lp0')).toThrow(/Unsupported printer address "lp0"/);
    expect(() => openPrinter('tcp://10.0.0.5:9100/queue')).toThrow(/tcp:\/\/host\[:port\]/);
    expect(() => openPrinter('tcp://:9100')).toThrow(/tcp:\/\/host\[:port\]/);
  });
});
