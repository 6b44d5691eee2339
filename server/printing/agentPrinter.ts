import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../protocol/printDocument.js';
import type { AgentJob } from '../protocol/printing.js';

/**
 * How to reach the agents of one device: Socket.IO broadcast-with-ack to the
 * device's room, which also works across processes through the Redis adapter.
 * Resolves with one answer per connected agent socket ([] when none is
 * connected) and rejects when a connected agent does not answer in time.
 */
export interface AgentChannel {
  probe(deviceId: string, timeoutMs: number): Promise<PrinterStatus[]>;
  print(deviceId: string, job: AgentJob, timeoutMs: number): Promise<PrintResult[]>;
}

export interface AgentPrinterTiming {
  probeTimeoutMs: number;
  /** How long one delivery attempt waits for the agent's answer (covers a slow printer). */
  attemptTimeoutMs: number;
  /** How long a job keeps being offered to an agent that is reconnecting. */
  deadlineMs: number;
  retryDelayMs: number;
}

export const DEFAULT_AGENT_TIMING: AgentPrinterTiming = { probeTimeoutMs: 2_000, attemptTimeoutMs: 15_000, deadlineMs: 20_000, retryDelayMs: 500 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A printer behind a standalone print agent. A job that was handed over but
 * not answered (the agent disconnected mid-job) is offered again under the
 * same id until the deadline: the agent remembers job ids, so a job it already
 * printed is answered from memory, never printed twice.
 */
export class AgentPrinter implements PrinterDriver {
  constructor(
    readonly address: string,
    private readonly deviceId: string,
    private readonly channel: AgentChannel,
    private readonly timing: AgentPrinterTiming = DEFAULT_AGENT_TIMING,
  ) {}

  async status(): Promise<PrinterStatus> {
    try {
      const answers = await this.channel.probe(this.deviceId, this.timing.probeTimeoutMs);
      return answers[0] ?? 'offline';
    } catch {
      return 'offline';
    }
  }

  async print(document: PrintDocument, jobId = `job-${Date.now()}`): Promise<PrintResult> {
    const deadline = Date.now() + this.timing.deadlineMs;
    let handedOver = false;
    for (;;) {
      try {
        const answers = await this.channel.print(this.deviceId, { jobId, document }, this.timing.attemptTimeoutMs);
        const answer = answers[0];
        if (answer) return answer;
      } catch {
        // A connected agent took the job but did not answer in time: it may have printed it.
        handedOver = true;
      }
      if (Date.now() + this.timing.retryDelayMs >= deadline) {
        return handedOver ? { outcome: 'uncertain', status: 'offline' } : { outcome: 'offline', status: 'offline' };
      }
      await sleep(this.timing.retryDelayMs);
    }
  }

  async close(): Promise<void> {}
}
