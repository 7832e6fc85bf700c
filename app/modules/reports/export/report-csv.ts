// Each report of app/modules/reports as CSV for the admin's export: one table per report, a
// header row of stable English column names (spreadsheets and scripts key on them), RFC 4180
// quoting, money in the shop's currency and rates as fractions, as in the JSON.
import type {
  ClvReport,
  CohortReport,
  EmailRevenueReport,
  LtvReport,
  ParetoReport,
  RepeatReport,
  RfmReport,
  ScenarioReport,
  SummaryReport,
} from "~/modules/reports";

export const CSV_REPORTS = [
  "summary",
  "ltv",
  "clv",
  "repeat",
  "cohorts",
  "pareto",
  "rfm",
  "scenarios",
  "email_revenue",
] as const;
export type CsvReport = (typeof CSV_REPORTS)[number];

export function isCsvReport(value: string): value is CsvReport {
  return (CSV_REPORTS as readonly string[]).includes(value);
}

type Cell = string | number | null | undefined;

function cell(value: Cell): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // Quote separators, quotes and line breaks; defuse spreadsheet formulas in text cells.
  const safe = typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function table(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** The CSV of one report; each takes only the report it prints (the export computes just that one). */
export const reportCsv = {
  summary(s: SummaryReport, range: { fromDate: string; toDate: string }): string {
    return table(
      [
        "from",
        "to",
        "currency",
        "customers",
        "new_customers",
        "repeat_customers",
        "repeat_rate",
        "orders",
        "net_revenue",
        "average_order_value",
      ],
      [
        [
          range.fromDate,
          range.toDate,
          s.currency,
          s.customers,
          s.newCustomers,
          s.repeatCustomers,
          s.repeatRate,
          s.orders,
          s.netRevenue,
          s.averageOrderValue,
        ],
      ],
    );
  },
  ltv(ltv: LtvReport): string {
    return table(
      ["cohort", "customers", "ltv_30d", "ltv_90d", "ltv_180d", "ltv_365d"],
      ltv.cohorts.map((c) => [c.cohort, c.customers, c.at30, c.at90, c.at180, c.at365]),
    );
  },
  clv(clv: ClvReport): string {
    return table(
      ["purchase_days", "customers", "average_predicted_12m"],
      clv.byOrders.map((b) => [b.orders, b.customers, b.averagePredicted12m]),
    );
  },
  repeat(repeat: RepeatReport): string {
    return table(
      ["stage", "customers", "conversion"],
      repeat.funnel.map((f) => [f.stage, f.customers, f.conversion]),
    );
  },
  cohorts(cohorts: CohortReport): string {
    const width = Math.max(0, ...cohorts.cohorts.map((c) => c.retention.length));
    return table(
      ["cohort", "customers", ...Array.from({ length: width }, (_, k) => `month_${k}`)],
      cohorts.cohorts.map((c) => [
        c.cohort,
        c.customers,
        ...Array.from({ length: width }, (_, k) => c.retention[k] ?? null),
      ]),
    );
  },
  pareto(pareto: ParetoReport): string {
    return table(
      ["decile", "customers", "revenue", "share", "cumulative_share"],
      pareto.deciles.map((d) => [d.decile, d.customers, d.revenue, d.share, d.cumulativeShare]),
    );
  },
  rfm(rfm: RfmReport): string {
    return table(
      ["segment", "label_en", "label_ja", "customers", "share", "revenue", "average_recency_days", "average_orders"],
      rfm.segments.map((s) => [
        s.key,
        s.label.en,
        s.label.ja,
        s.customers,
        s.share,
        s.revenue,
        s.averageRecencyDays,
        s.averageOrders,
      ]),
    );
  },
  scenarios(scenarios: ScenarioReport): string {
    return table(
      [
        "scenario",
        "planned",
        "held_out",
        "sent",
        "delivered",
        "opened",
        "clicked",
        "unsubscribed",
        "last_touch_orders",
        "last_touch_orders_by_open",
        "last_touch_revenue",
        "revenue_per_recipient",
        "lift_enough_data",
        "conversion_lift",
        "conversion_lift_low",
        "conversion_lift_high",
        "incremental_revenue",
        "incremental_revenue_low",
        "incremental_revenue_high",
      ],
      [...scenarios.scenarios, scenarios.total].map((s) => [
        s.key,
        s.planned,
        s.heldOut,
        s.sent,
        s.delivered,
        s.opened,
        s.clicked,
        s.unsubscribed,
        s.attributedOrders,
        s.attributedOrdersByOpen,
        s.attributedRevenue,
        s.revenuePerRecipient,
        s.lift ? String(s.lift.enoughData) : null,
        s.lift?.conversionLift,
        s.lift?.conversionLiftLow,
        s.lift?.conversionLiftHigh,
        s.lift?.incrementalRevenue,
        s.lift?.incrementalRevenueLow,
        s.lift?.incrementalRevenueHigh,
      ]),
    );
  },
  email_revenue(e: EmailRevenueReport): string {
    return table(
      ["period", "from", "to", "attributed_orders", "attributed_revenue"],
      [
        ["current", e.current.fromDate, e.current.toDate, e.current.attributedOrders, e.current.attributedRevenue],
        [
          "previous_year",
          e.previousYear.fromDate,
          e.previousYear.toDate,
          e.previousYear.attributedOrders,
          e.previousYear.attributedRevenue,
        ],
      ],
    );
  },
} satisfies Record<CsvReport, (...args: never[]) => string>;
