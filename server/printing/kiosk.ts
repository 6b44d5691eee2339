import type { Authenticator } from '../auth/authenticator.js';
import { type Principal, mayActInHall } from '../auth/principal.js';
import type { IssuedTicketAnswer, KioskTicketAnswer } from '../protocol/answers.js';
import { type HallService, refusal } from '../app/hallService.js';
import type { Command } from '../protocol/commands.js';
import type { HallStore } from '../store/port.js';
import type { Ack } from '../protocol/errors.js';
import { mayPrint } from '../protocol/printDocument.js';
import { parsePrinterAddress } from '../protocol/printerAddress.js';
import { slipDocument } from './layouts/slip.js';
import { windowsServing } from '../protocol/rules/queue.js';
import type { PrintService } from './printService.js';

export interface KioskTicketInput {
  serviceId?: string;
  code?: string;
  delivery: 'paper' | 'e-ticket';
  priority?: boolean;
  staffToken?: string;
  requestId?: string;
  notifyPhone?: string;
}

export interface KioskDeps {
  service: HallService;
  halls: HallStore;
  print: PrintService;
  authenticator: Authenticator;
}

/**
 * A ticket counts only if it reaches the citizen: with paper chosen, the
 * printer is probed first and a printer that cannot print refuses the ticket
 * (the kiosk then offers an e-ticket, retrying with the same request id so a
 * ticket already issued is found rather than issued again). A slip that fails
 * after the ticket was issued is still answered with the ticket and its
 * e-ticket link, which the kiosk shows on screen.
 */
export async function issueAtKiosk(
  deps: KioskDeps,
  principal: Principal,
  hallId: string,
  input: KioskTicketInput,
  context: { baseUrl: string; ip: string },
): Promise<Ack<KioskTicketAnswer>> {
  if (principal.kind !== 'device' || principal.device.kind !== 'kiosk') return refusal(principal.kind === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  if (!mayActInHall(principal, hallId)) return refusal('FORBIDDEN');
  const address = parsePrinterAddress(principal.device.printer ?? deps.print.defaultPrinter);
  if (input.delivery === 'paper') {
    if (!address) return refusal('PRINTER_NOT_CONFIGURED');
    const status = await deps.print.probe(hallId, address);
    if (!mayPrint(status)) return refusal('PRINTER_UNAVAILABLE', { status });
  }

  let issuer: Principal = principal;
  if (input.priority) {
    // The guide-desk clerk vouches for the green channel with their login or their PIN's desk token; the ticket is theirs in the log.
    const staff = await deps.authenticator.authenticate(input.staffToken, context.ip, { desk: true });
    if (!staff.ok) return refusal(staff.code);
    if (staff.principal.kind !== 'staff' || !mayActInHall(staff.principal, hallId)) return refusal('FORBIDDEN');
    issuer = staff.principal;
  }
  const command: Command =
    input.code !== undefined
      ? { type: 'appointment.check-in', code: input.code, ...(input.requestId ? { requestId: input.requestId } : {}) }
      : {
          type: 'ticket.issue',
          serviceId: input.serviceId!,
          channel: input.priority ? 'desk' : 'kiosk',
          priority: input.priority ?? false,
          ...(input.requestId ? { requestId: input.requestId } : {}),
          ...(input.notifyPhone !== undefined ? { notifyPhone: input.notifyPhone } : {}),
        };
  const ack = await deps.service.run(issuer, hallId, command);
  if (!ack.ok) return ack;
  const ticket = ack.data as IssuedTicketAnswer;
  const eTicketUrl = `${context.baseUrl}/t/${ticket.id}`;
  if (input.delivery === 'e-ticket' || !address) return { ok: true, data: { ticket, eTicketUrl, print: null } };

  const hall = await deps.halls.loadHall(hallId);
  const service = hall?.config.services.find((candidate) => candidate.id === ticket.serviceId);
  if (!hall || !service) return refusal('HALL_NOT_FOUND');
  const document = slipDocument({
    hall: hall.config,
    service,
    number: ticket.number,
    priority: ticket.priority,
    appointment: ticket.channel === 'appointment',
    ahead: ticket.ahead,
    estimatedWaitMinutes: ticket.estimatedWaitMinutes,
    windowsServing: windowsServing(hall, service.id),
    issuedAt: ticket.issuedAt,
    eTicketUrl,
    paper: address.paper,
  });
  const job = await deps.print.submit(hallId, { id: `slip-${ticket.id}`, kind: 'slip', label: ticket.number, address, document, requestedBy: principal.device.id });
  return { ok: true, data: { ticket, eTicketUrl, print: job } };
}
