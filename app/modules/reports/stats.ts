// Small numeric helpers shared by the reports (pure).

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : sum(values) / values.length;
}

/** The middle value (the mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** x / y, 0 when y is 0: a rate over nobody is shown as 0, not NaN. */
export function ratio(x: number, y: number): number {
  return y === 0 ? 0 : x / y;
}

/** Money to whole milli-units and back, so sums of converted amounts stay exact to the currency's cent. */
export function roundMoney(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function roundRate(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
