/**
 * A network thermal printer on 127.0.0.1 for tests: it records what each connection sends, answers
 * DLE EOT and GS r the way an Epson-compatible printer does for the status it is given, and can fail
 * the ways real ones do (refuse connections, stay silent, die in the middle of a job). The stream is
 * parsed incrementally with the test decoder, so a query is answered only after every byte before it.
 */
import { createServer, type Socket } from 'node:net';
import { EscPosDecoder, type DecodedItem } from './escposDecoder.js';

export type FakeStatus = 'ok' | 'paper-near-end' | 'paper-out' | 'cover-open' | 'offline' | 'error' | 'silent';

/**
 * Replies to DLE EOT 1, 2 and 4 (printing.md): 0x12 is the fixed-bit pattern; 0x08 of n=1 offline;
 * 0x04 / 0x20 / 0x40 of n=2 cover open / stopped by paper end / error; 0x0C / 0x60 of n=4 near end /
 * paper end. Out of paper the near-end sensor is uncovered too, as on a real roll.
 */
const STATUS_REPLIES: Record<Exclude<FakeStatus, 'silent'>, Record<number, number>> = {
  ok: { 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 },
  'paper-near-end': { 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1e },
  'paper-out': { 1: 0x1a, 2: 0x32, 3: 0x12, 4: 0x7e },
  'cover-open': { 1: 0x1a, 2: 0x16, 3: 0x12, 4: 0x12 },
  offline: { 1: 0x1a, 2: 0x12, 3: 0x12, 4: 0x12 },
  error: { 1: 0x1a, 2: 0x52, 3: 0x12, 4: 0x12 },
};

/** GS r 1 (paper sensor status): bits 0–1 near end, bits 2–3 paper end. */
function confirmReply(status: FakeStatus): number {
  if (status === 'paper-near-end') return 0x03;
  return status === 'paper-out' ? 0x0f : 0x00;
}

/** Where the job starts: after the leading DLE EOT queries, once a byte of something else has arrived. */
function jobStart(bytes: Buffer): number | undefined {
  let at = 0;
  while (bytes[at] === 0x10) {
    if (at + 3 > bytes.length) return undefined;
    if (bytes[at + 1] !== 0x04) return at;
    at += 3;
  }
  return at < bytes.length ? at : undefined;
}

interface Connection {
  bytes: Buffer;
  items: DecodedItem[];
  closed: Promise<void>;
}

export interface FakePrinter {
  /** tcp://127.0.0.1:port */
  readonly address: string;
  /** Every byte each connection sent, in the order of the connections. */
  connections(): Buffer[];
  /** The job of each connection that sent one: its bytes after the leading status queries. */
  jobs(): Buffer[];
  /** What the decoder made of each connection's bytes. */
  decoded(): DecodedItem[][];
  allBytes(): Buffer;
  /** The connection index of each chunk received, in arrival order: interleaved jobs show as 0,1,0. */
  arrivals(): number[];
  /** Decoder errors (an unknown command from the driver) and anything else the fake could not accept. */
  errors(): Error[];
  setStatus(status: FakeStatus): void;
  /** Destroys a connection once it has sent this many job bytes after its status queries. */
  dieAfter(jobBytes: number): void;
  /** Stops listening: the port is known but connecting to it is refused. */
  refuse(): void;
  /** Resolves once `count` connections have been accepted and have all closed. */
  waitForConnections(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakePrinter(): Promise<FakePrinter> {
  let status: FakeStatus = 'ok';
  let dieAfter: number | undefined;
  const connections: Connection[] = [];
  const arrivals: number[] = [];
  const errors: Error[] = [];
  const sockets = new Set<Socket>();
  const waiters: Array<() => void> = [];
  const notify = (): void => waiters.splice(0).forEach((wake) => wake());

  const answer = (socket: Socket, item: DecodedItem): void => {
    if (status === 'silent' || socket.destroyed) return;
    if (item.kind === 'status-query') socket.write(Buffer.from([STATUS_REPLIES[status][item.n] ?? 0]));
    if (item.kind === 'confirm-query') socket.write(Buffer.from([confirmReply(status)]));
  };

  const server = createServer((socket) => {
    const index = connections.length;
    const decoder = new EscPosDecoder();
    let died = false;
    sockets.add(socket);
    const connection: Connection = {
      bytes: Buffer.alloc(0),
      items: [],
      closed: new Promise((resolve) => socket.once('close', () => resolve())),
    };
    connections.push(connection);
    notify();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      arrivals.push(index);
      let accepted = chunk;
      const start = dieAfter === undefined ? undefined : jobStart(Buffer.concat([connection.bytes, chunk]));
      if (dieAfter !== undefined && start !== undefined) {
        const limit = start + dieAfter - connection.bytes.length;
        if (limit <= chunk.length) {
          accepted = chunk.subarray(0, Math.max(0, limit));
          died = true;
        }
      }
      connection.bytes = Buffer.concat([connection.bytes, accepted]);
      try {
        for (const item of decoder.feed(accepted)) {
          connection.items.push(item);
          answer(socket, item);
        }
      } catch (error) {
        errors.push(error as Error);
        died = true;
      }
      if (died) socket.destroy();
    });
    socket.once('close', () => {
      sockets.delete(socket);
      if (!died) {
        try {
          decoder.end();
        } catch (error) {
          errors.push(error as Error);
        }
      }
      notify();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake printer has no TCP port');

  return {
    address: `tcp://127.0.0.1:${address.port}`,
    connections: () => connections.map((connection) => connection.bytes),
    jobs: () =>
      connections.flatMap((connection) => {
        const start = jobStart(connection.bytes);
        return start === undefined ? [] : [connection.bytes.subarray(start)];
      }),
    decoded: () => connections.map((connection) => connection.items),
    allBytes: () => Buffer.concat(connections.map((connection) => connection.bytes)),
    arrivals: () => [...arrivals],
    errors: () => [...errors],
    setStatus: (next) => {
      status = next;
    },
    dieAfter: (jobBytes) => {
      dieAfter = jobBytes;
    },
    refuse: () => {
      server.close();
    },
    waitForConnections: async (count) => {
      while (connections.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      await Promise.all(connections.map((connection) => connection.closed));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
