/**
 * What the clerk panel shows and allows, as pure functions of the staff view
 * (no Svelte, no I/O), so the rules are unit-tested and the components stay thin.
 * The server decides in the end; these rules only keep the panel from offering
 * what it would refuse, and say why.
 */
import type { Clerk, Ticket, WindowRuntime } from '../../../server/protocol/model.js';
import type { BoardService, BoardWindow, StaffView } from '../../../server/protocol/viewTypes.js';
import type { ScreenSummary } from '../../../server/protocol/screens.js';
import { PRINTER_ALARMS, type PrinterState } from '../../../server/protocol/printing.js';
import { mayCallAt, transferredAwayFrom } from '../../../server/protocol/rules/queue.js';
import { type TransferSituation, servedElsewhere, transferToServiceValid, transferToWindowValid } from '../../../server/protocol/rules/transfer.js';

export type PanelAction = 'call-next' | 'recall' | 'start' | 'finish' | 'no-show' | 'transfer' | 'pause' | 'resume' | 'close' | 'call' | 'requeue';

/** Why an action cannot be used now; `null` means it can. */
export type Blocked =
  | { key: 'notHeld' }
  | { key: 'heldByOther'; name: string }
  | { key: 'offline' }
  | { key: 'busy' }
  | { key: 'paused' }
  | { key: 'queueEmpty' }
  | { key: 'noCurrent' }
  | { key: 'alreadyStarted' }
  | { key: 'notPaused' }
  | { key: 'noShowPending' }
  | { key: 'noticeNeedsTicket' };

export interface WindowSituation {
  window: BoardWindow;
  runtime: WindowRuntime;
  /** The signed-in user holds this window. */
  mine: boolean;
  /** Someone else holds it (A/B take-over, or it was never ours). */
  heldBy: Clerk | null;
  current: Ticket | null;
}

export function situationOf(view: StaffView, windowId: string, userId: string): WindowSituation | null {
  const window = view.windows.find((candidate) => candidate.id === windowId);
  if (!window) return null;
  const runtime = view.windowsRuntime[windowId] ?? { status: 'closed', priorityStreak: 0 };
  const clerk = runtime.status === 'closed' ? undefined : runtime.clerk;
  const currentId = runtime.currentTicketId;
  const current = currentId ? (view.current.find((ticket) => ticket.id === currentId) ?? null) : null;
  return {
    window,
    runtime,
    mine: clerk?.id === userId,
    heldBy: clerk && clerk.id !== userId ? clerk : null,
    current,
  };
}

/** The window this user already holds in the hall, if any (a clerk holds at most one). */
export function heldWindowOf(view: StaffView, userId: string): string | null {
  for (const window of view.windows) {
    const runtime = view.windowsRuntime[window.id];
    if (runtime && runtime.status !== 'closed' && runtime.clerk?.id === userId) return window.id;
  }
  return null;
}

/** Services this window serves (by configuration), in the hall's order. */
export function servicesAt(view: StaffView, windowId: string): BoardService[] {
  return view.services.filter((service) => view.serviceWindows[service.id]?.includes(windowId));
}

/** Whether `windowId` may call this waiting ticket (the engine's own rule, mayCallAt). */
export function callableAt(view: StaffView, windowId: string, ticket: Ticket): boolean {
  return mayCallAt(windowId, (serviceId) => view.serviceWindows[serviceId]?.includes(windowId) ?? false, ticket);
}

/** Waiting tickets this window could call now. */
export function callableCount(view: StaffView, windowId: string): number {
  let count = 0;
  for (const queue of Object.values(view.queues)) for (const ticket of queue) if (callableAt(view, windowId, ticket)) count++;
  return count;
}

export interface PanelFlags {
  online: boolean;
  /** A command of this panel is in flight. */
  busy: boolean;
  /** F4 was pressed and its undo time runs (the no-show is not sent yet). */
  noShowPending?: boolean;
}

/** For every action: null when the clerk may use it now, otherwise why not. */
export function availability(view: StaffView, situation: WindowSituation, flags: PanelFlags): Record<PanelAction, Blocked | null> {
  const result = {} as Record<PanelAction, Blocked | null>;
  const common: Blocked | null = !flags.online
    ? { key: 'offline' }
    : situation.heldBy
      ? { key: 'heldByOther', name: situation.heldBy.name }
      : !situation.mine
        ? { key: 'notHeld' }
        : flags.busy
          ? { key: 'busy' }
          : null;
  const { current, runtime } = situation;
  const paused = runtime.status === 'paused';
  const noCurrent: Blocked | null = current ? null : { key: 'noCurrent' };
  const onlyCalled: Blocked | null = noCurrent ?? (current?.status === 'serving' ? { key: 'alreadyStarted' } : null);
  result['call-next'] = common ?? (paused ? { key: 'paused' } : callableCount(view, situation.window.id) === 0 ? { key: 'queueEmpty' } : null);
  result.call = common ?? (paused ? { key: 'paused' } : null);
  result.recall = common ?? onlyCalled;
  result.start = common ?? onlyCalled;
  result['no-show'] = common ?? onlyCalled;
  result.finish = common ?? noCurrent;
  result.transfer = common ?? noCurrent;
  result.pause = common ?? (paused ? { key: 'paused' } : null);
  result.resume = common ?? (paused ? null : { key: 'notPaused' });
  // Signing out with a current ticket is refused by the server (WINDOW_HAS_TICKET), in its own words.
  result.close = common;
  result.requeue = common;
  if (flags.noShowPending && common === null) {
    // The citizen is about to be marked absent: anything that treats them as present waits for 撤销 first,
    // and nothing else is sent meanwhile, so the no-show never meets a command in flight.
    // 叫号 and 叫此号 stay: they send the no-show at once, then call.
    for (const action of ['recall', 'start', 'finish', 'no-show', 'transfer', 'close', 'pause', 'resume', 'requeue'] as const) result[action] = { key: 'noShowPending' };
  }
  return result;
}

/** How long a no-show (F4) can be taken back before it is sent. */
export const NO_SHOW_UNDO_MS = 5000;

export type NoticeKind = 'missing-materials' | 'acceptance-receipt';

/**
 * Whether each notice can be printed now, and why not: the window must be
 * this clerk's (after a take-over it is the new clerk's), and there must be a
 * ticket: the one at the window, or for a receipt also the one just finished.
 */
export function noticeAvailability(situation: WindowSituation, online: boolean): Record<NoticeKind, Blocked | null> {
  const common: Blocked | null = !online
    ? { key: 'offline' }
    : situation.heldBy
      ? { key: 'heldByOther', name: situation.heldBy.name }
      : !situation.mine
        ? { key: 'notHeld' }
        : null;
  const hasTicket = situation.current !== null;
  return {
    'missing-materials': common ?? (hasTicket ? null : { key: 'noticeNeedsTicket' }),
    'acceptance-receipt': common ?? (hasTicket || situation.runtime.lastFinishedTicketId !== undefined ? null : { key: 'noticeNeedsTicket' }),
  };
}

/**
 * 叫号 with a called citizen who never started: the engine would record them
 * as 办结 (call-next finishes what is current). The panel asks first whether
 * they came, unless the clerk already chose an outcome or a case number.
 */
export function asksWhetherArrived(current: Ticket | null, outcomeChosen: boolean): boolean {
  return current !== null && current.status === 'called' && !outcomeChosen;
}

export interface QueueEntry {
  ticket: Ticket;
  /** This window may call it (not pinned to another window). */
  callable: boolean;
  /** Transferred to a specific window (this one or another). */
  pinnedTo: string | null;
  /** This window transferred it away; it waits for another window. */
  sentAway: boolean;
}

export interface QueueSummary {
  service: BoardService;
  count: number;
  longestWaitMinutes: number;
  next: QueueEntry[];
  /** The ticket call-next would pick among this service's (approximately: the window interleaves services by tier). */
  first: Ticket | null;
}

export function minutesBetween(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / 60_000));
}

/** The queues of the services this window serves, plus tickets of other services transferred to it. */
export function queueSummaries(view: StaffView, windowId: string, now: number, shown = 5): QueueSummary[] {
  const served = new Set(servicesAt(view, windowId).map((service) => service.id));
  return view.services
    .filter((service) => served.has(service.id) || (view.queues[service.id] ?? []).some((ticket) => ticket.transfer?.toWindowId === windowId))
    .map((service) => {
      const queue = view.queues[service.id] ?? [];
      const oldest = queue.reduce((min, ticket) => Math.min(min, ticket.issuedAt), Number.POSITIVE_INFINITY);
      return {
        service,
        count: queue.length,
        longestWaitMinutes: queue.length ? minutesBetween(oldest, now) : 0,
        next: queue.slice(0, shown).map((ticket) => ({
          ticket,
          callable: callableAt(view, windowId, ticket),
          pinnedTo: ticket.transfer?.toWindowId ?? null,
          sentAway: transferredAwayFrom(windowId, ticket),
        })),
        first: queue.find((ticket) => callableAt(view, windowId, ticket)) ?? null,
      };
    });
}

/** No-shows this window may want to requeue: called here, or of a service it serves. */
export function noShowsFor(view: StaffView, windowId: string): Ticket[] {
  const served = new Set(servicesAt(view, windowId).map((service) => service.id));
  return view.noShows
    .filter((ticket) => ticket.windowId === windowId || served.has(ticket.serviceId))
    .sort((a, b) => (b.calledAt ?? 0) - (a.calledAt ?? 0));
}

/** What the transfer dialog sends (window:transfer without windowId and requestId). */
export interface TransferRequest {
  serviceId?: string;
  toWindowId?: string;
  note?: string;
}

export interface TransferChoice {
  /** Services the ticket may be sent to (with or without a window). */
  services: BoardService[];
  /** Windows (open or paused, not this one) serving the chosen target service. */
  windows: BoardWindow[];
  /** Whether the chosen combination is valid (the engine's transfer rules). */
  valid: boolean;
}

/**
 * The engine's transfer rules: with a window, the window is another one, open
 * or paused, and serves the target service; without one, the service changes
 * and some other window serves it (by configuration).
 */
export function transferChoice(view: StaffView, windowId: string, ticket: Ticket, serviceId: string | null, toWindowId: string | null): TransferChoice {
  const target = serviceId ?? ticket.serviceId;
  const situation: TransferSituation = {
    windowIds: view.windows.map((window) => window.id),
    serves: (id, service) => view.serviceWindows[service]?.includes(id) ?? false,
    runtimes: view.windowsRuntime,
  };
  const windows = view.windows.filter((window) => transferToWindowValid(situation, windowId, target, window.id));
  const valid = toWindowId !== null ? transferToWindowValid(situation, windowId, target, toWindowId) : transferToServiceValid(situation, windowId, ticket.serviceId, target);
  return {
    services: view.services.filter((service) => servedElsewhere(situation, windowId, service.id) || service.id === ticket.serviceId),
    windows,
    valid,
  };
}

export type Alarm = { kind: 'board-offline' } | { kind: 'window-screen-offline'; windowId: string };

/** Display alarms for a clerk at `windowId`: the hall board, and this window's screen. */
export function displayAlarms(screens: ScreenSummary[], windowId: string | null): Alarm[] {
  const alarms: Alarm[] = [];
  if (!screens.some((screen) => screen.kind === 'board' && screen.connections > 0)) alarms.push({ kind: 'board-offline' });
  if (windowId !== null && !screens.some((screen) => screen.kind === 'window-screen' && screen.windowId === windowId && screen.connections > 0)) {
    alarms.push({ kind: 'window-screen-offline', windowId });
  }
  return alarms;
}

export interface PrinterAlarm {
  kind: 'printer';
  /** alarm: it cannot print (kiosks fall back to e-tickets); warning: paper near its end. */
  severity: 'alarm' | 'warning';
  printer: PrinterState;
}

/**
 * Printer trouble staff should act on. A clerk sees the kiosks' and the guide
 * desk's printers (anyone may be sent to refill them) and their own window's;
 * a supervisor (windowId null) sees every printer of the hall.
 */
export function printerAlarms(printers: readonly PrinterState[], windowId: string | null): PrinterAlarm[] {
  return printers.flatMap((printer): PrinterAlarm[] => {
    if (windowId !== null && printer.role === 'window' && printer.windowId !== windowId) return [];
    if (printer.status === null) return [];
    if (PRINTER_ALARMS.includes(printer.status)) return [{ kind: 'printer', severity: 'alarm', printer }];
    if (printer.status === 'paper-near-end') return [{ kind: 'printer', severity: 'warning', printer }];
    return [];
  });
}

/**
 * A fresh request id for every command (the server's idempotency key):
 * 32 hex characters. `crypto.randomUUID` exists only in secure contexts
 * (https or localhost); a hall PC at http://10.x.x.x gets getRandomValues.
 */
export function newRequestId(source: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = globalThis.crypto): string {
  if (typeof source.randomUUID === 'function') return source.randomUUID().replaceAll('-', '');
  const bytes = source.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Function keys of the panel, in the order shown on screen. */
export const SHORTCUTS = [
  { key: 'F1', action: 'call-next' },
  { key: 'F2', action: 'recall' },
  { key: 'F3', action: 'finish' },
  { key: 'F4', action: 'no-show' },
] as const satisfies ReadonlyArray<{ key: string; action: PanelAction }>;
