// Generates a household list shaped like the national system's export: N persons in about
// N / 3.3 households, realistic names, valid ID numbers, villages of one county; csv or xlsx.
// Streams to the file, so N = 1 000 000 needs little memory.
//   npx tsx bench/import/generate.ts --persons 1000000 --format csv --out /tmp/list.csv
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { checkDigit } from '../../src/shared/id-number.ts';

export const HEADER = ['户编号', '人编号', '姓名', '证件号码', '与户主关系', '县', '乡镇', '行政村', '行政村代码', '户类型',
  '监测对象类别', '风险是否已消除', '识别监测时间', '人均纯收入（元）', '劳动技能', '健康状况', '集中供养', '稳定脱贫', '联系电话'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '德明秀英建国桂兰小龙芳华军伟强丽娟敏静磊洋勇艳杰娜涛超霞平刚玲桂英文辉红梅海燕金凤玉兰志强永红春花淑珍子豪梓涵欣怡浩然宇轩雨桐堃犇昇喆';

/** A small deterministic PRNG so runs are comparable. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function* personRows(n: number, countyCode = '500101', seed = 42): Generator<string[]> {
  const r = rng(seed);
  const pick = (s: string) => s[Math.floor(r() * s.length)]!;
  let made = 0;
  let h = 0;
  while (made < n) {
    h += 1;
    const town = 1 + (h % 20);
    const village = 1 + (Math.floor(h / 20) % 15);
    const villageCode = `${countyCode}${String(town).padStart(3, '0')}${String(village).padStart(3, '0')}`;
    const size = Math.min(n - made, 1 + Math.floor(r() * 5));
    const surname = pick(SURNAMES);
    const monitoring = r() < 0.15;
    const type = monitoring ? '监测户' : r() < 0.05 ? '一般农户' : '脱贫户';
    const stable = !monitoring && r() < 0.1 ? '是' : '否';
    const income = (6000 + Math.floor(r() * 20000)).toFixed(2);
    for (let m = 0; m < size; m++) {
      made += 1;
      // Unique by construction: the sequence is the count mod 1000, and the birth day is a bijective
      // shuffle (×37 mod 14 600) of count / 1000 over 40 years from 1950.
      const day = (Math.floor(made / 1000) * 37) % 14_600;
      const birth = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      const seq = String(made % 1000).padStart(3, '0');
      const body = `${countyCode}${birth}${seq}`;
      const id = body + checkDigit(body);
      const rel = m === 0 ? '户主' : m === 1 ? '配偶' : r() < 0.5 ? '子' : '女';
      yield [
        `${countyCode.slice(0, 4)}${String(h).padStart(10, '0')}`, `P${String(made).padStart(12, '0')}`,
        surname + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : ''), id, rel, '某县', `第${town}镇`, `第${village}村`,
        villageCode, type, monitoring ? '脱贫不稳定户' : '', monitoring ? '否' : '', monitoring ? '202304' : '',
        income, r() < 0.7 ? '普通劳动力' : '弱劳动力或半劳动力', '健康', '否', stable,
        m === 0 ? `13${String(Math.floor(r() * 1e9)).padStart(9, '0')}` : '',
      ];
    }
  }
}

const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export async function writeCsv(path: string, n: number, countyCode = '500101') {
  const out = createWriteStream(path);
  out.write(`全国防返贫监测信息系统 脱贫户家庭成员信息表\r\n导出时间：2026-11-01\r\n${HEADER.join(',')}\r\n`);
  let buf = '';
  for (const row of personRows(n, countyCode)) {
    buf += `${row.map(esc).join(',')}\r\n`;
    if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function writeXlsx(path: string, n: number, countyCode = '500101') {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('脱贫户信息');
  ws.addRow(['全国防返贫监测信息系统 脱贫户家庭成员信息表']).commit();
  ws.addRow(['导出时间：2026-11-01']).commit();
  ws.addRow(HEADER).commit();
  for (const row of personRows(n, countyCode)) ws.addRow(row).commit();
  ws.commit();
  await wb.commit();
}

if (import.meta.url.endsWith(process.argv[1] ?? '')) {
  const { values } = parseArgs({ options: { persons: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } } });
  const n = Number(values.persons ?? 1_000_000);
  const format = values.format ?? 'csv';
  const out = values.out ?? `/tmp/znb-list-${n}.${format}`;
  await (format === 'xlsx' ? writeXlsx(out, n) : writeCsv(out, n));
  console.log(out);
}
