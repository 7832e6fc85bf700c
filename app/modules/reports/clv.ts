// 12-month predicted CLV, averaged over the report's customers (pure). The model is used only
// where it can be trusted; otherwise a plain historical run rate, with the reason.
//
// The database hands over customers grouped by (orders, weeks from first to last order, weeks
// since the first order) with their count and net revenue summed: BG/NBD's expected orders are
// the same for everyone in a group (so BG/NBD is fitted on the weighted groups), and Gamma-Gamma's expected order value is linear in a
// customer's net revenue (p(γ + n·m)/(pn + q − 1) with n·m = net), so group sums are exact.
import {
  expectedOrders,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  type BgNbdObservation,
  type BgNbdParams,
  type GammaGammaParams,
} from "./clv-model";
import { ratio, roundMoney, roundRate } from "./stats";
import type { ClvCheck, ClvParameters, ClvReport } from "./types";
import { itemAt } from "~/lib/arrays";

export const CLV_MIN_CUSTOMERS = 100;
export const CLV_MIN_REPEAT_CUSTOMERS = 20;
export const CLV_MIN_HISTORY_DAYS = 90;
/** Gamma-Gamma is fitted on an evenly spaced sample of at most this many customers (three parameters; more barely moves them) */
export const CLV_FIT_SAMPLE = 3_000;
const HORIZON_WEEKS = 365 / 7;

export interface ClvGroup {
  /** distinct purchase days (shop-local) up to the measurement instant: 1 + repeat purchases */
  orders: number;
  /** weeks from the first to the last order */
  txWeeks: number;
  /** weeks from the first order to the measurement instant */
  tWeeks: number;
  customers: number;
  /** their net revenue summed (currency units) */
  net: number;
  /** their distinct purchase days after the measurement instant, up to the end of the check period (0 without one) */
  later?: number;
}

export interface ClvSampleCustomer {
  orders: number;
  net: number;
}

const BUCKETS = ["1", "2", "3", "4", "5+"];

/** The report as the model computes it; the measurement instant and the check are added by the query (customer-reports.server.ts). */
export type ClvModelReport = Omit<ClvReport, "measuredAt" | "check" | "checkReason">;

function bucketOf(orders: number): number {
  return Math.min(orders, 5) - 1;
}

function byOrders(rows: { orders: number; customers: number; predicted: number }[]): ClvReport["byOrders"] {
  const acc = BUCKETS.map(() => ({ customers: 0, predicted: 0 }));
  for (const r of rows) {
    const b = acc[bucketOf(r.orders)];
    if (!b) continue;
    b.customers += r.customers;
    b.predicted += r.predicted;
  }
  return acc.map((b, i) => ({
    orders: itemAt(BUCKETS, i, "bucket"),
    customers: b.customers,
    averagePredicted12m: roundMoney(ratio(b.predicted, b.customers)),
  }));
}

/** The fallback: each customer keeps spending and ordering at their yearly rate so far (tenure counted as at least a year). */
function historical(groups: readonly ClvGroup[], reason: string): ClvModelReport {
  let customers = 0;
  let total = 0;
  let orders = 0;
  const rows = groups.map((g) => {
    const years = Math.max(1, (g.tWeeks * 7) / 365);
    customers += g.customers;
    total += g.net / years;
    orders += (g.orders * g.customers) / years;
    return { orders: g.orders, customers: g.customers, predicted: g.net / years };
  });
  return {
    method: "historical",
    reason,
    horizonDays: 365,
    customers,
    averagePredicted12m: roundMoney(ratio(total, customers)),
    totalPredicted12m: roundMoney(total),
    averageExpectedOrders12m: roundRate(ratio(orders, customers)),
    averageProbabilityAlive: null,
    parameters: null,
    byOrders: byOrders(rows),
  };
}

function sixDigits(v: number): number {
  return Number(v.toPrecision(6));
}

/** Why the groups are too few to model (customers, repeat customers, days of history), or null. */
export function tooLittleHistory(groups: readonly ClvGroup[]): string | null {
  const customers = groups.reduce((s, g) => s + g.customers, 0);
  const repeaters = groups.reduce((s, g) => s + (g.orders >= 2 ? g.customers : 0), 0);
  const historyWeeks = groups.reduce((max, g) => Math.max(max, g.tWeeks), 0);
  if (customers < CLV_MIN_CUSTOMERS) return `fewer than ${CLV_MIN_CUSTOMERS} customers`;
  if (repeaters < CLV_MIN_REPEAT_CUSTOMERS) return `fewer than ${CLV_MIN_REPEAT_CUSTOMERS} repeat customers`;
  if (historyWeeks * 7 < CLV_MIN_HISTORY_DAYS) return `less than ${CLV_MIN_HISTORY_DAYS} days of order history`;
  return null;
}

export function computeClv(groups: readonly ClvGroup[], sample: readonly ClvSampleCustomer[]): ClvModelReport {
  const tooLittle = tooLittleHistory(groups);
  if (tooLittle) return historical(groups, tooLittle);

  const bgnbd = fitBgNbdOnGroups(groups);
  if (!bgnbd)
    return historical(groups, "the BG/NBD fit did not reach usable parameters (too little repeat behaviour to model)");
  const gammaGamma = fitGammaGamma(sample.filter((c) => c.net > 0).map((c) => ({ n: c.orders, m: c.net / c.orders })));
  if (!gammaGamma || !(gammaGamma.q > 1))
    return historical(groups, "the Gamma-Gamma fit did not reach usable parameters (order values too uneven to model)");
  return modelled(groups, bgnbd, gammaGamma);
}

function observation(g: ClvGroup): BgNbdObservation {
  return { x: g.orders - 1, tx: g.txWeeks, T: Math.max(g.tWeeks, g.txWeeks) };
}

/**
 * BG/NBD fitted on the groups themselves, each weighted by its customers (every customer
 * counts); null when the fit gives no usable conditional expectation. The expectation
 * (equation 10) holds for any a ≠ 1 — for a < 1, as in Fader–Hardie–Lee's own CDNOW fit
 * (a = 0.793), both (a − 1) and the bracket are negative — so the guard checks what the
 * report uses: a finite, non-negative expectation for every group.
 */
export function fitBgNbdOnGroups(groups: readonly ClvGroup[]): BgNbdParams | null {
  const params = fitBgNbd(groups.map((g): BgNbdObservation => ({ ...observation(g), weight: g.customers })));
  if (!params || Math.abs(params.a - 1) < 1e-6) return null;
  const usable = groups.every((g) => {
    const e = expectedOrders(params, observation(g), HORIZON_WEEKS);
    return Number.isFinite(e) && e >= 0;
  });
  return usable ? params : null;
}

function roundParams(bgnbd: BgNbdParams): ClvParameters["bgnbd"] {
  return { r: sixDigits(bgnbd.r), alpha: sixDigits(bgnbd.alpha), a: sixDigits(bgnbd.a), b: sixDigits(bgnbd.b) };
}

/**
 * The model's check: the repeat purchase days BG/NBD predicts over the check period, from each
 * customer's history at its start, against those that happened (FHL 2005, figure 4 and table 2).
 */
export function holdoutCheck(
  groups: readonly ClvGroup[],
  bgnbd: BgNbdParams,
  period: { kind: ClvCheck["kind"]; calibrationEnd: Date; checkEnd: Date },
): ClvCheck {
  const weeks = (period.checkEnd.getTime() - period.calibrationEnd.getTime()) / (7 * 86_400_000);
  const acc = BUCKETS.map(() => ({ customers: 0, predicted: 0, actual: 0 }));
  for (const g of groups) {
    const b = acc[bucketOf(g.orders)];
    if (!b) continue;
    b.customers += g.customers;
    b.predicted += expectedOrders(bgnbd, observation(g), weeks) * g.customers;
    b.actual += g.later ?? 0;
  }
  const predicted = acc.reduce((s, b) => s + b.predicted, 0);
  const actual = acc.reduce((s, b) => s + b.actual, 0);
  return {
    kind: period.kind,
    calibrationEnd: period.calibrationEnd.toISOString(),
    checkEnd: period.checkEnd.toISOString(),
    weeks: Math.round(weeks * 10) / 10,
    customers: acc.reduce((s, b) => s + b.customers, 0),
    predictedRepeatPurchases: Math.round(predicted * 10) / 10,
    actualRepeatPurchases: actual,
    relativeError: actual > 0 ? roundRate(predicted / actual - 1) : null,
    parameters: roundParams(bgnbd),
    byPurchases: acc.map((b, i) => ({
      purchases: itemAt(BUCKETS, i, "bucket"),
      customers: b.customers,
      predicted: Math.round(b.predicted * 10) / 10,
      actual: b.actual,
    })),
  };
}

export function modelled(
  groups: readonly ClvGroup[],
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
): ClvModelReport {
  const { p, q, gamma } = gammaGamma;
  let customers = 0;
  let total = 0;
  let orders = 0;
  let alive = 0;
  const rows = groups.map((g) => {
    const o = observation(g);
    const expected = expectedOrders(bgnbd, o, HORIZON_WEEKS);
    // Σ E[M] over the group = (count·pγ + p·Σnet) / (pn + q − 1)
    const valueSum = (g.customers * p * gamma + p * Math.max(0, g.net)) / (p * g.orders + q - 1);
    customers += g.customers;
    total += expected * valueSum;
    orders += expected * g.customers;
    alive += probabilityAlive(bgnbd, o) * g.customers;
    return { orders: g.orders, customers: g.customers, predicted: expected * valueSum };
  });
  return {
    method: "bgnbd_gamma_gamma",
    reason: null,
    horizonDays: 365,
    customers,
    averagePredicted12m: roundMoney(ratio(total, customers)),
    totalPredicted12m: roundMoney(total),
    averageExpectedOrders12m: roundRate(ratio(orders, customers)),
    averageProbabilityAlive: roundRate(ratio(alive, customers)),
    parameters: {
      bgnbd: roundParams(bgnbd),
      gammaGamma: { p: sixDigits(p), q: sixDigits(q), gamma: sixDigits(gamma) },
    },
    byOrders: byOrders(rows),
  };
}
