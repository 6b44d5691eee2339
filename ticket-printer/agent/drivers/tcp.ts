/**
 * A network printer on raw TCP (port 9100). Probe and job share one connection, because many printers
 * accept one client at a time, and every request that is answered (DLE EOT n, GS r) is answered with
 * one byte, so replies are read strictly in the order of the requests. Every wait has a timeout and
 * every path destroys the socket: a dead printer costs seconds, never a hung queue.
 */
import { connect, type Socket } from 'node:net';
import { mayPrint, type PrintDocument, type PrintResult, type PrinterDriver, type PrinterStatus } from '../../../server/protocol/printDocument.js';
import { encodeDocument, encodeProbe } from '../escpos/encode.js';
import { combineStatus } from '../escpos/status.js';
import { JobQueue } from './jobQueue.js';

export interface TcpPrinterOptions {
  /** Connecting longer than this means the printer is off or unreachable. */
  connectTimeoutMs?: number;
  /** DLE EOT is answered at once even offline; silence this long means no ESC/POS printer is there. */
  replyTimeoutMs?: number;
  /** GS r after a job is answered once the job has printed: allow for a long slip on a slow printer. */
  confirmTimeoutMs?: number;
}

const DEFAULTS: Required<TcpPrinterOptions> = { connectTimeoutMs: 2000, replyTimeoutMs: 1500, confirmTimeoutMs: 10_000 };
const DEFAULT_PORT = 9100;

/** Statuses in which no job is sent; each is also the outcome of a job refused for it. */
type Refusal = 'paper-out' | 'cover-open' | 'offline' | 'error';

function isRefusal(status: PrinterStatus): status is Refusal {
  return !mayPrint(status);
}

function parseAddress(address: string): { host: string; port: number } {
  const url = URL.canParse(address) ? new URL(address) : undefined;
  const bare = url && url.protocol === 'tcp:' && url.hostname !== '' && !url.username && !url.search && !url.hash;
  if (!url || !bare || (url.pathname !== '' && url.pathname !== '/')) {
    throw new Error(`Not a network printer address: ${address} (expected tcp://host[:port])`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? DEFAULT_PORT : Number(url.port) };
}

/** One open connection; `request` sends bytes and resolves with the one-byte reply, or undefined. */
class PrinterConnection {
  private readonly received: number[] = [];
  private waiter: ((byte: number | undefined) => void) | undefined;
  private ended = false;

  static open(host: string, port: number, timeoutMs: number): Promise<PrinterConnection | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host, port });
      const fail = (): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(undefined);
      };
      const timer = setTimeout(fail, timeoutMs);
      socket.once('error', fail);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new PrinterConnection(socket));
      });
    });
  }

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(...chunk);
      this.deliver();
    });
    // A listener is needed anyway: an 'error' without one would crash the process.
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  request(bytes: Buffer, timeoutMs: number): Promise<number | undefined> {
    if (this.ended) return Promise.resolve(undefined);
    this.socket.write(bytes);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (byte) => {
        clearTimeout(timer);
        resolve(byte);
      };
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private end(): void {
    this.ended = true;
    this.deliver();
  }

  private deliver(): void {
    const waiter = this.waiter;
    if (!waiter || (this.received.length === 0 && !this.ended)) return;
    this.waiter = undefined;
    waiter(this.received.shift());
  }
}

/** DLE EOT 1, 2 and 4 in turn; a missing reply means the printer cannot be trusted to print: offline. */
async function probe(connection: PrinterConnection, timeoutMs: number): Promise<PrinterStatus> {
  const replies: number[] = [];
  for (const n of [1, 2, 4] as const) {
    const reply = await connection.request(encodeProbe(n), timeoutMs);
    if (reply === undefined) return 'offline';
    replies.push(reply);
  }
  const [printer = 0, offlineCause = 0, paper = 0] = replies;
  return combineStatus({ printer, offlineCause, paper });
}

/** A GS r 1 reply has bits 4 and 7 clear; anything else is not the confirmation asked for. */
function isConfirmation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0x90) === 0;
}

export class TcpPrinter implements PrinterDriver {
  private readonly host: string;
  private readonly port: number;
  private readonly timing: Required<TcpPrinterOptions>;
  private readonly queue = new JobQueue();

  /** Throws on an address that is not tcp://host[:port]: a configuration error, found at startup. */
  constructor(
    readonly address: string,
    options: TcpPrinterOptions = {},
  ) {
    ({ host: this.host, port: this.port } = parseAddress(address));
    this.timing = { ...DEFAULTS, ...options };
  }

  status(): Promise<PrinterStatus> {
    return this.queue.run(async () => {
      const connection = await this.connect();
      if (!connection) return 'offline';
      try {
        return await probe(connection, this.timing.replyTimeoutMs);
      } finally {
        connection.close();
      }
    }, 'offline');
  }

  print(document: PrintDocument): Promise<PrintResult> {
    const closed: PrintResult = { outcome: 'offline', status: 'offline' };
    // Nothing below is expected to throw; if something does, bytes may have left: never say "not printed".
    return this.queue.run(() => this.printNow(document), closed).catch(() => ({ outcome: 'uncertain', status: 'unknown' }));
  }

  close(): Promise<void> {
    return this.queue.close();
  }

  private connect(): Promise<PrinterConnection | undefined> {
    return PrinterConnection.open(this.host, this.port, this.timing.connectTimeoutMs);
  }

  private async printNow(document: PrintDocument): Promise<PrintResult> {
    let job: Buffer;
    try {
      job = encodeDocument(document, { confirm: true });
    } catch {
      // A document that cannot be encoded (a non-ASCII QR payload) never reaches the printer.
      return { outcome: 'error', status: 'unknown' };
    }
    const connection = await this.connect();
    if (!connection) return { outcome: 'offline', status: 'offline' };
    try {
      const before = await probe(connection, this.timing.replyTimeoutMs);
      if (isRefusal(before)) return { outcome: before, status: before };
      const confirmation = await connection.request(job, this.timing.confirmTimeoutMs);
      if (!isConfirmation(confirmation)) return { outcome: 'uncertain', status: 'offline' };
      // Same connection, three bytes: tells staff at once if this slip used up the roll.
      return { outcome: 'printed', status: await probe(connection, this.timing.replyTimeoutMs) };
    } finally {
      connection.close();
    }
  }
}
