// GET /: a small Chinese landing page — households to their card look-up, staff to sign-in,
// developers to the API description. Public; no data.
import { route } from '../http/route.ts';
import { Bare } from './layout.tsx';

export const landingRoutes = [
  route({
    method: 'get', path: '/', tag: '运维', summary: '首页（农户查询、工作人员登录、接口文档的入口）', allow: 'public',
    handler: (c) => c.html(
      <Bare c={c} title="“助农保”服务">
        <h1>“助农保”兜底扶贫保险服务</h1>
        <p>县乡村振兴局、承保保险公司、村（社区）和合作银行共同使用的参保、理赔与防返贫监测服务。</p>
        <nav aria-label="入口">
          <ul class="landing">
            <li>
              <a href="/card"><b>农户查询明白卡</b></a>
              <span>输入姓名和身份证号，查看本户的保障范围、保障期间和理赔记录，或报案。</span>
            </li>
            <li>
              <a href="/login"><b>工作人员登录</b></a>
              <span>县乡村振兴局、保险公司、村（社区）、银行和联席会议成员使用账号和密码登录工作台。</span>
            </li>
            <li>
              <a href="/docs"><b>接口文档</b></a>
              <span>供系统对接的开发人员查阅（OpenAPI）。</span>
            </li>
          </ul>
        </nav>
      </Bare>,
      200, { 'cache-control': 'public, max-age=300' },
    ),
  }),
];
