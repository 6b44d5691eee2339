import type { Principal } from '../auth/principal.js';
import { isManager, mayActInHall } from '../auth/principal.js';
import { refusal } from '../app/hallService.js';
import type { Ack } from '../protocol/errors.js';
import type { PrintJobView } from '../protocol/printing.js';
import { parsePrinterAddress } from '../protocol/printerAddress.js';
import type { HallStore } from '../store/port.js';
import { testPageDocument } from './layouts/testPage.js';
import type { PrintService } from './printService.js';

export interface TestPageDeps {
  halls: HallStore;
  print: PrintService;
  now: () => number;
}

/**
 * 「打印测试页」 from the printer set-up on /admin: one page on the given
 * printer, so an administrator sees at once whether the address, the paper
 * width and the Chinese font are right. Only a printer the hall may use as
 * saved (allowList.ts) is contacted: the page is never a way to make the
 * server open connections to any host and port. Managers only, as the other
 * printing a person asks for (announcements).
 */
export async function printTestPage(
  deps: TestPageDeps,
  principal: Principal,
  hallId: string,
  input: { printer: string; requestId?: string },
): Promise<Ack<{ job: PrintJobView }>> {
  if (!isManager(principal) || !mayActInHall(principal, hallId)) return refusal(principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  const hall = await deps.halls.loadHall(hallId);
  if (!hall) return refusal('HALL_NOT_FOUND');
  const address = parsePrinterAddress(input.printer);
  if (!address) return refusal('VALIDATION_FAILED', { issues: [{ path: 'printer', message: 'not a printer address' }] });
  if (!(await deps.print.allowed(hallId, address, hall.config))) return refusal('PRINTER_NOT_ALLOWED', { printer: input.printer });
  const at = deps.now();
  const user = principal.kind === 'staff' ? principal.user.id : 'unknown';
  const job = await deps.print.submit(hallId, {
    id: `test-page-${user}-${input.requestId ?? at}`,
    kind: 'test-page',
    label: address.raw,
    address,
    document: testPageDocument(hall.config, address, at),
  });
  return { ok: true, data: { job } };
}
