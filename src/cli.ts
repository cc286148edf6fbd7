// The `znb` command line. Exit codes: 0 done, 1 failed, 2 wrong usage.
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { openRuntime } from './runtime.ts';
import { createLogger } from './shared/log.ts';
import { formatBasisPoints, formatYuan } from './shared/money.ts';
import { isValidIsoDate } from './shared/dates.ts';
import { ORG_KINDS, ROLES, type OrgKind, type Role } from './shared/roles.ts';
import * as access from './access/service.ts';
import { isAppError } from './shared/errors.ts';
import type { RequestCtx } from './http/context.ts';
import { toCountyCode } from './shared/fields.ts';

class UsageError extends Error {}

interface Command {
  usage: string;
  help: string;
  options: Record<string, { type: 'string' | 'boolean'; required?: boolean; help: string }>;
  /** Names of required positional arguments, in order. */
  positionals?: string[];
  /** Returns the exit code (0 when omitted). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a command that returns nothing exits 0; `undefined` would make every such command say so
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number | void>;
}

const SYSTEM: RequestCtx = { actor: null, requestId: 'cli' };

async function withRuntime<T>(fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>, migrate = true): Promise<T> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  // Logs go to stderr: stdout is for the command's own output (`--json` prints one object there).
  const log = createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`));
  const rt = await openRuntime(config, { migrate, log });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);

/** An id option (organisation, agreement, token): a UUID, else a usage error (exit 2). */
function idOpt(v: string | boolean | undefined, name: string): string {
  const s = str(v) ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s)) throw new UsageError(`--${name} 应为编号（UUID），收到：${s}`);
  return s;
}

/** A date option: YYYY-MM-DD and a real calendar day, else a usage error (exit 2). */
function dateOpt(v: string | boolean | undefined, name: string): string | undefined {
  const s = str(v);
  if (s !== undefined && !isValidIsoDate(s)) throw new UsageError(`--${name} 应为 YYYY-MM-DD 格式的有效日期，收到：${s}`);
  return s;
}

/** --month YYYY-MM, else a usage error (exit 2). */
function monthOpt(v: string | boolean | undefined): string {
  const s = str(v) ?? '';
  if (!/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(s)) throw new UsageError(`--month 应为 YYYY-MM，收到：${s}`);
  return s;
}

/** --county: the 6-digit (500101) or 12-digit (500101000000) county code → 12 digits, else a usage error (exit 2). */
function countyOpt(v: string | boolean | undefined): string {
  const s = str(v) ?? '';
  const code = toCountyCode(s);
  if (!code) throw new UsageError(`--county 应为6位（如 500101）或12位（如 500101000000）县级代码，收到：${s}`);
  return code;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    usage: 'znb migrate',
    help: '执行数据库迁移（PostgreSQL：以 MIGRATION_DATABASE_URL 的属主角色执行，未设置时用 DATABASE_URL，并为 DATABASE_URL 的运行角色授权；未设置 DATABASE_URL 时为 DATA_DIR 中的内置数据库）。',
    options: {},
    run: () => withRuntime(async (rt) => { console.log(`迁移完成（${rt.database.kind}）`); }),
  },
  serve: {
    usage: 'znb serve',
    help: '启动 HTTP 服务（同 npm start），端口见 PORT，地址见 HOST。',
    options: {},
    run: async () => {
      const { startServer } = await import('./node.ts');
      await startServer();
      await new Promise(() => {}); // serve until a signal stops the process
    },
  },
  'org create': {
    usage: 'znb org create --kind KIND --name 名称 --region 地区代码 [--credit-code 统一社会信用代码]',
    help: `创建机构。KIND：${ORG_KINDS.join(' | ')}；地区代码为12位统计用区划代码。`,
    options: {
      kind: { type: 'string', required: true, help: '机构类型' },
      name: { type: 'string', required: true, help: '机构名称' },
      region: { type: 'string', required: true, help: '12位地区代码' },
      'credit-code': { type: 'string', help: '统一社会信用代码' },
    },
    run: async (v) => {
      const kind = str(v.kind) as OrgKind;
      if (!ORG_KINDS.includes(kind)) throw new UsageError(`--kind 应为 ${ORG_KINDS.join(' | ')}`);
      await withRuntime(async (rt) => {
        const org = await access.createOrg(rt.deps, SYSTEM, {
          kind, name: str(v.name)!, regionCode: str(v.region)!, creditCode: str(v['credit-code']),
        });
        console.log(`已创建机构 ${org.name}  id=${org.id}`);
      });
    },
  },
  'org list': {
    usage: 'znb org list',
    help: '列出全部机构。',
    options: {},
    run: () => withRuntime(async (rt) => {
      const admin = { role: 'admin' } as access.Actor;
      const page = await access.listOrgs(rt.deps, admin, { page: 1, pageSize: 200 });
      for (const o of page.items) console.log(`${o.id}  ${o.kind.padEnd(14)} ${o.regionCode}  ${o.name}`);
    }),
  },
  'user create': {
    usage: 'znb user create --org 机构id --username 用户名 --name 姓名 [--role ROLE] [--region 地区代码]',
    help: `创建用户并打印其访问令牌（只显示这一次）。ROLE：${ROLES.join(' | ')}，默认与机构类型相同。`,
    options: {
      org: { type: 'string', required: true, help: '机构 id' },
      username: { type: 'string', required: true, help: '用户名' },
      name: { type: 'string', required: true, help: '显示姓名' },
      role: { type: 'string', help: '角色' },
      region: { type: 'string', help: '管辖地区代码（默认为机构的地区）' },
    },
    run: async (v) => {
      const role = str(v.role) as Role | undefined;
      if (role && !ROLES.includes(role)) throw new UsageError(`--role 应为 ${ROLES.join(' | ')}`);
      await withRuntime(async (rt) => {
        const r = await access.createUser(rt.deps, SYSTEM, {
          orgId: idOpt(v.org, 'org'), username: str(v.username)!, displayName: str(v.name)!, role, regionCode: str(v.region),
        });
        console.log(`已创建用户 ${r.user.username}  id=${r.user.id}`);
        console.log(`访问令牌 id=${r.tokenInfo.id}（吊销时用）；令牌本身只显示这一次：\n${r.token}`);
      });
    },
  },
  'user password': {
    usage: 'znb user password USERNAME',
    help: '设置用户的工作台登录密码：从标准输入读取（终端上输入两次、不回显；管道输入读第一行）。该用户已有的登录全部结束。',
    options: {},
    positionals: ['USERNAME'],
    run: async (_v, [username]) => {
      const { readNewPassword } = await import('./access/password-input.ts');
      const { setPassword } = await import('./access/sessions.ts');
      const password = await readNewPassword();
      await withRuntime(async (rt) => {
        await setPassword(rt.deps, SYSTEM, username!, password, { mustChange: false });
        console.log(`已设置用户 ${username} 的密码；可在 /login 登录工作台`);
      });
    },
  },
  'import households': {
    usage: 'znb import households FILE --county 县级代码 [--list-date YYYY-MM-DD] [--dry-run] [--errors OUT.xlsx] [--json]',
    help: '导入户籍名单（xlsx/csv）。已导入（含部分行被拒）退出码 0；未导入任何内容退出码 1；用法错误 2。',
    positionals: ['FILE'],
    options: {
      county: { type: 'string', required: true, help: '12位县级区划代码，例如 500101000000' },
      'list-date': { type: 'string', help: '名单日期（默认今天）：新增、移出按此日期记录' },
      'dry-run': { type: 'boolean', help: '只校验并报告，不改动数据' },
      errors: { type: 'string', help: '把被拒绝的行写入此 xlsx 文件' },
      json: { type: 'boolean', help: '在标准输出打印一个 JSON 结果对象' },
    },
    run: async (v, [file]) => {
      const { runImportCommand, usageError } = await import('./registry/cli.ts');
      const wrong = usageError({ file: file!, countyCode: str(v.county)! });
      if (wrong) {
        console.error(wrong);
        return 2;
      }
      return withRuntime((rt) => runImportCommand(rt.deps, {
        file: file!, countyCode: str(v.county)!, listDate: dateOpt(v['list-date'], 'list-date'), dryRun: v['dry-run'] === true,
        errorsOut: str(v.errors), json: v.json === true,
      }));
    },
  },
  'cover enrol': {
    usage: 'znb cover enrol --agreement 协议id [--as-of YYYY-MM-DD]',
    help: '按当前名单为协议登记参保：新增符合条件的人员，终止已移出名单者的保障，记录每人原因。',
    options: {
      agreement: { type: 'string', required: true, help: '协议 id' },
      'as-of': { type: 'string', help: '登记日期（默认今天）' },
    },
    run: (v) => withRuntime(async (rt) => {
      const { enrol } = await import('./cover/service.ts');
      const r = await enrol(rt.deps, SYSTEM, idOpt(v.agreement, 'agreement'), dateOpt(v['as-of'], 'as-of'));
      console.log(JSON.stringify(r));
    }),
  },
  'cover bill': {
    usage: 'znb cover bill --agreement 协议id --as-of YYYY-MM-DD --out 账单.xlsx [--save]',
    help: '出具保费账单（按险种、按出资方、上次账单以来的变动）写入 xlsx；--save 保存为下次变动的基准。',
    options: {
      agreement: { type: 'string', required: true, help: '协议 id' },
      'as-of': { type: 'string', required: true, help: '账单日期' },
      out: { type: 'string', required: true, help: '输出的 xlsx 文件' },
      save: { type: 'boolean', help: '保存本次账单' },
    },
    run: (v) => withRuntime(async (rt) => {
      const { bill, billXlsx } = await import('./cover/service.ts');
      const { writeFileSync } = await import('node:fs');
      const b = await bill(rt.deps, SYSTEM, idOpt(v.agreement, 'agreement'), dateOpt(v['as-of'], 'as-of')!, { save: v.save === true });
      writeFileSync(str(v.out)!, await billXlsx(rt.deps, b));
      console.log(`保费合计 ${formatYuan(b.totalFen, { unit: true })}，已写入 ${str(v.out)}`);
    }),
  },
  'claims summary': {
    usage: 'znb claims summary --agreement 协议id --month YYYY-MM --out 理赔月报.xlsx',
    help: '月度理赔汇总（报案、核定、支付、拒赔原因、分险种金额、超期事项）写入 xlsx，报乡村振兴部门。',
    options: {
      agreement: { type: 'string', required: true, help: '协议 id' },
      month: { type: 'string', required: true, help: '月份，例如 2026-03' },
      out: { type: 'string', required: true, help: '输出的 xlsx 文件' },
    },
    run: (v) => {
      const month = monthOpt(v.month);
      return withRuntime(async (rt) => {
        const { monthlySummary, summaryXlsx } = await import('./claims/summary.ts');
        const { writeFileSync } = await import('node:fs');
        const s = await monthlySummary(rt.deps, SYSTEM, idOpt(v.agreement, 'agreement'), month);
        writeFileSync(str(v.out)!, await summaryXlsx(rt.deps, s));
        const n = s.counts;
        console.log(`${month}：报案 ${n.reported} 件，核定 ${n.decided} 件（拒赔 ${n.rejected}），支付 ${formatYuan(s.totals.paidFen, { unit: true })}，超期事项 ${s.overdue.length} 项；已写入 ${str(v.out)}`);
      });
    },
  },
  'cards print': {
    usage: 'znb cards print --agreement 协议id (--town 乡镇代码 | --village 村代码) --out 明白卡.pdf',
    help: '把一个乡镇或村的参保户明白卡打印成一个 PDF（每张 A4 两张卡，字库只嵌入一次），显示进度。',
    options: {
      agreement: { type: 'string', required: true, help: '协议 id' },
      town: { type: 'string', help: '12 位乡镇代码（后 3 位为 0）' },
      village: { type: 'string', help: '12 位村代码' },
      out: { type: 'string', required: true, help: '输出的 PDF 文件' },
    },
    run: (v) => {
      const town = str(v.town);
      const village = str(v.village);
      if ((town === undefined) === (village === undefined)) throw new UsageError('请指定 --town 或 --village 之一');
      const region = (town ?? village)!;
      if (!/^[0-9]{12}$/.test(region) || (town !== undefined && !/000$/.test(town))) {
        throw new UsageError(town !== undefined ? `--town 应为 12 位乡镇代码（后 3 位为 0），收到：${town}` : `--village 应为 12 位村代码，收到：${village}`);
      }
      return withRuntime(async (rt) => {
        const { printRegion } = await import('./cards/service.ts');
        const { bar } = await import('./shared/progress.ts');
        const { writeFileSync } = await import('node:fs');
        const started = Date.now();
        const r = await printRegion({ ...rt.deps, cards: rt.modules.cards }, idOpt(v.agreement, 'agreement'), region, (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\r打印中 ${bar(done / Math.max(total, 1))} ${done}/${total} 张  `);
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        writeFileSync(str(v.out)!, r.bytes);
        for (const h of r.skipped) console.error(`未能打印：户编号 ${h.householdNo}（${h.village}）：${h.message}`);
        console.log(`已打印 ${r.total} 张明白卡（${(r.bytes.byteLength / 1024 / 1024).toFixed(1)} MB，${((Date.now() - started) / 1000).toFixed(1)} 秒），已写入 ${str(v.out)}`);
      });
    },
  },
  'monitoring ledger': {
    usage: 'znb monitoring ledger --county 县级代码 --month YYYY-MM --out 台账.xlsx [--full-ids]',
    help: '导出县的村级防返贫监测台账（国家系统列序）；--full-ids 显示完整证件号码（留审计记录）。',
    options: {
      county: { type: 'string', required: true, help: '12位县级区划代码' },
      month: { type: 'string', required: true, help: '月份，例如 2026-06' },
      out: { type: 'string', required: true, help: '输出的 xlsx 文件' },
      'full-ids': { type: 'boolean', help: '完整证件号码' },
    },
    run: (v) => {
      const month = monthOpt(v.month);
      const county = countyOpt(v.county);
      return withRuntime(async (rt) => {
        const { ledgerXlsx } = await import('./monitoring/service.ts');
        const { writeFileSync } = await import('node:fs');
        const r = await ledgerXlsx(rt.deps, SYSTEM, county, month, { fullIds: v['full-ids'] === true });
        writeFileSync(str(v.out)!, r.bytes);
        console.log(`${month} 监测台账 ${r.rows} 行，已写入 ${str(v.out)}`);
      });
    },
  },
  'monitoring intake': {
    usage: 'znb monitoring intake FILE --county 县级代码 --department 部门简称 [--month YYYY-MM] [--json]',
    help: '导入行业部门的防返贫预警名单（xlsx/csv）：按身份证号码与名单比对，名单内的人生成预警，名单外的农村人口转村核实线索；同一名单重复导入不重复生成。部门简称：网信办、教委、民政局、人力社保局、住房城乡建委、水利局、农业农村委、卫生健康委、应急局、医保局、残联。',
    positionals: ['FILE'],
    options: {
      county: { type: 'string', required: true, help: '12位县级区划代码' },
      department: { type: 'string', required: true, help: '部门简称，例如 医保局' },
      month: { type: 'string', help: '名单月份，例如 2026-06（默认本月）' },
      json: { type: 'boolean', help: '在标准输出打印一个 JSON 结果' },
    },
    run: async (v, [file]) => {
      const county = countyOpt(v.county);
      const month = v.month === undefined ? undefined : monthOpt(v.month);
      const { DEPARTMENT_NAMES } = await import('./monitoring/departments.ts');
      const department = str(v.department) ?? '';
      if (!DEPARTMENT_NAMES.includes(department)) throw new UsageError(`--department 应为 ${DEPARTMENT_NAMES.join('、')} 之一，收到：${department}`);
      const { statSync } = await import('node:fs');
      try { if (!statSync(file!).isFile()) throw new Error('not a file'); } catch { throw new UsageError(`找不到文件：${file}`); }
      return withRuntime(async (rt) => {
        const { runIntakeCommand } = await import('./monitoring/cli.ts');
        return runIntakeCommand(rt.deps, { file: file!, countyCode: county, department, month, json: v.json === true });
      });
    },
  },
  'jobs run': {
    usage: 'znb jobs run',
    help: '立即执行一轮到期的定时任务（每个任务每个周期只执行一次，与服务实例共用记录）。',
    options: {},
    run: () => withRuntime(async (rt) => {
      const { runDueJobs } = await import('./jobs/runner.ts');
      const { JOBS } = await import('./jobs/schedule.ts');
      for (const o of await runDueJobs(rt.deps, JOBS)) console.log(`${o.name}  ${o.period}  ${o.status}`);
    }),
  },
  'pii rotate': {
    usage: 'znb pii rotate [--dry-run] [--batch 5000] [--json]',
    help: '轮换个人信息主密钥：PII_KEY 为新密钥、PII_KEYS_RETIRED 为旧密钥时，把全部加密字段改用新密钥重新加密，并重算证件号、银行账号的检索哈希。' +
      '须先停止服务并备份数据库和旧密钥；分批提交，中断后再次运行即从断点继续；完成退出码 0，失败 1。步骤见 docs/operations.md。',
    options: {
      'dry-run': { type: 'boolean', help: '只读取并逐条试解密，报告需要轮换的数量，不改动数据' },
      batch: { type: 'string', help: '每批（一个事务）的行数，默认 5000' },
      json: { type: 'boolean', help: '在标准输出打印一个 JSON 结果对象' },
    },
    run: (v) => {
      const batchText = str(v.batch) ?? '5000';
      if (!/^[0-9]+$/.test(batchText) || Number(batchText) < 1 || Number(batchText) > 100_000) {
        throw new UsageError(`--batch 应为 1 到 100000 之间的整数，收到：${batchText}`);
      }
      return withRuntime(async (rt) => {
        const { rotatePii } = await import('./ops/pii-rotation.ts');
        const r = await rotatePii(rt.deps, SYSTEM, {
          dryRun: v['dry-run'] === true, batchSize: Number(batchText),
          onBatch: (table, n) => { if (process.stderr.isTTY) process.stderr.write(`\r${table}：${n} 行  `); },
        });
        if (process.stderr.isTTY) process.stderr.write('\n');
        if (v.json) {
          console.log(JSON.stringify(r));
          return;
        }
        const rows = r.tables.map((t) => `${t.table} ${t.rotated}/${t.rows} 行`).join('，');
        console.log(`${r.dryRun ? '试运行（未改动数据）：需轮换' : '密钥轮换完成：已轮换'} ${rows}；` +
          `当前密钥 ${r.keyId}，旧密钥 ${r.retiredKeyIds.join('、') || '无'}；清理导入暂存 ${r.stagingRowsDeleted} 行、按证件号限流记录 ${r.rateLimitBucketsDeleted} 条；` +
          `${r.seconds} 秒（${r.rowsPerSecond} 行/秒）`);
      });
    },
  },
  'token revoke': {
    usage: 'znb token revoke --id 令牌id',
    help: '吊销一个访问令牌。',
    options: { id: { type: 'string', required: true, help: '令牌 id' } },
    run: (v) => withRuntime(async (rt) => {
      const t = await access.revokeToken(rt.deps, SYSTEM, idOpt(v.id, 'id'));
      console.log(`已吊销令牌 ${t.prefix}…  id=${t.id}`);
    }),
  },
  'credit import': {
    usage: 'znb credit import FILE --lender 银行机构id --kind repayments|balances --month YYYY-MM [--errors 错误.xlsx] [--json]',
    help: '导入银行报送的月度还款明细（repayments）或余额明细（balances）：逐行校验，有效行在一个事务中入账并更新逾期；同一文件重复导入不重复入账。',
    positionals: ['FILE'],
    options: {
      lender: { type: 'string', required: true, help: '放贷银行的机构 id' },
      kind: { type: 'string', required: true, help: 'repayments 还款明细 | balances 余额明细' },
      month: { type: 'string', required: true, help: '报送月份，例如 2026-10' },
      errors: { type: 'string', help: '把错误行写入此 xlsx 文件' },
      json: { type: 'boolean', help: '在标准输出打印一个 JSON 结果' },
    },
    run: (v, [file]) => {
      const month = monthOpt(v.month);
      const kind = str(v.kind) ?? '';
      if (kind !== 'repayments' && kind !== 'balances') throw new UsageError(`--kind 应为 repayments 或 balances，收到：${kind}`);
      const lender = idOpt(v.lender, 'lender');
      return withRuntime(async (rt) => {
        const { importFile, fileErrorReportOf } = await import('./credit/service.ts');
        const { createReadStream, statSync, writeFileSync } = await import('node:fs');
        const { basename } = await import('node:path');
        let size: number;
        try { size = statSync(file!).size; } catch { throw new UsageError(`找不到文件：${file}`); }
        const s = await importFile(rt.deps, SYSTEM, { kind, month, lenderOrgId: lender, fileName: basename(file!), fileSize: size },
          createReadStream(file!) as unknown as AsyncIterable<Uint8Array>);
        if (str(v.errors) && s.errorCount > 0) writeFileSync(str(v.errors)!, await fileErrorReportOf(rt.deps, s));
        if (v.json) console.log(JSON.stringify(s));
        else {
          console.log(`${s.duplicateOf ? '该文件已导入过，未重复入账。' : ''}${month} ${kind === 'repayments' ? '还款明细' : '余额明细'}：${s.rows} 行，入账 ${s.applied} 行，` +
            `未变化 ${s.unchanged} 行，错误 ${s.errorCount} 行，对账差异 ${s.reconciliationCount} 笔`);
        }
        return s.status === 'applied' ? 0 : 1;
      });
    },
  },
  'credit report': {
    usage: 'znb credit report --county 县级代码 --month YYYY-MM --out 月报.xlsx [--fresh]',
    help: '导出县的小额信贷月报（各金融机构新发放、余额、逾期、贴息、同比）；已生成的月报直接导出，--fresh 重新计算。',
    options: {
      county: { type: 'string', required: true, help: '12位县级区划代码' },
      month: { type: 'string', required: true, help: '月份，例如 2026-10（须已结束）' },
      out: { type: 'string', required: true, help: '输出的 xlsx 文件' },
      fresh: { type: 'boolean', help: '重新计算（替换已保存的月报）' },
    },
    run: (v) => {
      const month = monthOpt(v.month);
      const county = countyOpt(v.county);
      return withRuntime(async (rt) => {
        const { monthlyReportXlsx } = await import('./credit/service.ts');
        const { writeFileSync } = await import('node:fs');
        const r = await monthlyReportXlsx(rt.deps, null, { countyCode: county, month, fresh: v.fresh === true });
        writeFileSync(str(v.out)!, r.bytes);
        const t = r.report.total;
        console.log(`${month} 小额信贷月报：${r.report.rows.length} 家金融机构，月末贷款余额 ${formatYuan(t?.balanceFen ?? 0, { unit: true })}，` +
          `逾期率 ${formatBasisPoints(t?.overdueRateBp ?? 0)}，当月贴息 ${formatYuan(t?.subsidyFen ?? 0, { unit: true })}，已写入 ${str(v.out)}`);
      });
    },
  },
};

function overview(): string {
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.help}`);
  return `助农保服务命令行\n\n用法：\n${lines.join('\n')}\n\n每个命令都可加 --help。环境变量见 README.md。`;
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([k, o]) => `  --${k}${o.required ? '（必填）' : ''}  ${o.help}`);
  return `用法：${c.usage}\n${c.help}${opts.length ? `\n\n选项：\n${opts.join('\n')}` : ''}`;
}

export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = [words.slice(0, 2).join(' '), words[0] ?? ''].find((n) => n in COMMANDS);
  if (!name) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
    (wantsHelp ? console.log : console.error)(overview());
    return wantsHelp ? 0 : 2;
  }
  const cmd = COMMANDS[name]!;
  const rest = argv.slice(name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(cmd));
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest, strict: true, allowPositionals: Boolean(cmd.positionals?.length),
      options: Object.fromEntries(Object.entries(cmd.options).map(([k, o]) => [k, { type: o.type }])),
    });
    for (const [k, o] of Object.entries(cmd.options)) {
      if (o.required && values[k] === undefined) throw new UsageError(`缺少必填选项 --${k}`);
    }
    const wanted = cmd.positionals ?? [];
    if (positionals.length < wanted.length) throw new UsageError(`缺少参数 ${wanted.slice(positionals.length).join(' ')}`);
    if (positionals.length > wanted.length) throw new UsageError(`多余的参数：${positionals.slice(wanted.length).join(' ')}`);
    return (await cmd.run(values as Record<string, string | boolean | undefined>, positionals)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`${(e as Error).message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    if (isAppError(e)) {
      console.error(`错误 [${e.code}]：${e.message}`);
      return 1;
    }
    console.error(`失败：${(e as Error).message}`);
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== 0 || !process.argv.slice(2).includes('serve')) process.exitCode = code;
  });
}
