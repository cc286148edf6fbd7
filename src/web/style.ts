// The workbench's one stylesheet, served by the app at a versioned URL (src/web/assets.ts). Plain CSS:
// a left navigation on desktops (1366×768), a top bar under 900 px (tablets at 768). Colours chosen
// for WCAG AA contrast (axe-core checks every page).
export const WORKBENCH_CSS = `
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font:1rem/1.6 system-ui,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;background:#f5f5f4;color:#1c1917}
a{color:#1d4ed8}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:10}
.shell{display:grid;grid-template-columns:220px 1fr;min-height:100vh}
.shell>div{min-width:0}
.side{background:#7f1d1d;color:#fff;padding:14px 0}
.side .brand{display:block;font-size:18px;font-weight:700;padding:0 16px 10px;color:#fff;text-decoration:none}
.side nav ul{list-style:none;margin:0;padding:0}
.side nav a{display:block;color:#fff;text-decoration:none;padding:7px 16px;font-size:15px}
.side nav a:hover{background:#991b1b}
.side nav a[aria-current=page]{background:#fff;color:#7f1d1d;font-weight:700}
.side nav .group{padding:10px 16px 2px;font-size:12px;color:#fecaca;letter-spacing:.05em}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px;background:#fff;border-bottom:1px solid #e7e5e4;padding:8px 20px}
.who{font-size:14px;color:#44403c}.who b{color:#1c1917}
.top form{margin:0}
main{padding:16px 20px;max-width:1180px}
h1{font-size:21px;margin:4px 0 12px}h2{font-size:17px;margin:0 0 10px;color:#7f1d1d}h3{font-size:15px;margin:12px 0 6px}
section,.card{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.scroll{overflow-x:auto}section.scroll{padding:0;margin:0;box-shadow:none;border-radius:0}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e7e5e4;vertical-align:top}
th{background:#fafaf9;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.muted,small{color:#57534e}
.flash{border-radius:8px;padding:10px 12px;margin:0 0 12px}
.flash.ok{background:#f0fdf4;border:1px solid #bbf7d0;color:#166534}
.flash.error{background:#fef2f2;border:1px solid #fecaca;color:#991b1b}
.flash.warn{background:#fffbeb;border:1px solid #fde68a;color:#92400e}
.flash ul{margin:4px 0 0;padding-left:20px}
form.stack label{display:block;margin:10px 0 4px;font-weight:600}
form.stack label.check{font-weight:400}
form.stack .hint{display:block;font-weight:400;font-size:13px;color:#57534e}
input,select,textarea{font:inherit;font-size:15px;padding:6px 10px;border:1px solid #78716c;border-radius:6px;background:#fff;color:#1c1917;max-width:100%}
form.stack input:not([type=checkbox]):not([type=radio]),form.stack select,form.stack textarea{width:100%;max-width:480px}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#b91c1c}
.field-error{color:#991b1b;font-size:13px;margin:2px 0 0}
.cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:0 14px}
form.stack details{margin:10px 0 4px;border-top:1px solid #e7e5e4;padding-top:6px}
form.stack summary{cursor:pointer;font-weight:600;color:#7f1d1d}
form.stack fieldset.row,form.stack fieldset.choices{border:1px solid #e7e5e4;border-radius:6px;margin:8px 0;padding:4px 12px 8px}
button,.button{display:inline-block;font:inherit;font-size:15px;padding:6px 14px;border:0;border-radius:6px;background:#b91c1c;color:#fff;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:#7f1d1d;border:1px solid #7f1d1d}
button.link{background:none;color:#1d4ed8;padding:0;text-decoration:underline}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:12px}
.actions.tight{margin-top:0}
.inline{display:inline}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
.filters label{display:flex;flex-direction:column;font-size:13px;color:#44403c}
.todo{list-style:none;margin:0;padding:0}
.todo li{display:flex;justify-content:space-between;gap:10px;border-bottom:1px solid #e7e5e4;padding:8px 0}
.todo li:last-child{border-bottom:0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:13px;background:#e7e5e4;color:#1c1917;white-space:nowrap}
.badge.due{background:#fee2e2;color:#991b1b}.badge.ok{background:#dcfce7;color:#166534}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px}
.fig{border:1px solid #e7e5e4;border-radius:8px;padding:8px 10px}.fig span{display:block;color:#57534e;font-size:13px}.fig b{font-size:18px;font-variant-numeric:tabular-nums}
progress{width:100%;height:14px}
.login{max-width:420px;margin:8vh auto;background:#fff;border-radius:10px;padding:22px 26px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
.login h1{color:#7f1d1d}
.landing{list-style:none;padding:0;margin:18px 0 0}.landing li{margin:0 0 14px}.landing a{display:block;font-size:18px}.landing span{color:#57534e;font-size:14px}
.login button{width:100%;margin-top:16px;padding:10px;font-size:17px}
.htmx-indicator{display:none}.htmx-request .htmx-indicator,.htmx-request.htmx-indicator{display:inline}
@media (max-width:900px){
  .shell{grid-template-columns:1fr;grid-template-rows:auto 1fr}
  .side{padding:8px 0}
  .side nav ul{display:flex;flex-wrap:wrap}
  .side nav .group{display:none}
  .side nav a{padding:5px 10px;font-size:14px}
  main{padding:12px}
}
/* A long text column keeps a readable width; on a phone its table scrolls sideways instead of folding it. */
td.wide{min-width:12em}
@media print{.side,.top form{display:none}.shell{display:block}body{background:#fff}section{box-shadow:none}}
`;
