// The cards' workbench pages: print batches by town or village with progress and the PDF, and the
// warnings before printing (no hotline, villages without a contact, QR codes that would point here).
import type { FC } from 'hono/jsx';
import type { PageSession } from '../access/sessions.ts';
import { CsrfField } from '../web/forms.tsx';
import { count, dateTime } from '../web/format.ts';
import type { publicBatch } from './service.ts';
import type { CardWarning } from './warnings.ts';

type Batch = ReturnType<typeof publicBatch>;
export interface PrintableAgreement { id: string; agreementNo: string; countyCode: string; statusName: string }
export interface Region { code: string; name: string }

/** What the cards would lack, each with the villages it names (a village contact's). */
export const CardWarnings: FC<{ warnings: CardWarning[]; heading?: string }> = ({ warnings, heading }) => warnings.length ? (
  <div class="flash warn" role="status" id="card-warnings">
    {heading ?? '打印前请注意：'}
    <ul>{warnings.map((w) => (
      <li data-warning={w.key}>{w.text}{w.villages?.length
        ? `：${w.villages.map((v) => v.name).join('、')}${w.count > w.villages.length ? ` 等 ${count(w.count)} 个村` : ''}`
        : ''}</li>
    ))}</ul>
  </div>
) : null;

export const PrintForm: FC<{ s: PageSession; agreements: PrintableAgreement[]; regions: Region[]; error?: string | undefined }> = ({ s, agreements, regions, error }) => (
  <section id="print">
    <h2>打印明白卡</h2>
    {error ? <div class="flash error" role="alert">{error}</div> : null}
    {agreements.length ? (
      <form method="post" action="/app/cards/batches" class="stack">
        <CsrfField s={s} />
        <label for="f-agreementId">协议</label>
        <select id="f-agreementId" name="agreementId">{agreements.map((a) => <option value={a.id}>{a.agreementNo}（{a.statusName}）</option>)}</select>
        <label for="f-regionCode">乡镇或村<span class="hint">按乡镇或村分批打印；也可直接填 12 位代码</span></label>
        <input id="f-regionCode" name="regionCode" list="regions" required pattern="[0-9]{12}" inputmode="numeric" />
        <datalist id="regions">{regions.map((r) => <option value={r.code}>{r.name}</option>)}</datalist>
        <div class="actions"><button type="submit">开始打印</button></div>
      </form>
    ) : <p class="muted">没有已签订的协议，暂不能打印。</p>}
  </section>
);

const STATUS: Record<string, string> = { queued: '排队中', running: '生成中', done: '已完成', failed: '失败' };

export const BatchProgress: FC<{ b: Batch }> = ({ b }) => {
  const running = b.status === 'queued' || b.status === 'running';
  return (
    <section id="batch" hx-get={running ? `/app/cards/batches/${b.id}` : undefined} hx-trigger={running ? 'every 1s' : undefined} hx-select="#batch" hx-swap="outerHTML" aria-live="polite">
      <h2>{b.fileName}</h2>
      <p>状态：{STATUS[b.status] ?? b.status} · 已生成 {count(b.done)} / {count(b.total)} 户</p>
      <progress max={Math.max(1, b.total)} value={b.done} aria-label="打印进度">{b.done}/{b.total}</progress>
      {b.status === 'done' ? <p class="actions"><a class="button" href={`/app/cards/batches/${b.id}/file`}>下载 PDF</a> <span class="muted">完成于 {dateTime(b.finishedAt)}</span></p> : null}
      {b.skipped.length ? (
        <div class="flash warn" role="status">
          <p>以下 {b.skipped.length} 户的明白卡无法生成，未包含在 PDF 中，请核对后单独打印：</p>
          <ul>{b.skipped.map((h) => <li>户编号 {h.householdNo}（{h.village}）：{h.message}</li>)}</ul>
        </div>
      ) : null}
      {b.status === 'failed' ? <div class="flash error" role="alert">生成失败：{b.error ?? '原因未知'}</div> : null}
    </section>
  );
};
