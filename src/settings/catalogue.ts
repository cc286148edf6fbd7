// The catalogue of local figures: every threshold, ratio, amount or contractual deadline that a
// region may set. Each entry has its value schema, documented default(s) and the default's source.
// Defaults may be dated (a figure that changed over the years). A region's own values are rows in
// the `settings` table; see rules.ts for how one value is chosen for a region and a day.
// biome-ignore-all lint/suspicious/noExplicitAny: the catalogue's entries each have their own value type (SettingDef<any>); SettingValue<K> reads each back per key
import { z } from 'zod';

// Every figure is bounded: amounts up to 100 万元 (no setting of the programme comes near it).
const Fen = z.number().int().min(0).max(100_000_000, '金额不能超过 100 万元');
const BasisPoints = z.number().int().min(0).max(10_000);
const Days = z.number().int().min(1).max(3650);
/**
 * A statutory period (保险法): a contract may shorten it, never lengthen it (a county may not give the
 * insurer 365 days to decide).
 */
const StatutoryDays = (max: number, article: string) =>
  z.number().int().min(1).max(max, `${article}规定不超过 ${max} 日，合同只能约定更短的期限`);

export interface SettingDef<T = unknown> {
  schema: z.ZodType<T>;
  /** Chinese description for the people who set it. */
  description: string;
  /** Unit shown beside the value: 分, 基点, 天, 月, 岁, 倍… */
  unit: string;
  defaults: ReadonlyArray<{ validFrom: string; value: T }>;
  source: string;
}

function def<T>(d: SettingDef<T>): SettingDef<T> {
  return d;
}

export const CATALOGUE = {
  'registry.eligibility': def({
    schema: z.object({
      eligibleHouseholdTypes: z.array(z.enum(['lifted', 'poor', 'monitoring'])).min(1),
      excludeCentrallySupported: z.boolean(),
      excludeStablyLifted: z.boolean(),
      riskEliminatedMonitoringEligible: z.boolean(),
    }),
    unit: '', description: '“助农保”参保资格：纳入的户类型（脱贫户、未脱贫户；监测对象为本地选择），是否排除集中供养五保户、稳定脱贫户，风险已消除的监测户是否纳入（本地选择）',
    defaults: [{ validFrom: '2016-01-01', value: {
      eligibleHouseholdTypes: ['lifted', 'poor', 'monitoring'] as Array<'lifted' | 'poor' | 'monitoring'>,
      excludeCentrallySupported: true, excludeStablyLifted: true, riskEliminatedMonitoringEligible: false,
    } }],
    source: '第三篇：2016年已脱贫和年末未脱贫建档立卡人口、新增贫困人口、返贫人口参保，不包含集中供养五保户、稳定脱贫户（以全国扶贫信息系统数据为准）'
      + '，对应脱贫户（lifted）、未脱贫户（poor）及两项排除。纳入防返贫监测对象（monitoring）、风险已消除的监测户不再纳入：本地选择（本系统默认），第三篇未作规定',
  }),
  'registry.rejected_rows_retention_days': def({
    schema: Days, unit: '天',
    description: '名单导入的错误明细（含未导入行的原始内容：证件号码、姓名、电话）在导入完成后保存的天数；到期由每日任务删除，导入记录及其统计数字保留',
    defaults: [{ validFrom: '2016-01-01', value: 90 }],
    source: '本系统默认 90 天：个人信息保存期限应为实现处理目的所必要的最短时间（个人信息保护法第十九条），足够县里据错误报告改正并重新导入',
  }),
  'monitoring.income_line_fen': def({
    schema: Fen, unit: '分', description: '防返贫监测收入标准（家庭年人均纯收入）',
    defaults: [{ validFrom: '2021-01-01', value: 600_000 }],
    source: '第四篇：2021年 6000 元，各省逐年调整',
  }),
  'monitoring.medical_single_fen': def({
    schema: Fen, unit: '分', description: '单次合规自付医疗费用预警线',
    defaults: [{ validFrom: '2021-01-01', value: 1_000_000 }], source: '第四篇：一次性超过 1 万元',
  }),
  'monitoring.medical_annual_fen': def({
    schema: Fen, unit: '分', description: '年度累计自付医疗费用预警线',
    defaults: [{ validFrom: '2021-01-01', value: 3_000_000 }], source: '第四篇：年度累计超过 3 万元',
  }),
  'monitoring.house_loss_share_bp': def({
    schema: BasisPoints, unit: '基点', description: '房屋主体损失占保额比例达到此值时触发住房安全预警',
    defaults: [{ validFrom: '2016-01-01', value: 5_000 }], source: '本系统默认 50%',
  }),
  'monitoring.working_age': def({
    schema: z.object({ min: z.number().int().min(0).max(100), max: z.number().int().min(0).max(100) }).refine((v) => v.min <= v.max, '最低年龄不能大于最高年龄'),
    unit: '岁', description: '劳动年龄范围：此范围内的普通或技能劳动力身故、重度伤残时触发“缺劳动力”预警',
    defaults: [{ validFrom: '2016-01-01', value: { min: 16, max: 60 } }], source: '本系统默认 16–60 周岁',
  }),
  'monitoring.compound': def({
    schema: z.object({ count: z.number().int().min(2).max(20), windowDays: Days }), unit: '次/天',
    description: '同一户在此天数内获赔达到此次数时触发“多重风险”预警',
    defaults: [{ validFrom: '2016-01-01', value: { count: 2, windowDays: 365 } }], source: '本系统默认：12 个月内 2 次及以上',
  }),
  'monitoring.signal_window_days': def({
    schema: Days, unit: '天', description: '同一户、同一风险类型在此天数内只生成一条预警，后来的证据并入该条',
    defaults: [{ validFrom: '2016-01-01', value: 180 }], source: '本系统默认 180 天',
  }),
  'monitoring.assign_days': def({
    schema: Days, unit: '天', description: '预警生成后分派给核实人的期限',
    defaults: [{ validFrom: '2016-01-01', value: 3 }], source: '本系统默认 3 天',
  }),
  'monitoring.verify_days': def({
    schema: Days, unit: '天', description: '预警生成后完成入户核实的期限',
    defaults: [{ validFrom: '2016-01-01', value: 15 }], source: '本系统默认 15 天',
  }),
  'monitoring.ledger_day': def({
    schema: z.number().int().min(1).max(28), unit: '日', description: '每月自动生成村级监测台账的日期（台账须在 22 日前报送）',
    defaults: [{ validFrom: '2016-01-01', value: 20 }], source: '第二篇：每月22日前上报村级监测管理台账；每月 20 日生成为本系统默认',
  }),
  // Monitoring by the national procedure (src/monitoring/cases.ts, department lists, seed rules).
  'monitoring.risk_types': def({
    schema: z.record(z.string().regex(/^[0-9]{2,4}$/), z.string().min(1).max(40)).refine((v) => Object.keys(v).length > 0, '至少一项'),
    unit: '', description: '本县致贫/返贫风险类型编码表（全国防返贫监测信息系统的编码与名称；以本县系统中的列表为准）',
    defaults: [{ validFrom: '2021-01-01', value: {
      '01': '因病', '0201': '因自然灾害（洪涝）', '0202': '因自然灾害（滑坡泥石流）', '0203': '因自然灾害（干旱）',
      '0204': '因自然灾害（病虫害）', '0205': '因自然灾害（气象灾害）', '0206': '因自然灾害（地震）', '0299': '因自然灾害（其他）',
      '03': '因残', '04': '因缺劳动力', '05': '因意外事故', '06': '因产业（项目）失败', '07': '因务工就业不稳', '08': '因学',
      '09': '因住房安全', '10': '因饮水安全', '99': '其他',
    } as Record<string, string> }],
    source: '全国防返贫监测信息系统风险类型编码（某县列表）；各县以本县系统列表为准',
  }),
  'monitoring.notice_working_days': def({
    schema: z.number().int().min(1).max(30), unit: '个工作日', description: '村级评议后在村政务公示栏公示的工作日数；公示期满后才能报乡镇联合审核',
    defaults: [{ validFrom: '2021-01-01', value: 5 }], source: '第四篇：在村政务公示栏内公示5个工作日',
  }),
  'monitoring.exclusion_situations': def({
    schema: z.array(z.object({ no: z.number().int().min(1).max(20), text: z.string().min(2).max(200) })).min(1).max(20),
    unit: '', description: '原则上不纳入监测的情形（县级审定时逐项核验）',
    defaults: [{ validFrom: '2021-01-01', value: [
      { no: 1, text: '家庭成员拥有享受型用车、船舶、工程机械及大型农机具的' },
      { no: 4, text: '家庭成员办有或投资企业，长期雇用他人从事生产经营活动，并正常经营纳税的' },
      { no: 5, text: '家庭成员有大额的银行存款、有价证券、债券、储蓄性保险的' },
    ] }],
    source: '第四篇：五种情形之一的原则上不纳入监测（种子文本只保留了第1、4、5项，第2、3项缺失，由县里按本地文件补充）',
  }),
  'monitoring.elimination_min_months': def({
    schema: z.number().int().min(0).max(60), unit: '月', description: '纳入监测后至少监测帮扶的月数，此前不能提出风险消除',
    defaults: [{ validFrom: '2021-01-01', value: 6 }], source: '第四篇：原则上监测帮扶半年以上才能标注“消除风险”',
  }),
  'monitoring.area_alert': def({
    schema: z.object({ households: z.number().int().min(2).max(1000), days: Days }), unit: '户/天',
    description: '规模性返贫风险：同一乡镇在此天数内有此户数及以上出现同一风险类型的预警时，生成一条乡镇级预警',
    defaults: [{ validFrom: '2021-01-01', value: { households: 5, days: 7 } }],
    source: '第四篇：及时排查预警区域性、规模性返贫风险；户数和天数为本系统默认',
  }),
  'monitoring.rigid_spending_factor_bp': def({
    schema: z.number().int().min(1000).max(100_000), unit: '基点',
    description: '刚性支出预警：本年度家庭刚性支出超过上一年度家庭纯收入（人均纯收入 × 人口）乘以此倍数（10000 = 1 倍）时预警',
    defaults: [{ validFrom: '2021-01-01', value: 10_000 }],
    source: '第一篇：刚性支出明显超过上一年度收入；倍数为本系统默认（1 倍）',
  }),
  'monitoring.contact_days': def({
    schema: Days, unit: '天', description: '已纳入监测的农户出现新风险时，帮扶联系人调整帮扶措施的期限（自预警生成之日起）',
    defaults: [{ validFrom: '2021-01-01', value: 15 }], source: '本系统默认 15 天（第四篇：联系人每月至少走访1次）',
  }),
  'monitoring.visits_per_month': def({
    schema: z.number().int().min(1, '第四篇规定监测帮扶联系人每月至少走访1次').max(10), unit: '次/月',
    description: '监测对象风险消除前，每户每个自然月至少登记的帮扶走访次数（不足即列入村级工作台“本月待走访”）',
    defaults: [{ validFrom: '2021-01-01', value: 1 }],
    source: '第四篇：监测对象风险消除前，监测帮扶联系人入户走访原则上每月不少于1次；确因客观原因无法实地走访的，可采用电话、微信等方式监测',
  }),
  'claims.decision_days': def({
    schema: StatutoryDays(30, '保险法第二十三条'), unit: '天', description: '材料齐全后作出核定的期限',
    defaults: [{ validFrom: '2015-04-24', value: 30 }], source: '保险法第二十三条：30 日（合同可约定更短）',
  }),
  'claims.payment_days': def({
    schema: StatutoryDays(10, '保险法第二十三条'), unit: '天', description: '达成赔付协议后支付赔款的期限',
    defaults: [{ validFrom: '2015-04-24', value: 10 }], source: '保险法第二十三条：10 日',
  }),
  'claims.rejection_notice_days': def({
    schema: StatutoryDays(3, '保险法第二十四条'), unit: '天', description: '作出拒赔决定后发出拒赔通知书的期限',
    defaults: [{ validFrom: '2015-04-24', value: 3 }], source: '保险法第二十四条：3 日',
  }),
  'claims.advance_payment_days': def({
    schema: StatutoryDays(60, '保险法第二十五条'), unit: '天', description: '收到材料后仍不能确定金额时，先予支付可确定部分的期限',
    defaults: [{ validFrom: '2015-04-24', value: 60 }], source: '保险法第二十五条：60 日',
  }),
  'calendar.holidays': def({
    schema: z.object({
      off: z.array(z.iso.date()).max(2000),
      workdays: z.array(z.iso.date()).max(500),
    }),
    unit: '', description: '法定节假日（放假的工作日）与调休上班的周末，用于按工作日计算的期限；每年国务院办公厅公布后补充',
    defaults: [{ validFrom: '2025-01-01', value: {
      off: [
        '2025-01-01', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-03', '2025-02-04',
        '2025-04-04', '2025-05-01', '2025-05-02', '2025-05-05', '2025-06-02',
        '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08',
        '2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
        '2026-04-06', '2026-05-01', '2026-05-04', '2026-05-05', '2026-06-19', '2026-09-25',
        '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
      ],
      workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
        '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    } }],
    source: '国务院办公厅关于 2025 年、2026 年部分节假日安排的通知（只列落在周一至周五的放假日；周末按双休处理）',
  }),
  'cards.claim_hotline': def({
    schema: z.string().max(60), unit: '', description: '明白卡上的报案电话（承保公司客服或县理赔服务电话）；为空时卡上写“县乡村振兴局或村联络员”',
    defaults: [{ validFrom: '2016-01-01', value: '' }], source: '按协议约定由县乡村振兴局设置',
  }),
  'cards.report_within_hours': def({
    schema: z.number().int().min(1).max(720), unit: '小时', description: '明白卡上告知的出险后报案时限',
    defaults: [{ validFrom: '2016-01-01', value: 48 }], source: '常见保险条款：出险后 48 小时内通知保险人（保险法第二十一条“及时通知”）',
  }),
  'cards.village_contact': def({
    schema: z.object({ name: z.string().min(1).max(20), phone: z.string().min(5).max(30) }).nullable(),
    unit: '', description: '村级联络员（按村设置，地区前缀为 12 位村代码）；为空时卡上写“请向村委会询问”',
    defaults: [{ validFrom: '2016-01-01', value: null as { name: string; phone: string } | null }], source: '各村自定',
  }),
  'cards.template': def({
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/), unit: '', description: '明白卡模板名（templates/card/ 下的文件夹），县可使用本县的措辞和版式',
    defaults: [{ validFrom: '2016-01-01', value: 'default' }], source: '本系统默认模板',
  }),
  'review.draft_days_before_end': def({
    schema: Days, unit: '天', description: '协议到期前多少天自动生成年度运行评估草稿，供联席会议研判',
    defaults: [{ validFrom: '2016-01-01', value: 30 }], source: '第三篇：保险合同期满前，联席会议成员单位与承办保险公司对项目年度运行情况进行评估；提前 30 天为本系统默认',
  }),
  'credit.max_amount_fen': def({
    schema: Fen, unit: '分', description: '脱贫人口小额信贷单户最高额度',
    defaults: [{ validFrom: '2016-01-01', value: 5_000_000 }], source: '国家政策（银保监发〔2021〕6号，延续此前扶贫小额信贷政策）：5 万元（含）以下',
  }),
  'credit.max_term_months': def({
    schema: z.number().int().min(1).max(120), unit: '月', description: '小额信贷最长期限',
    defaults: [{ validFrom: '2016-01-01', value: 36 }], source: '国家政策（银保监发〔2021〕6号，延续此前扶贫小额信贷政策）：3 年期（含）以内',
  }),
  'credit.borrower_age_range': def({
    schema: z.object({ min: z.number().int().min(16).max(100), max: z.number().int().min(16).max(100) })
      .refine((v) => v.min <= v.max, '最低年龄不能大于最高年龄'),
    unit: '岁', description: '借款人放款时的年龄范围',
    defaults: [{ validFrom: '2016-01-01', value: { min: 18, max: 65 } }], source: '国家政策（银保监发〔2021〕6号，延续此前扶贫小额信贷政策）：借款人 18–65 周岁',
  }),
  'credit.interest_subsidy_bp': def({
    schema: BasisPoints, unit: '基点', description: '财政贴息比例（按期正常还款的利息）',
    defaults: [{ validFrom: '2016-01-01', value: 10_000 }, { validFrom: '2024-01-01', value: 7_000 }],
    source: '某省做法：2023 年底前全额贴息，2024–2025 年 70%',
  }),
  'credit.leverage_multiple': def({
    schema: z.number().int().min(1).max(50), unit: '倍', description: '贷款余额不超过风险补偿金的倍数',
    defaults: [{ validFrom: '2016-01-01', value: 10 }], source: '地方做法：县级风险补偿金按约 10 倍放大贷款（国家政策要求建立风险补偿机制，倍数由各地确定）',
  }),
  'credit.compensation_fund_share_bp': def({
    schema: BasisPoints, unit: '基点', description: '逾期代偿损失中风险补偿金承担的比例（其余由银行承担）',
    defaults: [{ validFrom: '2016-01-01', value: 8_000 }], source: '某县做法：补偿金与银行 8:2',
  }),
  'credit.overdue_signal_days': def({
    schema: Days, unit: '天', description: '逾期超过此天数时触发防返贫风险信号并进入代偿',
    defaults: [{ validFrom: '2016-01-01', value: 90 }], source: '地方做法：逾期超过 90 天的贷款进入风险补偿代偿',
  }),
  'credit.lpr_bp': def({
    schema: z.object({ oneYear: BasisPoints, fiveYear: BasisPoints }), unit: '基点',
    description: '贷款市场报价利率（LPR）：1 年期与 5 年期以上，按公布日期生效；小额信贷利率上限据此判断',
    defaults: [
      { validFrom: '2019-08-20', value: { oneYear: 425, fiveYear: 485 } },
      { validFrom: '2019-09-20', value: { oneYear: 420, fiveYear: 485 } },
      { validFrom: '2019-11-20', value: { oneYear: 415, fiveYear: 480 } },
      { validFrom: '2020-02-20', value: { oneYear: 405, fiveYear: 475 } },
      { validFrom: '2020-04-20', value: { oneYear: 385, fiveYear: 465 } },
      { validFrom: '2021-12-20', value: { oneYear: 380, fiveYear: 465 } },
      { validFrom: '2022-01-20', value: { oneYear: 370, fiveYear: 460 } },
      { validFrom: '2022-05-20', value: { oneYear: 370, fiveYear: 445 } },
      { validFrom: '2022-08-22', value: { oneYear: 365, fiveYear: 430 } },
      { validFrom: '2023-06-20', value: { oneYear: 355, fiveYear: 420 } },
      { validFrom: '2023-08-21', value: { oneYear: 345, fiveYear: 420 } },
      { validFrom: '2024-02-20', value: { oneYear: 345, fiveYear: 395 } },
      { validFrom: '2024-07-22', value: { oneYear: 335, fiveYear: 385 } },
      { validFrom: '2024-10-21', value: { oneYear: 310, fiveYear: 360 } },
      { validFrom: '2025-05-20', value: { oneYear: 300, fiveYear: 350 } },
    ],
    source: '全国银行间同业拆借中心公布的 LPR（2019年8月起）',
  }),
  'credit.rate_rule': def({
    schema: z.object({ shortTermMonths: z.number().int().min(1).max(120), maxSpreadBp: z.number().int().min(-1000).max(1000) }),
    unit: '月/基点', description: '利率上限：期限不超过 shortTermMonths 个月的不高于 1 年期 LPR，以上的不高于 5 年期以上 LPR；可加减 maxSpreadBp 基点',
    defaults: [{ validFrom: '2016-01-01', value: { shortTermMonths: 12, maxSpreadBp: 0 } }],
    source: '国家政策（银保监发〔2021〕6号）：利率原则上不超过同期限 LPR，1 年期以内（含）参照 1 年期 LPR，1 年期以上参照 5 年期以上 LPR',
  }),
  'credit.allowed_exceptions': def({
    schema: z.array(z.enum(['amount', 'term', 'age', 'rate', 'leverage'])).max(5), unit: '',
    description: '县里允许作为“例外”登记（而不是拒绝）的政策规则：amount 额度、term 期限、age 年龄、rate 利率、leverage 杠杆',
    defaults: [{ validFrom: '2016-01-01', value: [] as Array<'amount' | 'term' | 'age' | 'rate' | 'leverage'> }],
    source: '本系统默认：不允许例外',
  }),
  'credit.extension_limits': def({
    schema: z.object({ maxTimes: z.number().int().min(0).max(5), maxMonths: z.number().int().min(1).max(60) }),
    unit: '次/月', description: '展期：每笔贷款最多展期次数、每次最长月数',
    defaults: [{ validFrom: '2016-01-01', value: { maxTimes: 1, maxMonths: 12 } }],
    source: '国家政策（银保监发〔2021〕6号）：到期确有还款困难的，可办理 1 次展期或续贷',
  }),
  'credit.extension_day_count': def({
    schema: z.enum(['actual_360', 'actual_365', '30_360']), unit: '',
    description: '展期后重排还款计划的计息天数：actual_360 按实际天数、日利率为年利率 ÷ 360；actual_365 按实际天数 ÷ 365；30_360 每月按 1/12 年计',
    defaults: [{ validFrom: '2016-01-01', value: 'actual_360' as 'actual_360' | 'actual_365' | '30_360' }],
    source: '银行通行做法：按实际天数计息，日利率 = 年利率 ÷ 360',
  }),
  'credit.renewal_limits': def({
    schema: z.object({ maxTimes: z.number().int().min(0).max(5) }), unit: '次',
    description: '续贷：同一笔贷款链最多续贷次数',
    defaults: [{ validFrom: '2016-01-01', value: { maxTimes: 1 } }],
    source: '国家政策（银保监发〔2021〕6号）：到期确有还款困难的，可办理 1 次展期或续贷',
  }),
  'credit.rating': def({
    schema: z.object({
      lookbackMonths: z.number().int().min(1).max(120),
      good: z.object({ maxLateInstalments: z.number().int().min(0).max(120), maxDaysLate: z.number().int().min(0).max(3650) }),
      fair: z.object({ maxLateInstalments: z.number().int().min(0).max(120), maxDaysLate: z.number().int().min(0).max(3650) }),
    }),
    unit: '月/期/天',
    description: '农户信用等级评定：回看月数；“良好”“一般”允许的逾期期数和最长逾期天数（无逾期为“优秀”，超出“一般”为“较差”）',
    defaults: [{ validFrom: '2016-01-01', value: { lookbackMonths: 24, good: { maxLateInstalments: 1, maxDaysLate: 30 }, fair: { maxLateInstalments: 3, maxDaysLate: 90 } } }],
    source: '第六篇：县农商银行加强和完善对贫困户信用等级评定；档次为本系统默认',
  }),
  'credit.assessment': def({
    schema: z.object({
      growthWeight: z.number().int().min(0).max(100), overdueWeight: z.number().int().min(0).max(100),
      insuredWeight: z.number().int().min(0).max(100), reportingWeight: z.number().int().min(0).max(100),
      maxOverdueRateBp: BasisPoints,
    }).refine((v) => v.growthWeight + v.overdueWeight + v.insuredWeight + v.reportingWeight === 100, '各项权重之和应为 100'),
    unit: '分/基点',
    description: '金融机构半年考核：贷款增长、逾期率、借款户参保、按月报送四项权重（合计 100），以及逾期率容忍上限',
    defaults: [{ validFrom: '2016-01-01', value: { growthWeight: 40, overdueWeight: 30, insuredWeight: 15, reportingWeight: 15, maxOverdueRateBp: 200 } }],
    source: '第六篇：每半年对金融支持固脱贫防返贫工作进行考核评估，涉农贷款增速不低于上年；权重为本系统默认',
  }),
  'credit.report_day': def({
    schema: z.number().int().min(1).max(28), unit: '日', description: '每月几日生成上月小额信贷月报（银行应在此前报送上月文件）',
    defaults: [{ validFrom: '2016-01-01', value: 10 }], source: '第六篇：各金融机构每月向人民银行报送信贷数据；日期为本系统默认',
  }),
  'credit.pboc_report': def({
    schema: z.object({ recipient: z.string().trim().min(1).max(60), format: z.enum(['xlsx', 'csv']), dueDay: z.number().int().min(1).max(28) }),
    unit: '', description: '报送人民银行的小额信贷月报：收件单位、文件格式（xlsx 或 csv）、次月几日前报送',
    defaults: [{ validFrom: '2016-01-01', value: { recipient: '中国人民银行县支行', format: 'xlsx' as 'xlsx' | 'csv', dueDay: 15 } }],
    source: '第六篇：各金融机构要每月向人民银行报送扶贫信贷措施、服务、产品及信贷数据；收件单位、格式与报送日为本系统默认',
  }),
  'credit.bank_file_errors_retention_days': def({
    schema: Days, unit: '天',
    description: '银行报送文件的错误明细和对账差异明细（含借据号、读到的身份证号等逐行内容）自报送之日起保存的天数；到期由每日任务删除，文件记录、行数统计和处理状态保留',
    defaults: [{ validFrom: '2016-01-01', value: 90 }],
    source: '本系统默认 90 天：个人信息保存期限应为实现处理目的所必要的最短时间（个人信息保护法第十九条），足够银行据错误报告改正并重新报送',
  }),
  'access.session_idle_minutes': def({
    schema: z.number().int().min(5).max(24 * 60), unit: '分钟',
    description: '工作台登录后无操作超过此分钟数即须重新登录（按用户的管辖地区取值）',
    defaults: [{ validFrom: '2016-01-01', value: 30 }],
    source: '本系统默认 30 分钟：参照 GB/T 22239-2019（等保 2.0）“登录连接超时自动退出”的要求，具体时长为本系统默认',
  }),
  'access.session_max_hours': def({
    schema: z.number().int().min(1).max(24 * 7), unit: '小时',
    description: '工作台一次登录的最长有效时间（小时），到期无论是否在操作都须重新登录',
    defaults: [{ validFrom: '2016-01-01', value: 12 }],
    source: '本系统默认 12 小时：一个工作日',
  }),
} satisfies Record<string, SettingDef<any>>;

export type SettingKey = keyof typeof CATALOGUE;
export type SettingValue<K extends SettingKey> = (typeof CATALOGUE)[K]['defaults'][number]['value'];
export const SETTING_KEYS = Object.keys(CATALOGUE) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(CATALOGUE, key);
}
