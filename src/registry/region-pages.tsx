// The regions page (地区): a county's towns and villages from the national division table, with the
// county's own additions and renames, and the forms to add or rename one. Components only.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import type { RegionEntry, RegionOrigin } from './service.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, SelectField } from '../web/forms.tsx';

type Town = RegionEntry & { villages: RegionEntry[] };
export interface RegionsView { county: RegionEntry | null; towns: Town[]; orphans: RegionEntry[]; dataset: string | null }

const ORIGIN: Record<RegionOrigin, string> = { national: '国家区划', local: '本地补充', renamed: '本地改名' };
const OriginBadge: FC<{ o: RegionOrigin }> = ({ o }) => <span class={o === 'national' ? 'badge' : 'badge ok'}>{ORIGIN[o]}</span>;

export const CountyPicker: FC<{ value?: string | undefined; error?: string | undefined }> = ({ value, error }) => (
  <section>
    <h2>选择县</h2>
    {error ? <div class="flash error" role="alert">{error}</div> : null}
    <form method="get" action="/app/regions" class="filters">
      <label>县级区划代码<input name="county" value={value ?? ''} required pattern="[0-9]{6}0{6}" inputmode="numeric" /></label>
      <button type="submit">查看</button>
    </form>
  </section>
);

export const TownList: FC<{ countyCode: string; v: RegionsView; town: string | undefined }> = ({ countyCode, v, town }) => (
  <section id="towns">
    <h2>{v.county?.name ?? countyCode} 的乡镇（{v.towns.length} 个）</h2>
    <p class="muted">
      {v.dataset ? `国家统计用区划代码（${v.dataset}）` : '本系统未接入国家区划表，只显示本县录入的地区'}，加上本县的补充和改名。
      名单只写名称时，按这里的名称匹配代码；改名后旧名称仍能匹配。
    </p>
    <div class="scroll">
      <table>
        <thead><tr><th>代码</th><th>名称</th><th>来源</th><th class="num">村（社区）</th><th>操作</th></tr></thead>
        <tbody>
          {v.towns.map((t) => (
            <tr>
              <td><code>{t.code}</code></td>
              <td>{t.name}{t.origin === 'renamed' ? <small>（原：{t.nationalName}）</small> : null}</td>
              <td><OriginBadge o={t.origin} /></td>
              <td class="num">{t.villages.length}</td>
              <td>{t.code === town ? <span class="badge ok">当前</span>
                : <a href={`/app/regions?county=${countyCode}&town=${t.code}#villages`} aria-label={`查看村：${t.name}`}>查看村</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {v.towns.length ? null : <p class="muted">还没有乡镇：请在下方“新增或改名”中录入。</p>}
  </section>
);

export const VillageList: FC<{ s: PageSession; countyCode: string; town: Town; writable: boolean }> = ({ s, countyCode, town, writable }) => (
  <section id="villages">
    <h2>{town.name} 的村（社区）</h2>
    <div class="scroll">
      <table>
        <thead><tr><th>代码</th><th>名称</th><th>国家区划名称</th><th>来源</th>{writable ? <th>改名</th> : null}</tr></thead>
        <tbody>
          {town.villages.map((x) => (
            <tr>
              <td><code>{x.code}</code></td>
              <td>{x.name}</td>
              <td>{x.nationalName ?? '—'}</td>
              <td><OriginBadge o={x.origin} /></td>
              {writable ? (
                <td>
                  <form method="post" action="/app/regions" class="filters">
                    <CsrfField s={s} />
                    <input type="hidden" name="code" value={x.code} />
                    <input type="hidden" name="county" value={countyCode} />
                    <input name="name" value={x.name} required maxlength={60} aria-label={`${x.name}的新名称`} />
                    <button type="submit" class="secondary">改名</button>
                  </form>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {town.villages.length ? null : <p class="muted">该乡镇下还没有村。</p>}
  </section>
);

export const RegionForm: FC<{ s: PageSession; countyCode: string; towns: Town[]; values?: { code?: string | undefined; name?: string | undefined; town?: string | undefined }; errors?: FieldErrors | undefined }> = ({ s, countyCode, towns, values, errors }) => (
  <section id="add">
    <h2>新增或改名</h2>
    <p class="muted">新增国家区划表中没有的村（如新设的社区），或更正乡镇、村的名称。代码为 12 位：前 6 位是县，其后 3 位乡镇、3 位村；乡镇的后 3 位为 000。</p>
    <ErrorSummary errors={errors} />
    <form method="post" action="/app/regions" class="stack">
      <CsrfField s={s} />
      <input type="hidden" name="county" value={countyCode} />
      {towns.length ? <SelectField label="所属乡镇（仅作参考，新村代码的前 9 位应与其一致）" name="town" value={values?.town}
        options={towns.map((t) => [t.code, `${t.name}（${t.code.slice(0, 9)}）`] as const)} /> : null}
      <Field label="地区代码" name="code" value={values?.code ?? `${countyCode.slice(0, 6)}`} required inputmode="numeric" hint="12 位数字" error={errors?.code} />
      <Field label="名称" name="name" value={values?.name} required hint="如：东风村、幸福社区" error={errors?.name} />
      <div class="actions"><button type="submit">保存</button></div>
    </form>
  </section>
);
