/**
 * Money as the borrower reads it. Amounts are integer fen everywhere; this is the one place they
 * become text.
 */

// One format for every locale: RULES.md writes amounts `¥1,011.00` whatever the borrower's language.
// `narrowSymbol` gives the bare U+00A5 sign (en-US would otherwise write `CN¥`).
const YUAN = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'CNY',
  currencyDisplay: 'narrowSymbol',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/**
 * An amount of fen as yuan: U+00A5, thousands separators, two decimals. The number is handed to
 * Intl as an exact decimal string built with integer arithmetic, so no float ever rounds it.
 * @example formatYuan(101_100) // '¥1,011.00'
 * @example formatYuan(5) // '¥0.05'
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`expected a whole number of fen, got ${fen}`);
  const abs = BigInt(Math.abs(fen));
  const decimal = `${fen < 0 ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}` as `${number}`;
  // A decimal string is formatted exactly as written (Intl.NumberFormat v3).
  return YUAN.format(decimal);
}
