// What each seed plan (the eight implementation plans; docs/domain.md, Sources) actually says, for the
// citation test: the figures its text contains and the topics it speaks to. A setting or comment
// may cite a plan only for these; a figure from national policy or local practice says so instead.
// Quotes are the plans' own words (the seed lost some digits: "超过万元" is over 1 万, docs/domain.md).

export type Plan = '第一篇' | '第二篇' | '第三篇' | '第四篇' | '第五篇' | '第六篇' | '第七篇' | '第八篇';

export interface PlanFacts {
  /** Figures as number + unit ("6000元"), each with the words it comes from. */
  figures: Record<string, string>;
  /** Phrases of the plan; a citation must use at least one of them. */
  says: string[];
}

export const PLAN_FACTS: Partial<Record<Plan, PlanFacts>> = {
  第一篇: {
    figures: { '6000元': '人均可支配收入低于国家扶贫标准倍左右(约6000元)的家庭' },
    says: ['刚性支出明显超过上一年', '人均可支配收入'],
  },
  第二篇: {
    figures: { '22日': '从3月起，每月22日前上报村级监测管理台账' },
    says: ['村级监测管理台账', '每月22日前'],
  },
  第三篇: {
    figures: { '2016年': '以**市2016已脱贫和年末未脱贫建档立卡人口……为对象', '2020年': '**年至2020年新增贫困人口、返贫人口为对象' },
    says: ['建档立卡', '五保', '稳定脱贫户', '保险合同期满前', '年度运行情况进行评估', '联席会议'],
  },
  第四篇: {
    figures: {
      '2021年': '2021年以年人均纯收入低于6000元……的家庭为监测范围',
      '6000元': '2021年以年人均纯收入低于6000元',
      '1万元': '一次性自付医疗费用超过万元（seed 缺字：1 万元）',
      '3万元': '全年累计自付医疗费用超过3万元',
      '5个工作日': '在村政务公示栏内公示5个工作日',
      '1次': '监测帮扶联系人入户走访原则上每月不少于1次',
    },
    says: ['监测范围', '人均纯收入', '自付医疗费用', '一次性', '累计', '公示', '消除风险', '不纳入监测', '走访', '区域性、规模性返贫风险'],
  },
  第六篇: {
    // No amount, term, age, rate, subsidy, leverage, sharing or overdue-days figure: those are
    // national policy (银保监发〔2021〕6号) or local practice.
    figures: { '2017年': '截至2017年末，全县涉农贷款(含各类扶贫贷款)增速不低于上年' },
    says: [
      '每月向人民银行报送', '人民银行', '每半年', '考核评估', '增速不低于上年', '信用等级评定', '涉农保险', '扶贫担保贷款', '金融办',
    ],
  },
};
