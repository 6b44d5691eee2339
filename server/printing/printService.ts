import type { Logger } from 'pino';
import type { PrintDocument, PrintResult, PrinterDriver, PrinterStatus } from '../protocol/printDocument.js';
import { openPrinter } from '../../ticket-printer/agent/drivers/index.js';
import type { HallConfig } from '../protocol/model.js';
import type { PrintJobKind, PrintJobView, PrinterRole, PrinterState } from '../protocol/printing.js';
import type { AccountStore, HallStore } from '../store/port.js';
import { type PrinterAddress, parsePrinterAddress } from '../protocol/printerAddress.js';
import { type AgentChannel, AgentPrinter, type AgentPrinterTiming } from './agentPrinter.js';
import { PreviewPrinter } from './preview.js';
import { rasterizeDocument } from '../../ticket-printer/agent/escpos/raster.js';
import { type AllowContext, printerAllowed } from './allowList.js';

export interface PrintJobRequest {
  /** Stable per intent (e.g. slip-<ticketId>): a retried request finds the job instead of printing again. */
  id: string;
  kind: PrintJobKind;
  label: string;
  address: PrinterAddress;
  document: PrintDocument;
  /** The device that asked (a kiosk's slips): devices read only their own jobs. */
  requestedBy?: string;
}

interface PrinterRecord {
  status: PrinterStatus;
  checkedAt: number;
  lastJob: PrinterState['lastJob'];
}

export interface PrintServiceDeps {
  halls: HallStore;
  accounts: AccountStore;
  log: Logger;
  now: () => number;
  /** Printer of kiosks, windows and the desk when none is configured (HALLQ_PRINTER, else preview). */
  defaultPrinter: string;
  agents: AgentChannel;
  agentTiming?: AgentPrinterTiming;
  /** Called when a printer's status or last job changes, so staff views update. */
  onChange(hallId: string): void;
}

const JOB_MEMORY = 2_000;
const JOB_LOG_PER_HALL = 100;

/** The printer key: one driver and one status per physical printer, whatever paper width the address names. */
function keyOf(address: PrinterAddress): string {
  return address.raw.replace(/\?.*$/, '');
}

/**
 * Print jobs and printer status for every hall this process serves. Jobs are
 * remembered by id, so a retry answers the first outcome rather than printing
 * twice; statuses come from probes before printing, job outcomes, agents'
 * reports and a periodic probe of network printers.
 */
export class PrintService {
  private readonly drivers = new Map<string, PrinterDriver>();
  private readonly jobs = new Map<string, Promise<PrintJobView>>();
  private readonly jobLog = new Map<string, Array<{ view: PrintJobView; requestedBy?: string }>>();
  private readonly printers = new Map<string, Map<string, PrinterRecord>>();
  private readonly preview = new PreviewPrinter();

  constructor(private readonly deps: PrintServiceDeps) {}

  /** The default address when a kiosk, window or desk has none. */
  get defaultPrinter(): string {
    return this.deps.defaultPrinter;
  }

  private driverFor(address: PrinterAddress): PrinterDriver {
    if (address.kind === 'preview') return this.preview;
    const key = keyOf(address);
    let driver = this.drivers.get(key);
    if (!driver) {
      driver =
        address.kind === 'agent'
          ? new AgentPrinter(key, address.deviceId, this.deps.agents, this.deps.agentTiming)
          : openPrinter(address.url);
      this.drivers.set(key, driver);
    }
    return driver;
  }

  private record(hallId: string, address: PrinterAddress, update: Partial<PrinterRecord> & { status: PrinterStatus }): void {
    let hall = this.printers.get(hallId);
    if (!hall) this.printers.set(hallId, (hall = new Map()));
    const key = keyOf(address);
    const before = hall.get(key);
    const next: PrinterRecord = { lastJob: before?.lastJob ?? null, ...update, checkedAt: this.deps.now() };
    hall.set(key, next);
    // Staff hear of a new status or a change of outcome, not of every slip printed fine (each push reads the hall's printers).
    if (!before || before.status !== next.status || before.lastJob?.outcome !== next.lastJob?.outcome) this.deps.onChange(hallId);
  }

  /** What the hall may print on (allowList.ts); the configuration is checked too, this is the last line. */
  async allowed(hallId: string, address: PrinterAddress, config?: HallConfig): Promise<boolean> {
    const hall = config ?? (await this.deps.halls.loadHall(hallId))?.config;
    if (!hall) return false;
    return printerAllowed(address, this.allowContext(hallId, hall));
  }

  allowContext(hallId: string, config: Pick<HallConfig, 'printerAllowList'>): AllowContext {
    return { hallId, config, accounts: this.deps.accounts, defaultPrinter: this.deps.defaultPrinter };
  }

  /** Probes a printer now and records what it said; one the hall may not use is never contacted. */
  async probe(hallId: string, address: PrinterAddress): Promise<PrinterStatus> {
    if (!(await this.allowed(hallId, address))) return 'error';
    const status = await this.driverFor(address).status();
    this.record(hallId, address, { status });
    return status;
  }

  /** What a print agent reported about its printer by itself. */
  agentReported(hallId: string, deviceId: string, status: PrinterStatus): void {
    const address = parsePrinterAddress(`agent:${deviceId}`);
    if (address) this.record(hallId, address, { status });
  }

  submit(hallId: string, job: PrintJobRequest): Promise<PrintJobView> {
    const known = this.jobs.get(job.id);
    if (known) return known;
    const running = this.run(hallId, job);
    this.jobs.set(job.id, running);
    if (this.jobs.size > JOB_MEMORY) this.jobs.delete(this.jobs.keys().next().value!);
    return running;
  }

  private async run(hallId: string, job: PrintJobRequest): Promise<PrintJobView> {
    let result: PrintResult;
    let document = job.document;
    try {
      if (!(await this.allowed(hallId, job.address))) {
        // Configured before the allow-list existed, or the agent was revoked since: nothing is sent.
        this.deps.log.warn({ hallId, jobId: job.id, printer: job.address.raw }, 'print job refused: the hall may not use this printer');
        result = { outcome: 'error', status: 'error' };
      } else {
        if (job.address.raster) document = rasterizeDocument(document);
        result = await this.driverFor(job.address).print(document, job.id);
      }
    } catch (error) {
      // Drivers promise not to throw; rasterizing can (no Chinese font). Nothing is known about the paper then.
      this.deps.log.error({ err: error, jobId: job.id }, 'print job failed before or in the driver');
      result = { outcome: 'error', status: 'unknown' };
    }
    const view: PrintJobView = {
      id: job.id,
      kind: job.kind,
      label: job.label,
      address: job.address.raw,
      outcome: result.outcome,
      status: result.status,
      at: this.deps.now(),
      ...(job.address.kind === 'preview' ? { document } : {}),
    };
    const log = this.jobLog.get(hallId) ?? [];
    log.unshift({ view, ...(job.requestedBy !== undefined ? { requestedBy: job.requestedBy } : {}) });
    this.jobLog.set(hallId, log.slice(0, JOB_LOG_PER_HALL));
    this.record(hallId, job.address, { status: result.status, lastJob: { id: job.id, kind: job.kind, outcome: result.outcome, at: view.at } });
    if (result.outcome !== 'printed') this.deps.log.warn({ hallId, jobId: job.id, outcome: result.outcome, printer: job.address.raw }, 'print job not printed');
    return view;
  }

  /** The hall's recent jobs; for a device (`deviceId`), only those it asked for. */
  recentJobs(hallId: string, deviceId?: string): PrintJobView[] {
    const log = this.jobLog.get(hallId) ?? [];
    return (deviceId === undefined ? log : log.filter((entry) => entry.requestedBy === deviceId)).map((entry) => entry.view);
  }

  /** Every printer the hall uses: kiosks' printers, windows' printers and the guide desk's. */
  async printersOf(hallId: string, config?: HallConfig): Promise<Array<{ address: PrinterAddress; role: PrinterRole; deviceName: string | null; windowId: string | null }>> {
    const hall = config ?? (await this.deps.halls.loadHall(hallId))?.config;
    if (!hall) return [];
    const entries: Array<{ address: string; role: PrinterRole; deviceName: string | null; windowId: string | null }> = [];
    for (const device of await this.deps.accounts.listDevices(hallId)) {
      if (device.kind !== 'kiosk' || device.revokedAt !== undefined) continue;
      entries.push({ address: device.printer ?? this.deps.defaultPrinter, role: 'kiosk', deviceName: device.name, windowId: null });
    }
    for (const window of hall.windows) {
      if (window.printer) entries.push({ address: window.printer, role: 'window', deviceName: null, windowId: window.id });
    }
    entries.push({ address: hall.deskPrinter ?? this.deps.defaultPrinter, role: 'desk', deviceName: null, windowId: null });
    return entries.flatMap((entry) => {
      const address = parsePrinterAddress(entry.address);
      return address ? [{ ...entry, address }] : [];
    });
  }

  async states(hallId: string): Promise<PrinterState[]> {
    const known = this.printers.get(hallId);
    return (await this.printersOf(hallId)).map((entry) => {
      const record = known?.get(keyOf(entry.address));
      return {
        address: entry.address.raw,
        role: entry.role,
        deviceName: entry.deviceName,
        windowId: entry.windowId,
        status: record?.status ?? null,
        checkedAt: record?.checkedAt ?? null,
        lastJob: record?.lastJob ?? null,
      };
    });
  }

  /** Probes every network printer of every hall, so "paper near end" shows before a citizen meets it. */
  async probeNetworkPrinters(): Promise<void> {
    for (const hall of await this.deps.halls.listHalls()) {
      const seen = new Set<string>();
      for (const { address } of await this.printersOf(hall.id)) {
        if (address.kind !== 'tcp' || seen.has(keyOf(address))) continue;
        // probe() refuses addresses the hall may not use without connecting; skip them quietly here.
        if (!(await this.allowed(hall.id, address))) continue;
        seen.add(keyOf(address));
        await this.probe(hall.id, address);
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((driver) => driver.close()));
    this.drivers.clear();
  }
}
