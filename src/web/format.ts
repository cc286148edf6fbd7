// Display formats shared by the pages: moments in Asia/Shanghai, money in 元 from fen.
import { formatYuan } from '../shared/money.ts';

const FMT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** 2026-03-01 14:05 (Beijing time). */
export function dateTime(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const parts = Object.fromEntries(FMT.formatToParts(new Date(d)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export function yuan(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '—' : formatYuan(fen, { unit: true });
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('zh-CN');
}
