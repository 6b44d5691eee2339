import type { HallConfig } from '../../../server/protocol/model.js';
import type { AdminMessages } from '../locales/admin.zh.js';
import { bookingMessages } from '../locales/booking.js';

/**
 * A configuration the schema refused (VALIDATION_FAILED) comes back with
 * paths such as `config.services.3.prefix`. The administrator is told the
 * place in the words of the form instead: 「业务「残疾人证申办」：号码字母」,
 * found in the draft they just sent.
 */

type Issue = { path: string; message?: string };

function field(a: AdminMessages, section: 'hall' | 'service' | 'window', key: string | undefined): string {
  const labels: Record<string, Record<string, string>> = {
    hall: { name: a.hallName, nameAlt: a.hallNameAlt, timeZone: a.timeZone, secondLanguage: a.secondLanguage, complaintPhone: a.complaintPhone, openingHoursText: a.openingHoursText, closeDayAt: a.closeDayAtTime, retentionDays: a.retentionDays, maxWaitMinutes: a.maxWaitMinutes, evaluationMinutes: a.evaluationMinutes, deskPrinter: a.deskPrinterTitle, printerAllowList: a.allowListAdvanced, holidays: a.calendarTitle, makeUpWorkdays: a.calendarTitle },
    service: { id: a.serviceId, name: a.serviceName, nameAlt: a.serviceNameAlt, prefix: `${a.prefix}${a.prefixRule}`, department: a.department, departmentAlt: a.departmentAlt, dailyCap: a.dailyCap, issuingHours: a.issuingHours, timeLimit: a.timeLimit, fee: a.fee, materials: a.materials, initialServiceMinutes: a.initialServiceMinutes },
    window: { number: a.windowNumber, name: a.windowName, nameAlt: a.serviceNameAlt, department: a.department, printer: a.windowPrinterTitle, services: a.servesTier },
  };
  return (key && labels[section]![key]) || key || '';
}

/** A booking field (`services.N.booking.perSlot`, `booking.noShowBlock.count`) by the booking form's label. */
function bookingField(key: string | undefined): string {
  const b = bookingMessages();
  const labels: Record<string, string> = { enabled: b.enabled, weekdays: b.weekdays, hours: b.hours, slotMinutes: b.slotMinutes, perSlot: b.perSlot, daysAhead: b.daysAhead, cutoffDayBefore: b.cutoff, sameDay: b.sameDay, requireIdTail: b.requireIdTail, maxOpenPerPhone: b.maxOpenPerPhone, noShowBlock: b.blockOn, address: b.address };
  return (key && labels[key]) || key || '';
}

export function issuePlace(issue: Issue, config: HallConfig, a: AdminMessages): string {
  const parts = issue.path.split('.').filter((part) => part !== 'config');
  const [head, index, key] = parts;
  if (head === 'services' && index !== undefined && /^\d+$/.test(index)) {
    const service = config.services[Number(index)];
    return a.issueAt(a.issueService(service?.name.trim() || a.unnamedService, Number(index) + 1), key === 'booking' ? `${bookingMessages().capacityTitle} · ${bookingField(parts[3])}` : field(a, 'service', key));
  }
  if (head === 'windows' && index !== undefined && /^\d+$/.test(index)) {
    const window = config.windows[Number(index)];
    return a.issueAt(a.issueWindow(window?.number ?? Number(index) + 1, window?.name ?? ''), field(a, 'window', key));
  }
  if (head === 'services') return a.issueServices;
  if (head === 'booking') return a.issueAt(bookingMessages().rulesTitle, bookingField(parts[1]));
  // The call voice's settings are edited on the 叫号语音 tab, and named there.
  const voiceFields: Record<string, string> = { callTemplate: a.voice.callTemplate, callTemplateAlt: a.voice.callTemplateAlt, voice: a.voice.sourcesLegend };
  if (head !== undefined && voiceFields[head]) return a.issueAt(a.tabs.voice!, voiceFields[head]);
  return a.issueAt(a.tabs.hall!, field(a, 'hall', head));
}

/** Every place named once, in the order the server listed them. */
export function issuePlaces(issues: unknown, config: HallConfig, a: AdminMessages): string[] {
  if (!Array.isArray(issues)) return [];
  const places = issues.filter((issue): issue is Issue => typeof issue?.path === 'string').map((issue) => issuePlace(issue, config, a));
  return [...new Set(places)];
}
