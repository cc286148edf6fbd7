// What the field app sends to the phone besides its pages: the stylesheet, one small ES module (the
// offline outbox and the page side of the cache), the service worker, the manifest and the icons.
// Hand-written and served as text, with no build step (docs/modules/field.md says why); asset URLs
// carry a digest of their text so that they can be cached as immutable.
import { sha256Hex } from '../shared/pii.ts';
import { ICON_192_PNG, ICON_512_PNG, ICON_SVG } from './icons.ts';
import { PHOTO_MAX_BYTES, PHOTO_MAX_COUNT, photoType } from '../monitoring/service.ts';
import { outboxStep } from './rules.ts';

export const FIELD_CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:16px;line-height:1.5;color:#1b1f1c;background:#f4f6f4}
header{position:sticky;top:0;z-index:2;display:flex;align-items:center;gap:8px;padding:10px 12px;background:#1f6f43;color:#fff}
header a{color:#fff}
header .home{font-weight:700;text-decoration:none;flex:1}
.net{font-size:13px;padding:2px 8px;border-radius:10px;background:#e9f5ec;color:#14482c}
.net.off{background:#fde7c3;color:#5b3a00}
.badge{display:inline-block;min-width:22px;padding:0 6px;border-radius:11px;background:#f2c14e;color:#1b1f1c;text-align:center;font-weight:700}
main{padding:12px;max-width:640px;margin:0 auto}
h1{font-size:20px;margin:4px 0 12px}
h2{font-size:17px;margin:18px 0 8px}
section.card{background:#fff;border-radius:10px;padding:12px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
ul.items{list-style:none;margin:0;padding:0}
ul.items li{border-bottom:1px solid #e3e8e4;padding:10px 0}
ul.items li:last-child{border-bottom:0}
ul.items a{color:#14482c;font-weight:600}
.muted{color:#4d5750;font-size:14px}
.tag{display:inline-block;font-size:12px;padding:0 6px;border-radius:8px;background:#e3e8e4;margin-right:4px}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 4px;border-bottom:1px solid #e3e8e4;vertical-align:top}
label{display:block;margin:10px 0 4px;font-weight:600}
label.inline{display:flex;align-items:center;gap:8px;font-weight:400;margin:6px 0}
input,select,textarea{font:inherit;width:100%;padding:10px;border:1px solid #88948c;border-radius:8px;background:#fff}
input[type=checkbox],input[type=radio]{width:24px;height:24px;margin:0}
fieldset{border:1px solid #c9d2cc;border-radius:8px;margin:10px 0;padding:8px 10px}
legend{font-weight:600;padding:0 4px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:0 10px}
button{font:inherit;padding:12px 16px;border-radius:8px;border:0;background:#1f6f43;color:#fff;font-weight:700;min-height:48px;width:100%;margin-top:12px}
button.plain{background:#e3e8e4;color:#1b1f1c;width:auto;min-height:40px;padding:6px 12px;margin:6px 0 0}
.saved{background:#e9f5ec;border-left:4px solid #1f6f43;padding:8px;margin:8px 0}
.problem{border-left:4px solid #a8322d;padding-left:8px}
.form-error{color:#8a1f1a;font-weight:600;margin:8px 0}
input[type=file]{padding:8px}
footer{padding:12px;max-width:640px;margin:0 auto 40px}
footer button{background:#5b6660}
`;

/** The page side: register the service worker, keep forms in IndexedDB and send them when online. */
export const FIELD_APP_JS = `// 助农保村级工作台 (docs/modules/field.md): the outbox and the page side of the offline cache.
const outboxStep = ${outboxStep.toString()};
const photoType = ${photoType.toString()};
const PHOTO_MAX_BYTES = ${PHOTO_MAX_BYTES};
const PHOTO_MAX_COUNT = ${PHOTO_MAX_COUNT};
const DB = 'znb-field';
const PAGES = 'znb-field-pages';
const USER = document.body.dataset.user;
let dbp = null;

function openDb() {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('outbox', { keyPath: 'key' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}
async function run(mode, fn) {
  dbp = dbp || openDb();
  const db = await dbp;
  return new Promise((resolve, reject) => {
    const t = db.transaction('outbox', mode);
    const req = fn(t.objectStore('outbox'));
    t.oncomplete = () => resolve(req.result);
    t.onerror = () => reject(t.error);
  });
}
const all = () => run('readonly', (s) => s.getAll());
const put = (item) => run('readwrite', (s) => s.put(item));
const drop = (key) => run('readwrite', (s) => s.delete(key));

/** A problem with what the user filled in, shown on the form (nothing is kept). */
class FormError extends Error {}

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A camera photo redrawn at most 1600 px on its long side as JPEG, or null when the browser cannot. */
async function shrink(file) {
  try {
    const bmp = await createImageBitmap(file);
    const k = Math.min(1, 1600 / Math.max(bmp.width, bmp.height));
    const c = document.createElement('canvas');
    c.width = Math.max(1, Math.round(bmp.width * k));
    c.height = Math.max(1, Math.round(bmp.height * k));
    c.getContext('2d').drawImage(bmp, 0, 0, c.width, c.height);
    const blob = await new Promise((resolve) => c.toBlob(resolve, 'image/jpeg', 0.8));
    return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
  } catch (e) {
    return null;
  }
}

/** The chosen photos, checked by their first bytes and shrunk when over the cap; a FormError says what is wrong. */
async function photos(input) {
  const files = [...input.files];
  if (files.length > PHOTO_MAX_COUNT) throw new FormError('照片至多 ' + PHOTO_MAX_COUNT + ' 张，已选 ' + files.length + ' 张');
  const out = [];
  for (const f of files) {
    let bytes = new Uint8Array(await f.arrayBuffer());
    let type = photoType(bytes);
    if (!type) throw new FormError('“' + f.name + '”不是照片：只能附 JPEG、PNG 或 WebP 图片');
    if (bytes.length > PHOTO_MAX_BYTES) {
      const small = await shrink(f);
      if (!small || small.length > PHOTO_MAX_BYTES) {
        throw new FormError('照片“' + f.name + '”过大（' + (bytes.length / 1e6).toFixed(1) + ' MB），压缩后仍超过 ' + PHOTO_MAX_BYTES / 1e6 + ' MB 上限，请换一张或调低相机分辨率');
      }
      bytes = small;
      type = 'image/jpeg';
    }
    out.push({ type: type, data: base64(bytes) });
  }
  return out;
}

/** A form's fields as the API takes them: dotted names nest, data-type converts, data-list collects, photos are read. */
async function collect(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled || el.name.charAt(0) === '_') continue;
    const type = el.dataset.type || 'text';
    let v;
    if (el.type === 'file') {
      if (!el.files.length) continue;
      v = await photos(el);
    }
    else if (el.type === 'checkbox' && type === 'bool') v = el.checked;
    else if (el.type === 'checkbox' || el.type === 'radio') { if (!el.checked) continue; v = el.value; }
    else {
      v = el.value.trim();
      if (v === '') continue;
      if (type === 'int') v = Number(v);
      if (type === 'yuan') v = Math.round(Number(v) * 100);
    }
    const parts = el.name.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = at[p] = at[p] || {};
    const last = parts[parts.length - 1];
    if (el.dataset.list !== undefined) (at[last] = at[last] || []).push(v);
    else at[last] = v;
  }
  return out;
}

function li(text, extra) {
  const el = document.createElement('li');
  el.textContent = text;
  if (extra) el.append(extra);
  return el;
}

async function render(note) {
  const items = await all();
  const mine = items.filter((i) => i.userId === USER);
  const pending = mine.filter((i) => i.state === 'pending');
  const problems = mine.filter((i) => i.state === 'conflict' || i.state === 'rejected');
  document.getElementById('pending-count').textContent = String(pending.length);
  const net = document.getElementById('net');
  net.textContent = navigator.onLine ? '在线' : '离线';
  net.classList.toggle('off', !navigator.onLine);
  const p = document.getElementById('outbox-pending');
  p.replaceChildren(...pending.map((i) => li(i.label + ' · 保存于 ' + new Date(i.createdAt).toLocaleString('zh-CN', { hour12: false }) + (i.message ? ' · ' + i.message : ''))));
  if (!pending.length) p.replaceChildren(li('没有待发送的记录'));
  const q = document.getElementById('outbox-problems');
  q.replaceChildren(...problems.map((i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'plain';
    b.dataset.dismiss = i.key;
    b.textContent = '知道了，移除';
    const el = li((i.state === 'conflict' ? '冲突：' : '未被接受：') + i.label + ' — ' + i.message, b);
    el.className = 'problem';
    return el;
  }));
  document.getElementById('problems-box').hidden = problems.length === 0;
  for (const f of document.querySelectorAll('form[data-ref]')) {
    const waiting = pending.some((i) => i.ref === f.dataset.ref);
    f.hidden = waiting;
    const w = document.getElementById('waiting-' + f.dataset.ref);
    if (w) w.hidden = !waiting;
  }
  if (note) document.getElementById('note').textContent = note;
}

async function csrf() {
  try {
    const r = await fetch('/field/api/me', { headers: { accept: 'application/json' } });
    if (r.ok) return (await r.json()).csrfToken;
  } catch (e) { /* offline */ }
  return null;
}

let flushing = false;
async function flush() {
  if (flushing || !navigator.onLine) return render();
  flushing = true;
  let sent = 0;
  try {
    const items = (await all()).filter((i) => i.state === 'pending' && i.userId === USER);
    if (!items.length) return;
    const token = await csrf();
    for (const it of items) {
      let outcome;
      try {
        const r = await fetch(it.url, {
          method: 'POST', body: JSON.stringify(it.body),
          headers: { 'content-type': 'application/json', 'x-csrf-token': token || '', 'idempotency-key': it.key },
        });
        const j = await r.json().catch(() => ({}));
        const issues = Array.isArray(j.details) ? j.details.map((d) => d.message).filter(Boolean).join('；') : '';
        outcome = { network: true, status: r.status, code: j.code, message: (j.message || '') + (issues ? '：' + issues : '') };
      } catch (e) {
        outcome = { network: false };
      }
      const next = Object.assign({}, it, outboxStep(it, outcome));
      if (next.state === 'sent') { await drop(it.key); sent++; } else await put(next);
      if (!outcome.network) break;
    }
    if (sent) await refreshPages();
  } finally {
    flushing = false;
    await render(sent ? '已发送 ' + sent + ' 条记录' : undefined);
  }
}

/** Keep the queue and its households in the cache for the hills (the user's own scope: the server renders only that). */
async function refreshPages() {
  if (!('caches' in window) || !navigator.onLine) return;
  const cache = await caches.open(PAGES);
  const urls = new Set(['/field/', location.pathname]);
  for (const a of document.querySelectorAll('a[data-offline]')) urls.add(new URL(a.href).pathname);
  for (const u of urls) {
    try {
      const r = await fetch(u, { credentials: 'same-origin', redirect: 'manual' });
      if (r.ok) await cache.put(u, r);
    } catch (e) { return; }
  }
}

async function signOut(form) {
  const pending = (await all()).filter((i) => i.state === 'pending' && i.userId === USER);
  if (pending.length && !confirm('还有 ' + pending.length + ' 条记录未发送，退出登录将删除它们。确定退出？')) return;
  if (dbp) (await dbp).close();
  dbp = null;
  if ('caches' in window) for (const k of await caches.keys()) await caches.delete(k);
  await new Promise((resolve) => { const r = indexedDB.deleteDatabase(DB); r.onsuccess = r.onerror = r.onblocked = resolve; });
  form.submit();
}

document.addEventListener('submit', async (e) => {
  const form = e.target;
  if (form.id === 'signout') { e.preventDefault(); return signOut(form); }
  if (!form.dataset.outbox) return;
  e.preventDefault();
  const shown = form.querySelector('[data-form-error]');
  if (shown) { shown.textContent = ''; shown.hidden = true; }
  let body;
  try {
    body = await collect(form);
  } catch (err) {
    if (!(err instanceof FormError) || !shown) throw err;
    shown.textContent = err.message;
    shown.hidden = false;
    shown.focus();
    return;
  }
  await put({
    key: crypto.randomUUID(), userId: USER, kind: form.dataset.outbox, url: form.dataset.url, ref: form.dataset.ref || null,
    label: form.dataset.label, body: body, createdAt: new Date().toISOString(),
    state: 'pending', attempts: 0, message: null, code: null, needsSignIn: false,
  });
  form.reset();
  await render(navigator.onLine ? '已保存，正在发送' : '已保存在本机，联网后自动发送');
  flush();
});
document.addEventListener('click', async (e) => {
  const key = e.target.dataset && e.target.dataset.dismiss;
  if (key) { await drop(key); render(); }
});
addEventListener('online', () => flush());
addEventListener('offline', () => render());
setInterval(() => flush(), 30000);

if ('serviceWorker' in navigator) navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' }).catch(() => {});
render().then(() => flush()).then(() => (navigator.onLine ? refreshPages() : null)).finally(() => { document.body.dataset.ready = 'true'; });
`;

const digest = (s: string) => sha256Hex(s).slice(0, 12);
export const ASSET_NAMES = {
  css: `field-${digest(FIELD_CSS)}.css`,
  js: `field-${digest(FIELD_APP_JS)}.js`,
  icon192: `icon-192-${digest(ICON_192_PNG)}.png`,
  icon512: `icon-512-${digest(ICON_512_PNG)}.png`,
  iconSvg: `icon-${digest(ICON_SVG)}.svg`,
} as const;
export const assetUrl = (name: keyof typeof ASSET_NAMES) => `/field/assets/${ASSET_NAMES[name]}`;

export const THEME_COLOR = '#1f6f43';

export const MANIFEST = {
  name: '助农保村级工作台',
  short_name: '村级工作台',
  description: '村、乡镇干部入户核实、农户申请和代报案，离线可用，联网后自动发送',
  lang: 'zh-CN',
  start_url: '/field/',
  scope: '/field/',
  display: 'standalone',
  orientation: 'portrait',
  background_color: '#f4f6f4',
  theme_color: THEME_COLOR,
  icons: [
    { src: assetUrl('icon192'), sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: assetUrl('icon512'), sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: assetUrl('iconSvg'), sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
  ],
};

const OFFLINE_PAGE = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
  + '<title>离线</title></head><body><main><h1>当前离线</h1><p>此页面没有保存在本机。请回到<a href="/field/">我的待办</a>，联网后再打开。</p></main></body></html>';

/**
 * The service worker: the shell (stylesheet, script, icons, manifest) cache-first under a name that
 * changes with them; the user's pages network-first, kept for offline use; the API never cached.
 */
export const FIELD_SW_JS = `// 助农保村级工作台 service worker (docs/modules/field.md). Hand-written: no build step.
const SHELL = 'znb-field-shell-${digest(Object.values(ASSET_NAMES).join())}';
const PAGES = 'znb-field-pages';
const SHELL_URLS = ${JSON.stringify([...Object.keys(ASSET_NAMES).map((k) => assetUrl(k as keyof typeof ASSET_NAMES)), '/field/manifest.webmanifest'])};
const OFFLINE = ${JSON.stringify(OFFLINE_PAGE)};

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('znb-field-shell-') && k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function page(req) {
  const key = new URL(req.url).pathname;
  try {
    const res = await fetch(req);
    if (res.ok && (res.headers.get('content-type') || '').startsWith('text/html')) {
      const copy = res.clone();
      caches.open(PAGES).then((c) => c.put(key, copy));
    }
    return res;
  } catch (err) {
    return (await caches.match(key)) || new Response(OFFLINE, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/field/')) return;
  if (url.pathname.startsWith('/field/api/') || url.pathname === '/field/sw.js') return;
  if (url.pathname.startsWith('/field/assets/') || url.pathname === '/field/manifest.webmanifest') {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
    return;
  }
  e.respondWith(page(req));
});
`;

function bytes(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

/** The assets by their versioned name: body and content type. */
export const ASSETS: ReadonlyMap<string, { body: string | Uint8Array; type: string }> = new Map([
  [ASSET_NAMES.css, { body: FIELD_CSS, type: 'text/css; charset=utf-8' }],
  [ASSET_NAMES.js, { body: FIELD_APP_JS, type: 'text/javascript; charset=utf-8' }],
  [ASSET_NAMES.icon192, { body: bytes(ICON_192_PNG), type: 'image/png' }],
  [ASSET_NAMES.icon512, { body: bytes(ICON_512_PNG), type: 'image/png' }],
  [ASSET_NAMES.iconSvg, { body: ICON_SVG, type: 'image/svg+xml' }],
]);
