// The HTML document every server-rendered page shares: Chinese, mobile viewport, not indexed, no
// favicon request, the page's own CSS inserted raw (hono/jsx would escape the quotes in font names).
import type { FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';

export const Document: FC<PropsWithChildren<{ title: string; css: string }>> = ({ title, css, children }) => (
  <>
    {raw('<!DOCTYPE html>')}
    <html lang="zh-CN">
      <head>
        <link rel="icon" href="data:," />
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{title}</title>
        <style>{raw(css)}</style>
      </head>
      <body>{children}</body>
    </html>
  </>
);
