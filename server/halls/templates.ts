/**
 * Hall templates: the starting configuration of a new hall, so that a county
 * IT office puts a hall into service by choosing a layout and a name instead
 * of writing a configuration. Each template builds a configuration that the
 * same checks as `PUT /api/halls/:hallId/config` accept; the admin UI then
 * changes whatever differs in the real hall.
 */
import type { HallConfig, IssuingPeriod, ServiceConfig, WindowConfig } from '../protocol/model.js';
import type { TemplateSummary } from '../protocol/hallSchemas.js';
import { defaultPolicy } from './policy.js';
import { townshipLayout } from './township.js';

export const TEMPLATE_IDS = ['township-8', 'street-one-window', 'blank'] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

/** What a person chooses on the first-run page or on the command line. */
export interface TemplateOptions {
  id: string;
  name: string;
  nameAlt?: string;
  /** IANA time zone; Asia/Shanghai when absent. */
  timeZone?: string;
  /** Issuing hours of every service (e.g. Monday–Friday 08:30–17:30); absent = at any time. */
  hours?: IssuingPeriod;
}

export interface HallTemplate {
  id: TemplateId;
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  build(options: TemplateOptions): HallConfig;
}


const DAY_NAMES = ['一', '二', '三', '四', '五', '六', '日'];

/** 「周一至周五 08:30-17:30」 for slips, from the issuing period the hall opens with. */
function hoursText(period: IssuingPeriod): string {
  const days = [...period.days].sort((a, b) => a - b);
  const contiguous = days.every((day, i) => i === 0 || day === days[i - 1]! + 1);
  const span =
    days.length === 7
      ? '每天'
      : contiguous && days.length > 1
        ? `周${DAY_NAMES[days[0]! - 1]}至周${DAY_NAMES[days.at(-1)! - 1]}`
        : days.map((day) => `周${DAY_NAMES[day - 1]}`).join('、');
  return `${span} ${period.from}-${period.to}`;
}

/** The parts every template shares: identity, time zone, hours and the default calling policy. */
function hall(options: TemplateOptions, layout: { services: ServiceConfig[]; windows: WindowConfig[] }): HallConfig {
  const { hours } = options;
  return {
    id: options.id,
    name: options.name,
    ...(options.nameAlt !== undefined ? { nameAlt: options.nameAlt } : {}),
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    secondLanguage: 'en',
    ...(hours ? { openingHoursText: hoursText(hours) } : {}),
    maxWaitMinutes: 30,
    evaluationMinutes: 10,
    policy: defaultPolicy(),
    services: layout.services.map((service) => ({ ...service, issuingHours: hours ? [{ ...hours, days: [...hours.days] }] : [] })),
    windows: layout.windows,
  };
}

type StreetService = Pick<ServiceConfig, 'id' | 'name' | 'nameAlt' | 'prefix' | 'department' | 'timeLimit' | 'materials' | 'initialServiceMinutes'>;

/** What a street (街道) centre offers residents; in the one-window model any window takes any of it. */
const STREET_SERVICES: StreetService[] = [
  { id: 'zixun', name: '政策咨询与导办', nameAlt: 'Enquiries and guidance', prefix: 'A', department: '综合受理', timeLimit: { kind: 'immediate' }, materials: ['本人身份证'], initialServiceMinutes: 3 },
  { id: 'shebao', name: '社会保险参保与转移', nameAlt: 'Social insurance', prefix: 'B', department: '社会保障', timeLimit: { kind: 'immediate' }, materials: ['本人身份证原件及复印件', '社保卡'], initialServiceMinutes: 8 },
  { id: 'yibao', name: '医疗保险与医疗救助', nameAlt: 'Medical insurance and assistance', prefix: 'C', department: '社会保障', timeLimit: { kind: 'working-days', days: 6 }, materials: ['本人身份证原件及复印件', '医疗费用票据及清单'], initialServiceMinutes: 10 },
  { id: 'jiuye', name: '就业登记与失业保险', nameAlt: 'Employment registration', prefix: 'D', department: '社会保障', timeLimit: { kind: 'immediate' }, materials: ['本人身份证原件及复印件', '解除或终止劳动合同证明'], initialServiceMinutes: 8 },
  { id: 'minzheng', name: '低保、特困与临时救助申请', nameAlt: 'Social assistance', prefix: 'E', department: '民政', timeLimit: { kind: 'working-days', days: 21 }, materials: ['书面申请', '户口簿、身份证原件及复印件', '家庭收入与财产状况申报表'], initialServiceMinutes: 12 },
  { id: 'laoling', name: '老年人优待与高龄津贴', nameAlt: 'Senior citizen services', prefix: 'F', department: '民政', timeLimit: { kind: 'immediate' }, materials: ['本人身份证原件及复印件', '近期一寸免冠照片1张'], initialServiceMinutes: 5 },
  { id: 'canlian', name: '残疾人证与残疾人补贴', nameAlt: 'Disability services', prefix: 'G', department: '残联', timeLimit: { kind: 'working-days', days: 30 }, materials: ['户口簿、身份证原件及复印件', '近期二寸免冠彩色照片3张'], initialServiceMinutes: 10 },
  { id: 'weijian', name: '生育登记与计生服务', nameAlt: 'Childbirth registration', prefix: 'H', department: '卫生健康', timeLimit: { kind: 'immediate' }, materials: ['夫妻双方身份证', '户口簿', '结婚证'], initialServiceMinutes: 8 },
  { id: 'tuiyi', name: '退役军人服务', nameAlt: 'Veterans services', prefix: 'J', department: '退役军人服务站', timeLimit: { kind: 'immediate' }, materials: ['本人身份证', '退役证明'], initialServiceMinutes: 8 },
  { id: 'juzhu', name: '居住证明与户籍类证明', nameAlt: 'Residence certificates', prefix: 'K', department: '综合受理', timeLimit: { kind: 'immediate' }, materials: ['本人身份证原件', '户口簿或租房合同'], initialServiceMinutes: 5 },
];

/** Six 综合受理 windows; a street hall adds or removes windows (5–8) in the admin UI. */
const STREET_WINDOWS = 6;

function streetLayout(): { services: ServiceConfig[]; windows: WindowConfig[] } {
  const services = STREET_SERVICES.map(
    (service): ServiceConfig => ({ ...service, materials: [...service.materials], timeLimit: { ...service.timeLimit }, fee: '不收费', dailyCap: null, issuingHours: [], enabled: true }),
  );
  const windows = Array.from({ length: STREET_WINDOWS }, (_, i): WindowConfig => ({
    id: String(i + 1),
    number: i + 1,
    name: `综合受理${i + 1}号窗口`,
    nameAlt: `One-stop window ${i + 1}`,
    department: '综合受理',
    // 一窗式: every window takes every service, in the order people come.
    services: services.map((service) => ({ serviceId: service.id, tier: 1 })),
  }));
  return { services, windows };
}

function blankLayout(): { services: ServiceConfig[]; windows: WindowConfig[] } {
  return {
    services: [
      {
        id: 'zonghe',
        name: '综合业务',
        nameAlt: 'General services',
        prefix: 'A',
        dailyCap: null,
        issuingHours: [],
        timeLimit: { kind: 'immediate' },
        materials: [],
        initialServiceMinutes: 5,
        enabled: true,
      },
    ],
    windows: [{ id: '1', number: 1, name: '1号窗口', nameAlt: 'Window 1', services: [{ serviceId: 'zonghe', tier: 1 }] }],
  };
}

export const TEMPLATES: readonly HallTemplate[] = [
  {
    id: 'township-8',
    name: '乡镇便民服务中心（8 窗口）',
    nameEn: 'Township service centre (8 windows)',
    description: '综合受理窗口加民政、计生、劳动保障、国土村建、财政、农业和收费窗口，17 项常见业务。',
    descriptionEn: 'A general window plus civil affairs, family planning, labour, land, finance, agriculture and cashier windows; 17 common services.',
    build: (options) => hall(options, townshipLayout()),
  },
  {
    id: 'street-one-window',
    name: '街道便民服务中心（一窗式 5–8 窗口）',
    nameEn: 'Street service centre (one-window model, 5–8 windows)',
    description: '6 个综合受理窗口，每个窗口办理全部 10 项业务（“一窗受理、集成服务”）；可在管理页增减到 5–8 个。',
    descriptionEn: 'Six one-stop windows, each serving all 10 services; add or remove windows (5–8) in the admin pages.',
    build: (options) => hall(options, streetLayout()),
  },
  {
    id: 'blank',
    name: '空白大厅',
    nameEn: 'Blank hall',
    description: '一项“综合业务”和一个窗口，其余在管理页里添加。',
    descriptionEn: 'One "general services" service and one window; add the rest in the admin pages.',
    build: (options) => hall(options, blankLayout()),
  },
];

export function findTemplate(id: string): HallTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/** The list `GET /api/hall-templates` answers. */
export function templateSummaries(): TemplateSummary[] {
  return TEMPLATES.map(({ build, ...template }): TemplateSummary => {
    const sample = build({ id: 'sample', name: template.name });
    return { ...template, services: sample.services.length, windows: sample.windows.length };
  });
}
