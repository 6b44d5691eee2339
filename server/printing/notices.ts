import type { Principal } from '../auth/principal.js';
import { mayActInHall } from '../auth/principal.js';
import { heldWindowRefusal } from '../domain/context.js';
import { refusal } from '../app/hallService.js';
import type { HallStore } from '../store/port.js';
import type { Ack } from '../protocol/errors.js';
import type { PrintJobView } from '../protocol/printing.js';
import type { NoticeAnswer } from '../protocol/answers.js';
import { parsePrinterAddress } from '../protocol/printerAddress.js';
import { acceptanceReceiptDocument, announcementDocument, missingMaterialsDocument, promisedDate } from './layouts/notices.js';
import type { PrintService } from './printService.js';

export interface NoticeInput {
  kind: 'missing-materials' | 'acceptance-receipt';
  items?: string[];
  note?: string;
  caseNumber?: string;
  requestId?: string;
}

export interface NoticeDeps {
  halls: HallStore;
  print: PrintService;
  now: () => number;
}

/**
 * A notice for the citizen at a window: the clerk who holds the window (or a
 * supervisor acting for it, as for any window command) asks,
 * about the ticket being served (or the one just finished: receipts are often
 * printed right after 受理). Printed on the window's printer, else the guide
 * desk's. Notices change no queue state, so they bypass the engine; the job
 * id is scoped to the clerk's request id, so a double click prints once.
 */
export async function printNotice(
  deps: NoticeDeps,
  principal: Principal,
  hallId: string,
  windowId: string,
  input: NoticeInput,
): Promise<Ack<NoticeAnswer>> {
  if (principal.kind !== 'staff') return refusal(principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  if (!mayActInHall(principal, hallId)) return refusal('FORBIDDEN');
  const hall = await deps.halls.loadHall(hallId);
  if (!hall) return refusal('HALL_NOT_FOUND');
  const window = hall.config.windows.find((candidate) => candidate.id === windowId);
  if (!window) return refusal('WINDOW_NOT_FOUND');
  const runtime = hall.windows[windowId] ?? { status: 'closed', priorityStreak: 0 };
  // The engine's own rule: a clerk only at the window they hold, supervisors and admins at any open window.
  const refused = heldWindowRefusal(principal.user, runtime);
  if (refused) return refusal(refused);
  const ticketId = runtime.currentTicketId ?? runtime.lastFinishedTicketId;
  const ticket = ticketId ? hall.tickets.get(ticketId) : undefined;
  if (!ticket) return refusal('NO_CURRENT_TICKET');
  const service = hall.config.services.find((candidate) => candidate.id === ticket.serviceId);
  if (!service) return refusal('SERVICE_NOT_FOUND');
  const address = parsePrinterAddress(window.printer ?? hall.config.deskPrinter ?? deps.print.defaultPrinter);
  if (!address) return refusal('PRINTER_NOT_CONFIGURED');

  // 经办人: whoever prints it (the clerk at the window, or a supervisor acting for it).
  const context = { hall: hall.config, service, window, clerk: principal.user, ticketNumber: ticket.number, at: deps.now(), paper: address.paper };
  let document;
  let promised: string | undefined;
  if (input.kind === 'missing-materials') {
    const items = input.items ?? [];
    const unknown = items.filter((item) => !service.materials.includes(item));
    // Free text goes in the note; items must come from the service's own list, so the notice stays authoritative.
    if (unknown.length > 0) return refusal('VALIDATION_FAILED', { issues: [{ path: 'items', message: `not in the materials list of ${service.id}` }], unknown });
    document = missingMaterialsDocument(context, items, input.note);
  } else {
    document = acceptanceReceiptDocument(context, input.caseNumber ?? ticket.caseNumber);
    promised = promisedDate(hall.config, service, context.at).date;
  }
  const jobId = `notice-${principal.user.id}-${input.requestId ?? `${ticket.id}-${input.kind}-${context.at}`}`;
  const job = await deps.print.submit(hallId, { id: jobId, kind: input.kind, label: ticket.number, address, document });
  return { ok: true, data: { job, ticketNumber: ticket.number, ...(promised ? { promisedDate: promised } : {}) } };
}

/** A hall announcement printed at the guide desk, on a supervisor's request. */
export async function printAnnouncement(
  deps: NoticeDeps,
  hallId: string,
  announcementId: string,
  requestId: string | undefined,
): Promise<Ack<{ job: PrintJobView }>> {
  const hall = await deps.halls.loadHall(hallId);
  if (!hall) return refusal('HALL_NOT_FOUND');
  const announcement = hall.announcements.find((candidate) => candidate.id === announcementId);
  if (!announcement) return refusal('ANNOUNCEMENT_NOT_FOUND');
  const address = parsePrinterAddress(hall.config.deskPrinter ?? deps.print.defaultPrinter);
  if (!address) return refusal('PRINTER_NOT_CONFIGURED');
  const document = announcementDocument(hall.config, announcement, address.paper);
  const jobId = `announcement-${announcementId}-${requestId ?? deps.now()}`;
  return { ok: true, data: { job: await deps.print.submit(hallId, { id: jobId, kind: 'announcement', label: announcement.text.slice(0, 20), address, document }) } };
}
