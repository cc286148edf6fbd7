// The registry's canonical columns: what a household-list file may carry, under which Chinese
// header names (aliases), and which are required. Shared by the file reader (import/columns.ts),
// the row rules (rules.ts) and the merge (store.ts).

export const FIELDS = {
  householdNo: { label: '户编号', aliases: ['户编号', '户码', '家庭编号', '户号', '农户编号'] },
  personNo: { label: '人编号', aliases: ['人编号', '人员编号', '成员编号', '个人编号'] },
  name: { label: '姓名', aliases: ['姓名', '成员姓名', '人员姓名', '户主姓名及成员姓名'] },
  idNumber: { label: '证件号码', aliases: ['证件号码', '身份证号', '身份证号码', '公民身份号码', '证件号', '身份证'] },
  relationship: { label: '与户主关系', aliases: ['与户主关系', '与户主的关系', '家庭关系', '关系'] },
  countyName: { label: '县', aliases: ['县', '县（市、区）', '县(市、区)', '县市区', '区县', '县名称'] },
  townName: { label: '乡镇', aliases: ['乡镇', '乡（镇）', '乡(镇)', '乡镇（街道）', '乡镇名称', '乡'] },
  villageName: { label: '行政村', aliases: ['行政村', '村', '村（社区）', '村(社区)', '行政村名称', '村名称'] },
  villageCode: { label: '行政村代码', aliases: ['行政村代码', '村代码', '行政区划代码', '区划代码', '地区代码', '村级代码'] },
  householdType: { label: '户类型', aliases: ['户类型', '户属性', '农户类型', '户类别'] },
  monitoringCategory: { label: '监测对象类别', aliases: ['监测对象类别', '监测类型', '监测对象类型', '监测户类型'] },
  riskEliminated: { label: '风险是否已消除', aliases: ['风险是否已消除', '是否消除风险', '风险消除', '是否已消除风险'] },
  riskEliminatedMonth: { label: '风险消除时间', aliases: ['风险消除时间', '消除风险时间', '风险消除日期', '风险消除年月'] },
  identifiedMonth: { label: '识别监测时间', aliases: ['识别监测时间', '纳入监测时间', '识别时间', '监测时间'] },
  incomePerCapita: { label: '人均纯收入（元）', aliases: ['人均纯收入（元）', '人均纯收入(元)', '人均纯收入', '家庭人均纯收入', '人均收入'] },
  labourSkill: { label: '劳动技能', aliases: ['劳动技能', '劳动能力'] },
  healthStatus: { label: '健康状况', aliases: ['健康状况', '健康状态'] },
  centrallySupported: { label: '集中供养', aliases: ['集中供养', '是否集中供养', '特困供养', '特困供养方式', '五保供养方式', '供养方式', '是否特困供养'] },
  stablyLifted: { label: '稳定脱贫', aliases: ['稳定脱贫', '是否稳定脱贫', '稳定脱贫户', '是否稳定脱贫户'] },
  phone: { label: '联系电话', aliases: ['联系电话', '电话', '手机号', '手机号码', '联系方式'] },
  sex: { label: '性别', aliases: ['性别'] },
} as const;

export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/**
 * Required columns. The village is required as either a code column or the three name columns;
 * that either/or is checked by the column mapper (columns.ts), not listed here.
 */
export const REQUIRED_FIELDS: readonly Field[] = ['householdNo', 'name', 'idNumber', 'relationship'];

/** One data row after column mapping: canonical fields (normalised text, '' when empty) and the rest. */
export interface MappedRow {
  /** The spreadsheet's own row number (1-based, as Excel shows it). */
  rowNumber: number;
  fields: Partial<Record<Field, string>>;
  /** Unknown columns, kept by their header text. */
  extra: Record<string, string>;
}

/** A rejected row (or a household/file-level finding reported on a row). */
export interface RowError {
  row: number;
  /** The header text of the column at fault, or '' for a whole-row finding. */
  column: string;
  code: string;
  message: string;
}
