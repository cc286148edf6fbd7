// /docs: a self-contained viewer of the OpenAPI document (works offline, no CDN).
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { ORG_KIND_NAMES, type OrgKind } from '../shared/roles.ts';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document as parsed JSON, walked by shape
type Json = Record<string, any>;

const METHOD_COLOURS: Record<string, string> = {
  get: '#2563eb', post: '#16a34a', put: '#d97706', patch: '#d97706', delete: '#dc2626',
};

function allowText(allow: unknown): string {
  if (allow === 'public') return '公开';
  if (allow === 'authenticated') return '任何已登录用户';
  return Array.isArray(allow) ? allow.map((r) => ORG_KIND_NAMES[r as OrgKind] ?? r).join('、') : String(allow);
}

/** A schema's type as a reader says it: 文件, 文本 (with its choices or pattern), 日期… */
function typeText(schema: Json): string {
  if (schema.format === 'binary') return '文件';
  if (Array.isArray(schema.enum)) return `文本，取值：${schema.enum.join(' / ')}`;
  if (schema.format === 'date') return '日期 YYYY-MM-DD';
  if (schema.format === 'uuid') return '编号（UUID）';
  if (typeof schema.pattern === 'string') return `文本，格式 ${schema.pattern}`;
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map((s: Json) => typeText(s)).join(' 或 ');
  return schema.type === 'boolean' ? '是/否（true/false）' : '文本';
}

/** The parts of a multipart upload, one row each: name, type, required, what it is. */
const FormFields: FC<{ schema: Json }> = ({ schema }) => {
  const required = new Set<string>(schema.required ?? []);
  return (
    <table class="fields">
      <thead><tr><th>字段</th><th>类型</th><th>必填</th><th>说明</th></tr></thead>
      <tbody>
        {Object.entries((schema.properties ?? {}) as Record<string, Json>).map(([name, p]) => (
          <tr><td><code>{name}</code></td><td>{typeText(p)}</td><td>{required.has(name) ? '是' : '否'}</td><td>{p.description ?? ''}</td></tr>
        ))}
      </tbody>
    </table>
  );
};

export const DocsPage: FC<{ doc: Json }> = ({ doc }) => {
  const ops: Array<{ method: string; path: string; op: Json }> = [];
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(methods)) ops.push({ method, path, op: op as Json });
  }
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? '其他'))];
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} · 接口文档</title>
        <style>{raw(`
          body{font-family:system-ui,"Noto Sans SC","Microsoft YaHei",sans-serif;margin:0;background:#f8fafc;color:#0f172a}
          header{background:#14532d;color:#fff;padding:16px 24px} main{max-width:1100px;margin:0 auto;padding:16px 24px}
          details{background:#fff;border:1px solid #e2e8f0;border-radius:6px;margin:6px 0}
          summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center}
          .m{color:#fff;border-radius:4px;padding:2px 8px;font:600 12px monospace;min-width:52px;text-align:center}
          code{font-family:ui-monospace,monospace} pre{background:#f1f5f9;padding:8px;overflow:auto;font-size:12px}
          .body{padding:0 12px 12px} .allow{color:#475569;font-size:13px;margin-left:auto}
          table.fields{border-collapse:collapse;font-size:13px} .fields th,.fields td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
        `)}</style>
      </head>
      <body>
        <header>
          <h1 style="margin:0;font-size:20px">{doc.info.title} 接口文档</h1>
          <div>版本 {doc.info.version} · 机器可读文档：<a style="color:#bbf7d0" href="/openapi.json">/openapi.json</a> · 认证：请求头 <code>Authorization: Bearer &lt;令牌&gt;</code></div>
        </header>
        <main>
          {tags.map((tag) => (
            <section>
              <h2>{tag}</h2>
              {ops.filter((o) => (o.op.tags?.[0] ?? '其他') === tag).map(({ method, path, op }) => (
                <details>
                  <summary>
                    <span class="m" style={`background:${METHOD_COLOURS[method] ?? '#64748b'}`}>{method.toUpperCase()}</span>
                    <code>{path}</code><span>{op.summary}</span>
                    <span class="allow">{allowText(op['x-allow'])}</span>
                  </summary>
                  <div class="body">
                    {op.parameters?.length ? (<><h4>参数</h4><pre>{JSON.stringify(op.parameters, null, 2)}</pre></>) : null}
                    {op.requestBody?.content?.['multipart/form-data']?.schema ? (
                      <><h4>上传表单（multipart/form-data）</h4><p>{op.requestBody.description}</p>
                        <FormFields schema={op.requestBody.content['multipart/form-data'].schema} /></>
                    ) : op.requestBody ? (<><h4>请求内容</h4><pre>{JSON.stringify(op.requestBody, null, 2)}</pre></>) : null}
                    <h4>响应</h4><pre>{JSON.stringify(op.responses, null, 2)}</pre>
                  </div>
                </details>
              ))}
            </section>
          ))}
        </main>
      </body>
    </html>
  );
};

export const docsPage = (doc: Json) => <DocsPage doc={doc} />;
