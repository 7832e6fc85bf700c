// Small numeric helpers shared by the reports (pure).

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
