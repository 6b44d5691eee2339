import type { Block } from '../../protocol/printDocument.js';
import type { HallConfig } from '../../protocol/model.js';

/** The hall's name at the top of every slip and notice. */
export function hallHeader(hall: HallConfig): Block[] {
  return [
    { kind: 'text', text: hall.name, align: 'center', bold: true },
    ...(hall.secondLanguage === 'en' && hall.nameAlt ? [{ kind: 'text', text: hall.nameAlt, align: 'center' } as const] : []),
    { kind: 'rule' },
  ];
}

/** Opening hours and the complaint phone (监督电话), which the standards ask every paper to carry. */
export function footer(hall: HallConfig): Block[] {
  return [
    ...(hall.openingHoursText ? [{ kind: 'text', text: `办公时间：${hall.openingHoursText}` } as const] : []),
    ...(hall.complaintPhone ? [{ kind: 'text', text: `监督电话：${hall.complaintPhone}` } as const] : []),
  ];
}
