// The registry's workbench pages: household-list imports (upload, dry-run preview, live progress, the
// result with its errors and changes, history) and the household search (the household page is workbench/household-page.tsx).
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import type { publicImport } from './service.ts';
import { CSRF_FIELD } from '../web/session.ts';
import { count, dateTime } from '../web/format.ts';
import { scrollable } from '../web/layout.tsx';

type Import = ReturnType<typeof publicImport>;

const STATUS_NAMES: Record<string, string> = { queued: '排队中', running: '导入中', done: '已完成', failed: '失败' };
const PHASE_NAMES: Record<string, string> = { read: '读取与校验', checks: '核对', households: '整理户', counts: '统计', merge: '合并入库', done: '完成' };
const EXCLUSION_NAMES: Record<string, string> = {
  EXCLUDED_STABLY_LIFTED: '稳定脱贫户', EXCLUDED_CENTRALLY_SUPPORTED: '集中供养五保户', EXCLUDED_NOT_REGISTERED: '非建档立卡户或监测对象',
  EXCLUDED_RISK_ELIMINATED: '监测对象风险已消除', EXCLUDED_TYPE_NOT_COVERED: '户类型不在保障范围',
};
const CHANGE_NAMES: Record<string, string> = { added: '新增', updated: '变更', delisted: '移出', relisted: '重新纳入', moved_in: '迁入' };

export const UploadForm: FC<{ s: PageSession; countyCode: string | null; error?: string | undefined }> = ({ s, countyCode, error }) => (
  <section id="upload">
    <h2>上传名单</h2>
    <p class="muted">支持全国防返贫监测信息系统导出的 xlsx 或 csv 文件。建议先“仅预检”：核对人数、排除原因和错误，确认无误后再正式导入。</p>
    {error ? <div class="flash error" role="alert">{error}</div> : null}
    <form method="post" action={`/app/registry/imports?${CSRF_FIELD}=${encodeURIComponent(s.csrfToken)}`} enctype="multipart/form-data" class="stack">
      <label for="f-file">名单文件（xlsx 或 csv）</label>
      <input id="f-file" name="file" type="file" accept=".xlsx,.csv" required />
      <label for="f-countyCode">县级区划代码<span class="hint">12 位，后 6 位为 0</span></label>
      <input id="f-countyCode" name="countyCode" value={countyCode ?? ''} required pattern="[0-9]{6}0{6}" inputmode="numeric" />
      <label for="f-listDate">名单日期<span class="hint">名单导出的日期；空则为今天</span></label>
      <input id="f-listDate" name="listDate" type="date" />
      <label><input type="checkbox" name="dryRun" value="true" checked /> 仅预检（不导入任何数据）</label>
      <div class="actions"><button type="submit">上传</button></div>
    </form>
  </section>
);

export const ImportHistory: FC<{ items: Import[] }> = ({ items }) => (
  <section id="history">
    <h2>导入记录</h2>
    <div {...scrollable('导入记录')}>
      <table>
        <thead><tr><th>上传时间</th><th>文件</th><th>方式</th><th>状态</th><th class="num">行数</th><th class="num">被拒</th><th class="num">新增户</th><th class="num">移出</th></tr></thead>
        <tbody>
          {items.map((i) => (
            <tr>
              <td>{dateTime(i.createdAt)}</td>
              <td><a href={`/app/registry/imports/${i.id}`}>{i.fileName}</a></td>
              <td>{i.dryRun ? '预检' : '导入'}</td>
              <td>{STATUS_NAMES[i.status] ?? i.status}</td>
              <td class="num">{count(i.summary?.rows)}</td>
              <td class="num">{count(i.summary?.rejected)}</td>
              <td class="num">{count(i.summary?.householdChanges.added)}</td>
              <td class="num">{count(i.summary?.householdChanges.delisted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {items.length ? null : <p class="muted">还没有导入记录。</p>}
  </section>
);

/** The part that htmx polls while the import runs (it stops polling once done or failed). */
export const ImportProgress: FC<{ i: Import }> = ({ i }) => {
  const running = i.status === 'queued' || i.status === 'running';
  return (
    <section id="progress" hx-get={running ? `/app/registry/imports/${i.id}` : undefined} hx-trigger={running ? 'every 1s' : undefined}
      hx-select="#progress" hx-swap="outerHTML" aria-live="polite">
      <h2>进度</h2>
      <div class="figs">
        <div class="fig"><span>状态</span><b>{STATUS_NAMES[i.status] ?? i.status}</b></div>
        <div class="fig"><span>阶段</span><b>{i.phase ? PHASE_NAMES[i.phase] ?? i.phase : '—'}</b></div>
        <div class="fig"><span>已读行数</span><b>{count(i.progress.rowsRead)}</b></div>
        <div class="fig"><span>速度（行/秒）</span><b>{count(i.progress.rowsPerSecond)}</b></div>
      </div>
      {running ? <p class="muted">导入进行中，本页自动刷新。</p> : null}
      {i.status === 'failed' ? <div class="flash error" role="alert">导入失败：{i.error ?? '原因未知'}；名单未作任何改动。</div> : null}
      {i.status === 'done' && !running ? <p><a href={`/app/registry/imports/${i.id}`}>查看结果</a></p> : null}
    </section>
  );
};

export interface ImportError { row: number; column: string | null; code: string; message: string }
export interface ImportChange { entity: string; entityId: string; change: string; onDate: string }

export const ImportResult: FC<{ s: PageSession; i: Import; errors: ImportError[]; errorTotal: number; changes: ImportChange[]; changeTotal: number; countyCode: string }> = ({ s, i, errors, errorTotal, changes, changeTotal, countyCode }) => {
  const sum = i.summary;
  if (!sum) return null;
  const excluded = Object.entries(sum.excludedByReason);
  return (
    <>
      <section id="result">
        <h2>{i.dryRun ? '预检结果（未导入）' : '导入结果'}</h2>
        <div class="figs">
          <div class="fig"><span>文件行数</span><b>{count(sum.rows)}</b></div>
          <div class="fig"><span>有效行</span><b>{count(sum.accepted)}</b></div>
          <div class="fig"><span>被拒绝的行</span><b>{count(sum.rejected)}</b></div>
          <div class="fig"><span>户数</span><b>{count(sum.households)}</b></div>
          <div class="fig"><span>人数</span><b>{count(sum.persons)}</b></div>
          <div class="fig"><span>符合参保条件的户</span><b>{count(sum.eligibleHouseholds)}</b></div>
          <div class="fig"><span>不符合的户</span><b>{count(sum.ineligibleHouseholds)}</b></div>
        </div>
        {excluded.length ? (
          <>
            <h3>排除原因</h3>
            <table><thead><tr><th>原因</th><th class="num">人数</th></tr></thead>
              <tbody>{excluded.map(([code, n]) => <tr><td>{EXCLUSION_NAMES[code] ?? code}</td><td class="num">{count(n)}</td></tr>)}</tbody></table>
          </>
        ) : null}
        <h3>户的变动</h3>
        <p>新增 {count(sum.householdChanges.added)} · 重新纳入 {count(sum.householdChanges.relisted)} · 变更 {count(sum.householdChanges.updated)} · 移出 {count(sum.householdChanges.delisted)} · 未变 {count(sum.householdChanges.unchanged)}</p>
        {sum.unknownColumns.length ? <div class="flash warn" role="status">未识别的列（已忽略）：{sum.unknownColumns.join('、')}</div> : null}
        {i.dryRun && sum.rejected === 0 ? (
          <div class="flash ok" role="status">预检通过。要正式导入，请再次选择同一文件、取消“仅预检”后上传。</div>
        ) : null}
      </section>
      {errorTotal ? (
        <section id="errors">
          <h2>错误（共 {count(errorTotal)} 条，先列出前 {errors.length} 条）</h2>
          {i.errorsPurgedAt ? <p class="muted">错误明细已按保存期限删除。</p> : <p><a class="button secondary" href={`/app/registry/imports/${i.id}/errors.xlsx`}>下载错误报告（Excel）</a></p>}
          <div {...scrollable('被拒的行')}>
            <table>
              <thead><tr><th class="num">行号</th><th>列</th><th>问题</th></tr></thead>
              <tbody>{errors.map((e) => <tr><td class="num">{e.row}</td><td>{e.column ?? '—'}</td><td>{e.message}</td></tr>)}</tbody>
            </table>
          </div>
        </section>
      ) : null}
      {changeTotal ? (
        <section id="changes">
          <h2>变动明细（共 {count(changeTotal)} 条，列出前 {changes.length} 条）</h2>
          <table>
            <thead><tr><th>对象</th><th>变动</th><th>日期</th></tr></thead>
            <tbody>{changes.map((ch) => (
              <tr>
                <td>{ch.entity === 'household' ? <a href={`/app/registry/households/${ch.entityId}`}>户</a> : '人员'}</td>
                <td>{CHANGE_NAMES[ch.change] ?? ch.change}</td><td>{ch.onDate}</td>
              </tr>
            ))}</tbody>
          </table>
        </section>
      ) : null}
      {i.dryRun ? <UploadForm s={s} countyCode={countyCode} /> : null}
    </>
  );
};

type HouseholdResults = Awaited<ReturnType<typeof import('./service.ts').searchHouseholdsByCursor>>;

const TYPE_NAMES: Record<string, string> = { lifted: '脱贫户', poor: '未脱贫户', monitoring: '监测户', ordinary: '一般农户' };

export interface HouseholdFilter { name?: string | undefined; householdNo?: string | undefined; idNumber?: string | undefined; regionCode?: string | undefined; eligible?: string | undefined; monitoringCategory?: string | undefined }

const withCursor = (query: string, cursor: string) => `${query ? `${query}&` : ''}cursor=${encodeURIComponent(cursor)}`;

export const HouseholdSearch: FC<{ f: HouseholdFilter; r: HouseholdResults; query: string; villages: ReadonlyMap<string, string> }> = ({
  f, r, query, villages,
}) => (
  <>
    <section>
      <form method="get" action="/app/registry/households" class="filters" hx-get="/app/registry/households" hx-select="#results" hx-target="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit">
        <label>户主或成员姓名<input name="name" value={f.name ?? ''} maxlength={30} /></label>
        <label>证件号码<input name="idNumber" value={f.idNumber ?? ''} maxlength={30} inputmode="text" /></label>
        <label>户编号<input name="householdNo" value={f.householdNo ?? ''} maxlength={40} /></label>
        <label>地区代码（12 位）<input name="regionCode" value={f.regionCode ?? ''} pattern="[0-9]{12}" inputmode="numeric" /></label>
        <label>参保资格
          <select name="eligible">
            <option value="" selected={!f.eligible}>全部</option>
            <option value="true" selected={f.eligible === 'true'}>符合</option>
            <option value="false" selected={f.eligible === 'false'}>不符合</option>
          </select>
        </label>
        <label>监测类别
          <select name="monitoringCategory">
            <option value="" selected={!f.monitoringCategory}>全部</option>
            <option value="unstable" selected={f.monitoringCategory === 'unstable'}>脱贫不稳定户</option>
            <option value="marginal" selected={f.monitoringCategory === 'marginal'}>边缘易致贫户</option>
            <option value="sudden" selected={f.monitoringCategory === 'sudden'}>突发严重困难户</option>
          </select>
        </label>
        <button type="submit">查询</button>
      </form>
    </section>
    <section id="results">
      <h2>{r.totalCapped ? `超过 ${count(r.total)} 户` : `共 ${count(r.total)} 户`}</h2>
      <div {...scrollable('农户')}>
        <table>
          <thead><tr><th>户主</th><th>户编号</th><th>村</th><th>户类型</th><th class="num">人数</th><th>参保资格</th><th>状态</th></tr></thead>
          <tbody>{r.items.map((h) => (
            <tr>
              <td><a href={`/app/registry/households/${h.id}`}>{h.headName}</a></td>
              <td>{h.householdNo ?? '—'}</td><td>{villages.get(h.villageCode) ?? h.villageCode}{villages.has(h.villageCode) ? <span class="muted"> {h.villageCode}</span> : null}</td><td>{h.householdType ? TYPE_NAMES[h.householdType] ?? h.householdType : '—'}</td>
              <td class="num">{count(h.memberCount)}</td><td>{h.eligible ? '符合' : '不符合'}</td><td>{h.status === 'active' ? '在册' : '已移出'}</td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      <nav class="actions" aria-label="翻页">
        {r.prevCursor ? <a class="button secondary" href={`/app/registry/households?${query}`}>第一页</a> : null}
        {r.prevCursor ? <a class="button secondary" rel="prev" href={`/app/registry/households?${withCursor(query, r.prevCursor)}`}>上一页</a> : null}
        <span class="muted">每页 {r.pageSize} 户，按村、户编号排列</span>
        {r.nextCursor ? <a class="button secondary" rel="next" href={`/app/registry/households?${withCursor(query, r.nextCursor)}`}>下一页</a> : null}
      </nav>
    </section>
  </>
);
