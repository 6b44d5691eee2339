/**
 * The layout of a township convenience service centre (乡镇便民服务中心, 8
 * windows) as the seed standards describe one: an entrance 综合受理 window
 * that accepts everything ("一窗式") plus one window per resident department
 * (民政, 计生, 劳动保障, 国土村建, 财政, 农业) and a fee-collection window.
 * The demo hall and the `township-8` template are both this layout; only
 * the hall's identity (and, for the demo, its people) differ.
 *
 * Services, time limits (承诺时限), fees and materials lists follow the seeds'
 * 公示栏 / 办事指南 samples. No daily caps and no issuing hours: a real hall
 * sets both in the admin UI.
 *
 * Prefix letters skip I and O, which are easily misread as 1 and 0 on a board.
 */
import type { ServiceConfig, WindowConfig, WindowServiceLink } from '../protocol/model.js';

type LayoutService = Omit<ServiceConfig, 'dailyCap' | 'issuingHours' | 'enabled'>;

const FREE = '不收费';

const DEPT = {
  general: '综合服务办',
  civil: '民政办',
  family: '计生办',
  labour: '劳动保障所',
  land: '国土村建办',
  finance: '财政所',
  agri: '农业服务中心',
  cashier: '收费室',
} as const;

/** The departments in English, for the kiosk's tags in its English mode. */
const DEPT_ALT: Record<string, string> = {
  [DEPT.general]: 'General services',
  [DEPT.civil]: 'Civil affairs',
  [DEPT.family]: 'Family planning',
  [DEPT.labour]: 'Labour and social security',
  [DEPT.land]: 'Land and village planning',
  [DEPT.finance]: 'Finance',
  [DEPT.agri]: 'Agriculture',
  [DEPT.cashier]: 'Cashier',
};

const SERVICES: LayoutService[] = [
  {
    id: 'zonghe-zixun',
    name: '政策咨询与导办',
    nameAlt: 'Enquiries and guidance',
    prefix: 'A',
    department: DEPT.general,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['无需材料；如咨询具体事项，请携带本人身份证'],
    initialServiceMinutes: 3,
  },
  {
    id: 'zonghe-xinfang',
    name: '信访接待与矛盾纠纷调解',
    nameAlt: 'Petitions and dispute mediation',
    prefix: 'B',
    department: DEPT.general,
    timeLimit: { kind: 'working-days', days: 5 },
    fee: FREE,
    materials: ['本人身份证原件', '书面信访材料或投诉事项说明', '与纠纷有关的证据材料（合同、收据、照片等）'],
    initialServiceMinutes: 15,
  },
  {
    id: 'minzheng-dibao',
    name: '城乡居民最低生活保障申请',
    nameAlt: 'Minimum living allowance (dibao) application',
    prefix: 'C',
    department: DEPT.civil,
    timeLimit: { kind: 'working-days', days: 21 },
    fee: FREE,
    materials: [
      '个人书面申请',
      '户口簿、身份证原件及复印件',
      '家庭收入状况证明',
      '家庭财产状况申报表',
      '村（居）民委员会审核意见',
      '近期一寸免冠照片2张',
    ],
    initialServiceMinutes: 12,
  },
  {
    id: 'minzheng-yiliao-jiuzhu',
    name: '城乡困难群众医疗救助',
    nameAlt: 'Medical assistance for families in hardship',
    prefix: 'D',
    department: DEPT.civil,
    timeLimit: { kind: 'working-days', days: 6 },
    fee: FREE,
    materials: [
      '医疗救助申请书',
      '户口簿、身份证原件及复印件',
      '低保证、特困供养证等救助对象证明（如有）',
      '住院病历、出院记录复印件',
      '医疗费用发票原件及费用清单',
      '医保报销结算单',
    ],
    initialServiceMinutes: 10,
  },
  {
    id: 'minzheng-canji',
    name: '残疾人证申办',
    nameAlt: 'Disability certificate application',
    prefix: 'E',
    department: DEPT.civil,
    timeLimit: { kind: 'working-days', days: 30 },
    fee: FREE,
    materials: [
      '残疾人证申请表',
      '户口簿、身份证原件及复印件',
      '近期二寸免冠彩色照片3张',
      '指定医疗机构出具的残疾评定表',
    ],
    initialServiceMinutes: 10,
  },
  {
    id: 'minzheng-laonian-youdai',
    name: '老年人优待证办理',
    nameAlt: 'Senior citizen concession card',
    prefix: 'F',
    department: DEPT.civil,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['本人身份证原件及复印件', '户口簿', '近期一寸免冠照片1张'],
    initialServiceMinutes: 5,
  },
  {
    id: 'jisheng-shengyu-dengji',
    name: '生育服务登记',
    nameAlt: 'Childbirth service registration',
    prefix: 'G',
    department: DEPT.family,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['夫妻双方身份证原件及复印件', '户口簿', '结婚证原件及复印件', '生育服务登记表'],
    initialServiceMinutes: 8,
  },
  {
    id: 'jisheng-liudong-hunyu',
    name: '流动人口婚育证明',
    nameAlt: 'Marital and childbearing certificate for migrants',
    prefix: 'H',
    department: DEPT.family,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['本人身份证原件及复印件', '户口簿', '结婚证（已婚者）', '近期一寸免冠照片2张'],
    initialServiceMinutes: 5,
  },
  {
    id: 'jisheng-jiangli-fuzhu',
    name: '农村计划生育家庭奖励扶助申报',
    nameAlt: 'Rural family-planning reward and support',
    prefix: 'J',
    department: DEPT.family,
    timeLimit: { kind: 'working-days', days: 28 },
    fee: FREE,
    materials: [
      '奖励扶助对象申报表',
      '夫妻双方身份证、户口簿原件及复印件',
      '结婚证原件及复印件',
      '独生子女父母光荣证或子女死亡、伤残证明',
      '本人银行账户（一卡通）复印件',
    ],
    initialServiceMinutes: 10,
  },
  {
    id: 'laobao-shiye-dengji',
    name: '失业登记与就业创业证办理',
    nameAlt: 'Unemployment registration and employment card',
    prefix: 'K',
    department: DEPT.labour,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['本人身份证原件及复印件', '户口簿', '解除或终止劳动合同证明', '近期一寸免冠照片2张'],
    initialServiceMinutes: 8,
  },
  {
    id: 'laobao-jumin-yanglao',
    name: '城乡居民养老保险参保与待遇领取',
    nameAlt: 'Residents’ pension enrolment and payments',
    prefix: 'L',
    department: DEPT.labour,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['本人身份证原件及复印件', '户口簿', '城乡居民基本养老保险参保登记表', '本人银行卡或社保卡'],
    initialServiceMinutes: 6,
  },
  {
    id: 'guotu-zhaijidi',
    name: '农村宅基地用地申请',
    nameAlt: 'Rural homestead land application',
    prefix: 'M',
    department: DEPT.land,
    timeLimit: { kind: 'working-days', days: 20 },
    fee: FREE,
    materials: [
      '农村宅基地和建房（规划许可）申请表',
      '户口簿、申请人身份证原件及复印件',
      '村民小组及村民委员会意见',
      '拟建房屋位置示意图',
      '原宅基地退还承诺书（如有旧宅）',
    ],
    initialServiceMinutes: 15,
  },
  {
    id: 'cunjian-guihua-xuke',
    name: '乡村建设规划许可证',
    nameAlt: 'Rural construction planning permit',
    prefix: 'N',
    department: DEPT.land,
    timeLimit: { kind: 'working-days', days: 20 },
    fee: FREE,
    materials: [
      '乡村建设规划许可申请表',
      '申请人身份证原件及复印件',
      '土地使用权属证明',
      '建设工程设计方案或通用图',
      '村民委员会意见',
    ],
    initialServiceMinutes: 15,
  },
  {
    id: 'caizheng-huinong-butie',
    name: '惠农补贴查询与发放（粮食直补、良种补贴）',
    nameAlt: 'Farm subsidy enquiries and payments',
    prefix: 'P',
    department: DEPT.finance,
    timeLimit: { kind: 'immediate' },
    fee: FREE,
    materials: ['本人身份证原件', '惠农补贴“一卡通”存折或银行卡', '土地承包经营权证复印件（首次申领）'],
    initialServiceMinutes: 5,
  },
  {
    id: 'nongye-nongji-butie',
    name: '农机购置补贴申请',
    nameAlt: 'Farm machinery purchase subsidy',
    prefix: 'Q',
    department: DEPT.agri,
    timeLimit: { kind: 'working-days', days: 15 },
    fee: FREE,
    materials: [
      '农机购置补贴申请表',
      '购机者身份证原件及复印件',
      '购机发票原件及复印件',
      '农机合格证、铭牌照片',
      '本人银行卡复印件',
    ],
    initialServiceMinutes: 10,
  },
  {
    id: 'nongye-linmu-caifa',
    name: '林木采伐许可初审',
    nameAlt: 'Timber felling permit (first review)',
    prefix: 'R',
    department: DEPT.agri,
    timeLimit: { kind: 'working-days', days: 10 },
    fee: FREE,
    materials: [
      '林木采伐申请书',
      '申请人身份证原件及复印件',
      '林权证原件及复印件',
      '采伐作业设计或伐区调查表',
      '村民委员会意见',
    ],
    initialServiceMinutes: 10,
  },
  {
    id: 'shoufei-shuiqi',
    name: '水费、天然气费缴纳',
    nameAlt: 'Water and gas bill payment',
    prefix: 'S',
    department: DEPT.cashier,
    timeLimit: { kind: 'immediate' },
    fee: '按物价部门核定标准收取，出具收费专用票据',
    materials: ['用户缴费卡或户号', '上期缴费票据（如有）'],
    initialServiceMinutes: 3,
  },
];

/** Services window 1 (综合受理) calls first; everything else it takes at tier 2. */
const GENERAL_TIER1 = new Set(['zonghe-zixun', 'zonghe-xinfang', 'minzheng-laonian-youdai']);

const tier1 = (...ids: string[]): WindowServiceLink[] => ids.map((serviceId) => ({ serviceId, tier: 1 }));
const tier2 = (...ids: string[]): WindowServiceLink[] => ids.map((serviceId) => ({ serviceId, tier: 2 }));

function windows(): WindowConfig[] {
  return [
    {
      id: '1',
      number: 1,
      name: '综合受理窗口',
      nameAlt: 'General Services & Guidance',
      department: DEPT.general,
      services: SERVICES.map((s) => ({ serviceId: s.id, tier: GENERAL_TIER1.has(s.id) ? 1 : 2 })),
    },
    {
      id: '2',
      number: 2,
      name: '民政窗口',
      nameAlt: 'Civil Affairs',
      department: DEPT.civil,
      // 民政 and 劳动保障 are often one 社会事务 post in the seeds, so they back each other up (AB岗).
      services: [
        ...tier1('minzheng-dibao', 'minzheng-yiliao-jiuzhu', 'minzheng-canji', 'minzheng-laonian-youdai'),
        ...tier2('laobao-jumin-yanglao'),
      ],
    },
    {
      id: '3',
      number: 3,
      name: '计生窗口',
      nameAlt: 'Family Planning',
      department: DEPT.family,
      services: tier1('jisheng-shengyu-dengji', 'jisheng-liudong-hunyu', 'jisheng-jiangli-fuzhu'),
    },
    {
      id: '4',
      number: 4,
      name: '劳动保障窗口',
      nameAlt: 'Labour & Social Security',
      department: DEPT.labour,
      services: [...tier1('laobao-shiye-dengji', 'laobao-jumin-yanglao'), ...tier2('minzheng-laonian-youdai')],
    },
    {
      id: '5',
      number: 5,
      name: '国土村建窗口',
      nameAlt: 'Land & Village Construction',
      department: DEPT.land,
      services: tier1('guotu-zhaijidi', 'cunjian-guihua-xuke'),
    },
    {
      id: '6',
      number: 6,
      name: '财政窗口',
      nameAlt: 'Finance',
      department: DEPT.finance,
      services: [...tier1('caizheng-huinong-butie'), ...tier2('nongye-nongji-butie')],
    },
    {
      id: '7',
      number: 7,
      name: '农业服务窗口',
      nameAlt: 'Agriculture',
      department: DEPT.agri,
      services: [...tier1('nongye-nongji-butie', 'nongye-linmu-caifa'), ...tier2('caizheng-huinong-butie')],
    },
    {
      id: '8',
      number: 8,
      name: '收费窗口',
      nameAlt: 'Cashier',
      department: DEPT.cashier,
      services: tier1('shoufei-shuiqi'),
    },
  ];
}

/** A fresh copy of the township layout's services and windows (callers may mutate it). */
export function townshipLayout(): { services: ServiceConfig[]; windows: WindowConfig[] } {
  return {
    services: SERVICES.map((s) => ({
      ...s,
      ...(s.department !== undefined && DEPT_ALT[s.department] ? { departmentAlt: DEPT_ALT[s.department] } : {}),
      timeLimit: { ...s.timeLimit },
      materials: [...s.materials],
      dailyCap: null,
      issuingHours: [],
      enabled: true,
    })),
    windows: windows(),
  };
}
