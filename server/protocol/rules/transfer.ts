import type { WindowRuntime } from '../model.js';

/**
 * Where a ticket at a window may be transferred (首问负责: the clerk sends it on
 * rather than away). The engine refuses anything else with
 * TRANSFER_TARGET_INVALID; the counter panel offers exactly what this allows.
 */
export interface TransferSituation {
  /** Every window of the hall. */
  windowIds: readonly string[];
  /** Whether a window serves a service, by configuration. */
  serves(windowId: string, serviceId: string): boolean;
  runtimes: Readonly<Record<string, Pick<WindowRuntime, 'status'> | undefined>>;
}

/** Some other window than `fromWindowId` serves the service. */
export function servedElsewhere(situation: TransferSituation, fromWindowId: string, serviceId: string): boolean {
  return situation.windowIds.some((id) => id !== fromWindowId && situation.serves(id, serviceId));
}

/**
 * To a window: another one, open or paused, serving the target service. A window without live state
 * (just removed from the configuration) is no target: it would strand the ticket.
 */
export function transferToWindowValid(situation: TransferSituation, fromWindowId: string, toServiceId: string, toWindowId: string): boolean {
  const runtime = situation.runtimes[toWindowId];
  return toWindowId !== fromWindowId && runtime !== undefined && runtime.status !== 'closed' && situation.serves(toWindowId, toServiceId);
}

/** Without a window: the service changes, and some other window serves the new one. */
export function transferToServiceValid(situation: TransferSituation, fromWindowId: string, currentServiceId: string, toServiceId: string): boolean {
  return toServiceId !== currentServiceId && servedElsewhere(situation, fromWindowId, toServiceId);
}
