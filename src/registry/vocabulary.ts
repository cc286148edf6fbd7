// The words household lists use, as data: 与户主关系 with its GB/T 4761-2008 家庭关系代码, and 户类型
// as the national monitoring system and older or local lists write it (docs/domain.md,
// the national system's exports). The parsers in parse.ts look words up here; tests walk every entry.

/**
 * GB/T 4761-2008 家庭关系代码: code → the label shown on cards and lists. 01 (本人) is shown as 户主,
 * the household lists' own word; the major groups are 01, 10, 20 … 80.
 */
export const RELATIONSHIP_CODES: Readonly<Record<string, string>> = {
  '01': '户主', '02': '户主',
  '10': '配偶', '11': '夫', '12': '妻',
  '20': '子', '21': '独生子', '22': '长子', '23': '次子', '24': '三子', '25': '四子', '26': '五子',
  '27': '养子或继子', '28': '女婿', '29': '其他儿子',
  '30': '女', '31': '独生女', '32': '长女', '33': '次女', '34': '三女', '35': '四女', '36': '五女',
  '37': '养女或继女', '38': '儿媳', '39': '其他女儿',
  '40': '孙子女', '41': '孙子', '42': '孙女', '43': '外孙子', '44': '外孙女', '45': '孙媳妇或外孙媳妇',
  '46': '孙女婿或外孙女婿', '47': '曾孙子或外曾孙子', '48': '曾孙女或外曾孙女', '49': '其他孙子女',
  '50': '父母', '51': '父亲', '52': '母亲', '53': '公公', '54': '婆婆', '55': '岳父', '56': '岳母',
  '57': '继父或养父', '58': '继母或养母', '59': '其他父母关系',
  '60': '祖父母', '61': '祖父', '62': '祖母', '63': '外祖父', '64': '外祖母', '69': '其他祖父母',
  '70': '兄弟姐妹', '71': '兄', '72': '嫂', '73': '弟', '74': '弟媳', '75': '姐姐', '76': '姐夫',
  '77': '妹妹', '78': '妹夫', '79': '其他兄弟姐妹',
  '80': '其他', '81': '伯父', '82': '伯母', '83': '叔父', '84': '婶母', '85': '舅父', '86': '舅母',
  '87': '姨父', '88': '姨母', '89': '姑父', '90': '姑母', '91': '堂兄弟、堂姐妹', '92': '表兄弟、表姐妹',
  '93': '侄子', '94': '侄女', '95': '外甥', '96': '外甥女', '97': '其他亲属', '99': '非亲属',
};

/**
 * Words → code. The national system writes 之子 … 之兄弟姐妹 (the leading 之 is dropped before the
 * look-up, so 之父 is 父); local lists write the plain words. A word for a kind of person that
 * GB/T 4761 has no narrower code for takes its group's code (儿子 → 20).
 */
export const RELATIONSHIP_WORDS: Readonly<Record<string, string>> = {
  本人: '01', 户主: '01', '本人(户主)': '01', '户主(本人)': '01', 户主本人: '01',
  配偶: '10', 夫: '11', 丈夫: '11', 妻: '12', 妻子: '12',
  子: '20', 儿子: '20', 独生子: '21', 长子: '22', 次子: '23', 三子: '24', 四子: '25', 五子: '26',
  养子: '27', 继子: '27', 女婿: '28',
  女: '30', 女儿: '30', 独生女: '31', 长女: '32', 次女: '33', 三女: '34', 四女: '35', 五女: '36',
  养女: '37', 继女: '37', 儿媳: '38', 儿媳妇: '38',
  孙子女: '40', 孙子: '41', 孙女: '42', 外孙子: '43', 外孙: '43', 外孙女: '44', 孙媳妇: '45', 孙女婿: '46',
  曾孙子: '47', 曾孙女: '48',
  父母: '50', 父: '51', 父亲: '51', 母: '52', 母亲: '52', 公公: '53', 婆婆: '54', 岳父: '55', 岳母: '56',
  继父: '57', 养父: '57', 继母: '58', 养母: '58',
  祖父母: '60', 祖父: '61', 爷爷: '61', 祖母: '62', 奶奶: '62', 外祖父: '63', 外公: '63', 外祖母: '64', 外婆: '64',
  兄弟姐妹: '70', 兄弟: '70', 姐妹: '70', 兄: '71', 哥哥: '71', 嫂: '72', 嫂子: '72', 弟: '73', 弟弟: '73',
  弟媳: '74', 姐: '75', 姐姐: '75', 姐夫: '76', 妹: '77', 妹妹: '77', 妹夫: '78',
  其他: '80', 其它: '80', 伯父: '81', 伯母: '82', 叔父: '83', 叔叔: '83', 婶母: '84', 婶婶: '84',
  舅父: '85', 舅舅: '85', 舅母: '86', 姨父: '87', 姨母: '88', 姑父: '89', 姑母: '90',
  侄子: '93', 侄女: '94', 外甥: '95', 外甥女: '96', 其他亲属: '97', 非亲属: '99',
};

export type HouseholdType = 'lifted' | 'poor' | 'monitoring' | 'ordinary';
export type MonitoringCategory = 'unstable' | 'marginal' | 'sudden';

/** What a 户类型 word says about a household. */
export interface HouseholdTypeWord {
  type: HouseholdType;
  /** 稳定脱贫户 and its old name 脱贫不享受政策户: lifted and stable (第三篇 excludes them). */
  stablyLifted?: true;
  /** 脱贫监测户 names a lifted household under monitoring (脱贫不稳定户), 边缘户 a marginal one. */
  category?: MonitoringCategory;
}

export const HOUSEHOLD_TYPE_WORDS: Readonly<Record<string, HouseholdTypeWord>> = {
  脱贫户: { type: 'lifted' }, 已脱贫户: { type: 'lifted' }, 脱贫享受政策户: { type: 'lifted' },
  稳定脱贫户: { type: 'lifted', stablyLifted: true }, 脱贫不享受政策户: { type: 'lifted', stablyLifted: true },
  脱贫监测户: { type: 'lifted', category: 'unstable' }, 脱贫不稳定户: { type: 'lifted', category: 'unstable' },
  贫困户: { type: 'poor' }, 未脱贫户: { type: 'poor' }, 建档立卡贫困户: { type: 'poor' },
  监测户: { type: 'monitoring' }, 监测对象: { type: 'monitoring' }, 防返贫监测户: { type: 'monitoring' },
  防返贫监测对象: { type: 'monitoring' }, 防止返贫监测对象: { type: 'monitoring' },
  边缘户: { type: 'monitoring', category: 'marginal' }, 边缘易致贫户: { type: 'monitoring', category: 'marginal' },
  突发严重困难户: { type: 'monitoring', category: 'sudden' },
  一般农户: { type: 'ordinary' }, 一般户: { type: 'ordinary' }, 非贫困户: { type: 'ordinary' }, 普通农户: { type: 'ordinary' },
};

/** Header cells that are known and carry nothing to keep (the row counter national exports start with). */
export const IGNORED_HEADERS: readonly string[] = ['序号', '序', 'No', 'No.', '行号'];
