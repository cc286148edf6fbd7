// The workbench home (/app): what is waiting for the signed-in user, each item a link to where it is done.
import type { FC } from 'hono/jsx';
import { route } from '../http/route.ts';
import { page } from '../web/page.tsx';
import { pageSession } from '../web/session.ts';
import { navFor } from '../web/nav.ts';
import { count } from '../web/format.ts';
import { countyTodo, type TodoItem } from './service.ts';

const TAG = '工作台';

const TodoList: FC<{ items: TodoItem[] }> = ({ items }) => (
  <section id="todo">
    <h2>待办事项</h2>
    {items.length ? (
      <ul class="todo">
        {items.map((i) => (
          <li data-key={i.key}>
            <a href={i.href}>{i.text}</a>
            <span class={`badge${i.urgent ? ' due' : ''}`}>{count(i.count)}</span>
          </li>
        ))}
      </ul>
    ) : <p class="muted">目前没有待办事项。</p>}
  </section>
);

export const workbenchPages = [
  route({
    method: 'get', path: '/app', tag: TAG, summary: '工作台首页：待办事项', allow: 'authenticated',
    handler: async (c) => {
      const s = pageSession(c);
      const links = navFor(s.actor.role).filter((n) => n.href !== '/app');
      const todo = s.actor.role === 'county_office' || s.actor.role === 'admin' ? await countyTodo(c.var.deps, s.actor) : null;
      return page(c, s, '首页', (
        <>
          {todo ? <TodoList items={todo} /> : null}
          <section>
            <h2>常用功能</h2>
            <ul>{links.map((n) => <li><a href={n.href}>{n.label}</a></li>)}</ul>
          </section>
        </>
      ));
    },
  }),
];
