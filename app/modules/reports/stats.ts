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

/** A difference of two rates as signed percentage points, one decimal: 0.05 → "+5.0" (a lift is not a relative %). */
export function signedPoints(difference: number): string {
  const value = (difference * 100).toFixed(1);
  return `${difference > 0 ? "+" : ""}${value}`;
}

function percentagePoints(difference: number): string {
  return `${signedPoints(difference)} pp`;
}

/** A conversion lift as text: the difference with its interval, or "not enough data yet" below the minimum group size. */
export function liftText(
  lift: {
    enoughData: boolean;
    conversionLift: number;
    conversionLiftLow: number;
    conversionLiftHigh: number;
    sentRows: number;
    heldOutRows: number;
  } | null,
): string {
  if (!lift) return "–";
  if (!lift.enoughData) return `not enough data yet (${lift.sentRows} sent, ${lift.heldOutRows} held out)`;
  return `${percentagePoints(lift.conversionLift)} [${percentagePoints(lift.conversionLiftLow)}, ${percentagePoints(lift.conversionLiftHigh)}]`;
}
