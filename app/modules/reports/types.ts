// The reports' public shapes: what the admin pages, the CSV export and the CLI render.
import type { GuardCounters } from "~/modules/mirror/guard/guard-counters.server";
// Money is a plain number in the shop's currency (converted from BigInt milli-units at the
// boundary), rates are fractions 0–1, dates are ISO strings, months are "YYYY-MM" in the
// shop's timezone. Definitions: docs/reports.md.

/** A resolved date range: shop-local calendar dates, and the UTC instants they span. */
export interface ReportRange {
  /** first shop-local day included, YYYY-MM-DD */
  fromDate: string;
  /** last shop-local day included, YYYY-MM-DD */
  toDate: string;
  /** start of fromDate in the shop's timezone (inclusive) */
  from: Date;
  /** start of the day after toDate in the shop's timezone (exclusive) */
  to: Date;
  /** when the reports are measured ("to date" = up to this instant; the rollups are current) */
  asOf: Date;
  timezone: string;
  currency: string;
}

export interface SummaryReport {
  currency: string;
  /** distinct customers with a counted order in the range */
  customers: number;
  /** customers whose first counted order is in the range */
  newCustomers: number;
  /** customers with a counted order in the range that was not their first counted order */
  repeatCustomers: number;
  /** repeat rate of the range: repeatCustomers / customers (not F2: see docs/reports.md) */
  repeatRate: number;
  /** counted orders placed in the range */
  orders: number;
  /** total price minus refunds of those orders */
  netRevenue: number;
  /** netRevenue / orders (0 without orders) */
  averageOrderValue: number;
}

export interface LtvCohort {
  /** first-order month, YYYY-MM */
  cohort: string;
  customers: number;
  /** average net revenue per customer within N days of the first order; null while the cohort is younger than N days */
  at30: number | null;
  at90: number | null;
  at180: number | null;
  at365: number | null;
}

export interface LtvReport {
  /** customers acquired in the range (first counted order in it) */
  customers: number;
  /** their average net revenue to date */
  average: number;
  median: number;
  cohorts: LtvCohort[];
}

export interface ClvParameters {
  bgnbd: { r: number; alpha: number; a: number; b: number };
  gammaGamma: { p: number; q: number; gamma: number };
}

/** The model's check: predicted against actual repeat purchase days over a period after the calibration end (docs/reports.md). */
export interface ClvCheck {
  /** "later_period": the range ends before today, so the period after it is the check; "split": the range runs to today, so its last weeks are held back and the model refitted on what came before */
  kind: "later_period" | "split";
  /** ISO instants: the calibration ends (the model's measurement instant) and the check period ends */
  calibrationEnd: string;
  checkEnd: string;
  weeks: number;
  /** customers acquired in the range before calibrationEnd */
  customers: number;
  predictedRepeatPurchases: number;
  actualRepeatPurchases: number;
  /** predicted / actual − 1; null without actual purchases */
  relativeError: number | null;
  /** the BG/NBD parameters of the fit that made the prediction (split: fitted to the shorter calibration) */
  parameters: ClvParameters["bgnbd"];
  /** by purchase days in the calibration period: 1, 2, 3, 4, 5+ */
  byPurchases: { purchases: string; customers: number; predicted: number; actual: number }[];
}

export interface ClvReport {
  /** "bgnbd_gamma_gamma" when fitted; "historical" when there is too little history (see reason) */
  method: "bgnbd_gamma_gamma" | "historical";
  /** why the model was not used (only with method "historical") */
  reason: string | null;
  horizonDays: 365;
  customers: number;
  /** predicted net revenue per customer over the next 12 months (average over the population) */
  averagePredicted12m: number;
  totalPredicted12m: number;
  /** expected purchases per customer over the next 12 months (average) */
  averageExpectedOrders12m: number;
  /** average probability that a customer is still "alive" (BG/NBD), null for the fallback */
  averageProbabilityAlive: number | null;
  parameters: ClvParameters | null;
  /** the measurement instant (ISO): the end of the range, or now when the range runs to today; only orders before it are used */
  measuredAt: string;
  /** the model's calibration/holdout check; null with checkReason when it cannot be made */
  check: ClvCheck | null;
  checkReason: string | null;
  /** predicted 12-month value by purchase days up to the measurement instant: 1, 2, 3, 4, 5+ */
  byOrders: { orders: string; customers: number; averagePredicted12m: number }[];
}

export interface FunnelStage {
  /** reached at least this many orders */
  stage: number;
  customers: number;
  /** customers at this stage / customers at the previous stage (stage 1: 1) */
  conversion: number;
}

export interface RepeatReport {
  /** customers acquired in the range */
  customers: number;
  /** those with at least 2 counted orders to date */
  repeatCustomers: number;
  /** F2: the share of them with a second counted order to date (first → second order) */
  f2Rate: number;
  /** share of the cohort whose second order came within N days of the first, among customers whose first order is at least N days old */
  f2Within: { days: 30 | 60 | 90 | 180; eligible: number; rate: number }[];
  /** second → third order */
  f3Rate: number;
  /** third → fourth order */
  f4Rate: number;
  /** stages 1..5 (5 = five or more orders) */
  funnel: FunnelStage[];
  /** median days between first and second order, over customers with a second order; null without any */
  medianDaysToSecondOrder: number | null;
}

export interface RetentionCohort {
  /** first-order month, YYYY-MM */
  cohort: string;
  customers: number;
  /** index k: share of the cohort with a counted order k calendar months after the cohort month (0: 1); months still in the future are left out */
  retention: number[];
}

export interface CohortReport {
  cohorts: RetentionCohort[];
}

export interface ParetoDecile {
  /** 1 = the top 10% of customers by net revenue in the range */
  decile: number;
  customers: number;
  revenue: number;
  /** this decile's share of net revenue */
  share: number;
  /** the top deciles' share up to this one */
  cumulativeShare: number;
}

export interface ParetoReport {
  /** customers with a counted order in the range */
  customers: number;
  netRevenue: number;
  /** share of net revenue from the top 20% of customers */
  top20Share: number;
  deciles: ParetoDecile[];
}

export const RFM_SEGMENTS = [
  "champions",
  "loyal",
  "potential_loyalists",
  "new_customers",
  "promising",
  "need_attention",
  "about_to_sleep",
  "at_risk",
  "cannot_lose",
  "hibernating",
] as const;
export type RfmSegmentKey = (typeof RFM_SEGMENTS)[number];

export interface RfmSegment {
  key: RfmSegmentKey;
  label: { ja: string; en: string };
  customers: number;
  share: number;
  /** their net revenue to date */
  revenue: number;
  averageRecencyDays: number;
  averageOrders: number;
}

export interface RfmReport {
  asOf: string;
  customers: number;
  /** customer counts by R score (rows, 5 = most recent) × FM score (columns: round((F+M)/2), 5 = most): grid[r-1][fm-1] */
  grid: number[][];
  /** where each next quintile starts in ascending order of the value (ties never split, so fewer than 4 when values repeat) */
  thresholds: { recencyDays: number[]; orders: number[]; monetary: number[] };
  segments: RfmSegment[];
}

export interface LiftEstimate {
  /** false while either group has fewer than LIFT_MIN_GROUP_SIZE (10) rows: show "not enough data yet", not the figures */
  enoughData: boolean;
  /** sent rows and held-out rows (the two groups' sizes) */
  sentRows: number;
  heldOutRows: number;
  /** conversion (attributed-window order) rate of the messaged group */
  sentConversion: number;
  heldOutConversion: number;
  /** sentConversion − heldOutConversion (a difference of fractions: 0.05 = 5 percentage points), with Newcombe's 95% hybrid score interval */
  conversionLift: number;
  conversionLiftLow: number;
  conversionLiftHigh: number;
  /** revenue per customer, sent minus held out, with a 95% interval (Welch) */
  revenuePerRecipientLift: number;
  revenuePerRecipientLiftLow: number;
  revenuePerRecipientLiftHigh: number;
  /** revenuePerRecipientLift × sent customers */
  incrementalRevenue: number;
  incrementalRevenueLow: number;
  incrementalRevenueHigh: number;
}

export interface ScenarioEffect {
  key: string;
  /** ledger rows created in the range (any status) */
  planned: number;
  heldOut: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  unsubscribed: number;
  /** last touch: counted orders within attributionDays after a click (or openAttributionDays after an open) on this scenario's message to that customer, the latest touch winning */
  attributedOrders: number;
  attributedRevenue: number;
  /** of attributedOrders, those whose last touch was an open */
  attributedOrdersByOpen: number;
  /** attributedRevenue / distinct customers sent to */
  revenuePerRecipient: number;
  /** null until both groups have at least one customer */
  lift: LiftEstimate | null;
}

export interface ScenarioReport {
  /** the click window of last-touch attribution, and the lift's outcome window (days) */
  attributionDays: number;
  /** the open window of last-touch attribution (days; 0 = opens not counted) */
  openAttributionDays: number;
  scenarios: ScenarioEffect[];
  total: ScenarioEffect;
}

export interface EmailRevenuePeriod {
  fromDate: string;
  toDate: string;
  attributedOrders: number;
  attributedRevenue: number;
}

export interface EmailRevenueReport {
  current: EmailRevenuePeriod;
  previousYear: EmailRevenuePeriod;
  /** current / previous − 1; null when last year had none */
  change: number | null;
}

export interface AllReports {
  shop: string;
  currency: string;
  timezone: string;
  fromDate: string;
  toDate: string;
  summary: SummaryReport;
  ltv: LtvReport;
  clv: ClvReport;
  repeat: RepeatReport;
  cohorts: CohortReport;
  pareto: ParetoReport;
  rfm: RfmReport;
  scenarios: ScenarioReport;
  emailRevenue: EmailRevenueReport;
  /** the discount guard's interventions in the range (app/modules/mirror/guard/guard-counters.server.ts) */
  guard: GuardCounters;
}
