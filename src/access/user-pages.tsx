// The users page (用户): the organisation's users with their roles and scopes, creating a user (with a
// one-time password), password reset, disable and enable. Components only; routes in page-routes.tsx.
import type { FC } from 'hono/jsx';
import type { PageSession } from '../shared/session.ts';
import { ORG_KIND_NAMES, type OrgKind } from '../shared/roles.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, SelectField } from '../web/forms.tsx';
import { dateTime } from '../web/format.ts';

export interface UserItem {
  id: string; username: string; displayName: string; role: string; regionCode: string; disabled: boolean; createdAt: Date;
  orgId: string; orgName: string; orgKind: string; mustChangePassword: boolean; hasPassword: boolean; manageable: boolean;
}
export interface OrgOption { id: string; name: string; kind: string; regionCode: string }
/** A one-time password just set, shown once to the manager who hands it over. */
export interface Issued { username: string; password: string; created: boolean }

const roleName = (r: string) => ORG_KIND_NAMES[r as OrgKind] ?? r;

export const IssuedPassword: FC<{ issued: Issued }> = ({ issued }) => (
  <div class="flash ok" role="status" id="one-time">
    {issued.created ? `用户 ${issued.username} 已创建。` : `用户 ${issued.username} 的密码已重置，其所有登录已结束。`}
    一次性密码只显示这一次，请当面或通过可靠渠道交给本人；首次登录时须修改：<br />
    <code id="one-time-password">{issued.password}</code>
  </div>
);

export const UserList: FC<{ s: PageSession; items: UserItem[]; total: number; page: number; pageSize: number }> = ({ s, items, total, page, pageSize }) => (
  <section id="users">
    <h2>用户（共 {total} 个）</h2>
    <div class="scroll">
      <table>
        <thead><tr><th>用户名</th><th>姓名</th><th>机构</th><th>角色</th><th>管辖地区</th><th>状态</th><th>创建时间</th><th>操作</th></tr></thead>
        <tbody>
          {items.map((u) => (
            <tr id={`user-${u.id}`}>
              <td><code>{u.username}</code></td>
              <td>{u.displayName}</td>
              <td>{u.orgName}</td>
              <td>{roleName(u.role)}</td>
              <td>{u.regionCode}</td>
              <td>
                {u.disabled ? <span class="badge due">已停用</span> : <span class="badge ok">正常</span>}
                {!u.hasPassword ? <> <span class="badge">未设密码</span></> : u.mustChangePassword ? <> <span class="badge">待改密码</span></> : null}
              </td>
              <td>{dateTime(u.createdAt)}</td>
              <td>{u.manageable && u.id !== s.actor.userId ? (
                <div class="actions tight">
                  <form method="post" action={`/app/users/${u.id}/password`} class="inline">
                    <CsrfField s={s} /><button type="submit" class="secondary" aria-label={`重置密码：${u.username}`}>重置密码</button>
                  </form>
                  <form method="post" action={`/app/users/${u.id}/${u.disabled ? 'enable' : 'disable'}`} class="inline">
                    <CsrfField s={s} /><button type="submit" class="secondary" aria-label={`${u.disabled ? '启用' : '停用'}：${u.username}`}>{u.disabled ? '启用' : '停用'}</button>
                  </form>
                </div>
              ) : u.id === s.actor.userId ? <a href="/app/account">我的账户</a> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    {total > pageSize ? (
      <p class="actions">
        {page > 1 ? <a href={`/app/users?page=${page - 1}`}>上一页</a> : null}
        <span class="muted">第 {page} 页</span>
        {page * pageSize < total ? <a href={`/app/users?page=${page + 1}`}>下一页</a> : null}
      </p>
    ) : null}
    <p class="muted">停用的用户不能登录，其所有登录随即结束、访问令牌全部吊销；再次启用后须重新签发令牌。</p>
  </section>
);

export interface NewUserValues { orgId?: string | undefined; username?: string | undefined; displayName?: string | undefined; regionCode?: string | undefined }

export const NewUserForm: FC<{ s: PageSession; orgs: OrgOption[]; values?: NewUserValues; errors?: FieldErrors | undefined; message?: string | undefined }> = ({ s, orgs, values, errors, message }) => (
  <section id="new-user">
    <h2>新建用户</h2>
    <p class="muted">用户的角色由所属机构决定；管辖地区须在机构的地区之内（县级为县代码，乡镇、村级为其代码）。创建后显示一次性密码。</p>
    <ErrorSummary errors={errors} message={message} />
    <form method="post" action="/app/users" class="stack">
      <CsrfField s={s} />
      {orgs.length > 1 ? (
        <SelectField label="所属机构" name="orgId" value={values?.orgId} error={errors?.orgId}
          options={orgs.map((o) => [o.id, `${o.name}（${roleName(o.kind)}，${o.regionCode}）`] as const)} />
      ) : <input type="hidden" name="orgId" value={orgs[0]?.id ?? ''} />}
      <Field label="用户名" name="username" value={values?.username} required hint="3–40 位字母、数字或 _ . -" error={errors?.username} autocomplete="off" />
      <Field label="姓名" name="displayName" value={values?.displayName} required error={errors?.displayName} autocomplete="off" />
      <Field label="管辖地区代码" name="regionCode" value={values?.regionCode ?? (orgs.length === 1 ? orgs[0]!.regionCode : '')} required
        inputmode="numeric" hint="12 位数字" error={errors?.regionCode} />
      <div class="actions"><button type="submit">创建用户</button></div>
    </form>
  </section>
);
