/** How the report writes numbers: counts with separators, fen as yuan, shares as percentages. */

/** @example formatCount(12345) // '12,345' */
export const formatCount = (n: number) => n.toLocaleString('en-US');

/** Fen as yuan. @example formatYuan(123456) // '¥1,234.56' */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** A share as a percentage, a dash when there is none. @example formatRate(0.4671) // '46.7%' */
export const formatRate = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)}%`);
