// Money is held as bigint milli-units (1/1000 of the currency unit): exact, summable in SQL,
// and fine for every ISO 4217 currency (at most three decimals). See docs/decisions/0002.
const SCALE = 1000n;

/** "414.95" | 414.95 | null → 414950n. Rejects anything that is not a plain decimal. */
export function parseMoney(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === "number" ? (Number.isFinite(value) ? value.toFixed(3) : "") : String(value).trim();
  const match = /^(-)?(\d{1,15})(?:\.(\d{1,6}))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, frac = ""] = match;
  if (whole === undefined) return null; // the pattern requires the whole part; this narrows the type
  const milli = BigInt(whole) * SCALE + BigInt((frac + "000").slice(0, 3));
  // round half up on a 4th+ decimal, which Shopify never sends for shop money
  const rounded = frac.length > 3 && Number(frac[3]) >= 5 ? milli + 1n : milli;
  return sign ? -rounded : rounded;
}

export function moneyToNumber(milli: bigint | number | null | undefined): number {
  if (milli === null || milli === undefined) return 0;
  return Number(milli) / 1000;
}

// Building an Intl formatter costs far more than using one; emails format thousands of prices.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(milli: bigint, currency: string, locale = "en"): string {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) moneyFormats.set(key, (format = new Intl.NumberFormat(locale, { style: "currency", currency })));
  return format.format(moneyToNumber(milli));
}
