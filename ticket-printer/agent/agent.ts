import { type Socket, io } from 'socket.io-client';
import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../../server/protocol/printDocument.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/protocol/socket.js';

export interface AgentLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PrintAgentOptions {
  /** The HallQ server, e.g. http://192.168.1.10:3000. */
  server: string;
  /** The print agent's device token (hqd_…), from pairing. */
  token: string;
  hallId: string;
  printer: PrinterDriver;
  log: AgentLog;
  /** How often the printer is probed and its status reported, so staff see "paper out" without a job. */
  statusIntervalMs?: number;
}

export interface PrintAgent {
  readonly socket: Socket;
  stop(): Promise<void>;
}

const REMEMBERED_JOBS = 500;

/**
 * The standalone print agent: a Socket.IO client that prints the jobs the
 * server sends and reports the printer's status. Jobs are remembered by id:
 * when the server offers a job again (the answer was lost in a disconnect),
 * the agent answers the first outcome instead of printing it twice.
 * Socket.IO reconnects by itself; the status is reported again on every connect.
 */
export function startPrintAgent(options: PrintAgentOptions): PrintAgent {
  const { printer, log } = options;
  const jobs = new Map<string, Promise<PrintResult>>();
  let lastStatus: PrinterStatus | undefined;

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.server, {
    transports: ['websocket'],
    auth: { hallId: options.hallId, token: options.token, client: 'agent' },
    reconnectionDelayMax: 5_000,
  });

  const report = async () => {
    const status = await printer.status();
    if (status !== lastStatus) log.info(`printer ${printer.address}: ${status}`);
    lastStatus = status;
    if (socket.connected) socket.emit('printer:status', { status }, () => undefined);
  };

  socket.on('connect', () => {
    log.info(`connected to ${options.server}`);
    void report();
  });
  socket.on('disconnect', (reason) => log.warn(`disconnected (${reason}); reconnecting`));
  socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
    log.warn(`cannot connect: ${error.data?.message ?? error.message}`);
    // A revoked or wrong token will not start working by itself; stop instead of knocking forever.
    if (error.data?.code === 'UNAUTHENTICATED' || error.data?.code === 'FORBIDDEN') socket.disconnect();
  });

  socket.on('printer:probe', (ack: (status: PrinterStatus) => void) => {
    void printer.status().then((status) => {
      lastStatus = status;
      ack(status);
    });
  });

  socket.on('print:job', (job: { jobId?: unknown; document?: unknown }, ack: (result: PrintResult) => void) => {
    if (typeof job?.jobId !== 'string' || typeof job.document !== 'object' || job.document === null) {
      ack({ outcome: 'error', status: lastStatus ?? 'unknown' });
      return;
    }
    let running = jobs.get(job.jobId);
    if (!running) {
      log.info(`printing job ${job.jobId}`);
      running = printer.print(job.document as PrintDocument, job.jobId);
      jobs.set(job.jobId, running);
      if (jobs.size > REMEMBERED_JOBS) jobs.delete(jobs.keys().next().value!);
    }
    void running.then((result) => {
      lastStatus = result.status;
      log.info(`job ${job.jobId}: ${result.outcome}`);
      ack(result);
      void report();
    });
  });

  const timer = setInterval(() => void report(), options.statusIntervalMs ?? 10_000);
  return {
    socket,
    async stop() {
      clearInterval(timer);
      socket.disconnect();
      await printer.close();
    },
  };
}

/** Which hall a device token belongs to, so the agent needs only the server and the token. */
export async function hallOfToken(server: string, token: string): Promise<string> {
  const response = await fetch(new URL('/api/auth/me', server), { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { kind?: string; device?: { hallId?: string; kind?: string }; error?: { message?: string } };
  if (!response.ok || body.kind !== 'device' || !body.device?.hallId) {
    throw new Error(`the server refused this token: ${body.error?.message ?? response.status}`);
  }
  if (body.device.kind !== 'printer') throw new Error('this token belongs to a kiosk, not a print agent; pair a print agent and use its token');
  return body.device.hallId;
}
