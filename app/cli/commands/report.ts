// `report --shop <domain> [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: every report for the
// shop as one JSON document (or a readable summary without --json). The work is in runReport
// (takes the db) so tests call it directly. Definitions: docs/reports.md.
import { getDb, type Db } from "~/db.server";
import { getAllReports, ReportRangeError, resolveReportRange, type AllReports } from "~/modules/reports";
import { liftText } from "~/modules/reports/stats";
import { findShopByDomain } from "~/modules/platform/settings/shop-settings.server";
import { info, printJson, requireString } from "../output";
import type { Command } from "./index";
import { refuse, type CliResult } from "./settings";

export function reportDocument(all: AllReports) {
  const { summary, ltv, repeat, pareto } = all;
  return {
    shop: all.shop,
    currency: all.currency,
    timezone: all.timezone,
    from: all.fromDate,
    to: all.toDate,
    customers: summary.customers,
    newCustomers: summary.newCustomers,
    orders: summary.orders,
    netRevenue: summary.netRevenue,
    averageOrderValue: summary.averageOrderValue,
    averageLtv: ltv.average,
    medianLtv: ltv.median,
    ltvCustomers: ltv.customers,
    ltvCohorts: ltv.cohorts,
    predictedClv: all.clv,
    repeatRate: summary.repeatRate,
    repeatCustomers: summary.repeatCustomers,
    f2Rate: repeat.f2Rate,
    f2Within: repeat.f2Within,
    f3Rate: repeat.f3Rate,
    f4Rate: repeat.f4Rate,
    funnel: repeat.funnel,
    medianDaysToSecondOrder: repeat.medianDaysToSecondOrder,
    paretoTop20Share: pareto.top20Share,
    paretoDeciles: pareto.deciles,
    cohorts: all.cohorts.cohorts,
    rfm: all.rfm,
    attributionDays: all.scenarios.attributionDays,
    openAttributionDays: all.scenarios.openAttributionDays,
    scenarios: all.scenarios.scenarios,
    guard: all.guard,
    scenarioTotal: all.scenarios.total,
    emailRevenue: all.emailRevenue,
  };
}

export type ReportDocument = ReturnType<typeof reportDocument>;

export async function runReport(
  db: Db,
  domain: string,
  options: { from?: string; to?: string; now?: Date } = {},
): Promise<CliResult<ReportDocument>> {
  const shop = await findShopByDomain(db, domain);
  try {
    const range = await resolveReportRange(db, shop.id, options);
    const all = await getAllReports(db, shop.id, range);
    return {
      ok: true,
      output: reportDocument(all),
      notes: [`reports for ${domain}, ${range.fromDate} to ${range.toDate} (${range.timezone}, ${range.currency})`],
    };
  } catch (error) {
    if (error instanceof ReportRangeError) return refuse(`${error.message}; nothing computed`);
    throw error;
  }
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

function clvCheckText(clv: ReportDocument["predictedClv"]): string {
  const c = clv.check;
  if (!c) return `not available (${clv.checkReason ?? "no check"})`;
  const error = c.relativeError === null ? "" : `, ${percent(c.relativeError)} off`;
  return `${c.predictedRepeatPurchases} repeat purchases predicted over the ${c.weeks} weeks from ${c.calibrationEnd.slice(0, 10)}, ${c.actualRepeatPurchases} happened${error} (${c.kind === "split" ? "the range's last weeks held back" : "the period after the range"})`;
}

/** The readable form: the headline numbers, then one line per scenario. */
export function reportTable(doc: ReportDocument): string {
  const money = (v: number) => `${v.toLocaleString("en-US", { maximumFractionDigits: 3 })} ${doc.currency}`;
  const rows: [string, string][] = [
    ["range", `${doc.from} – ${doc.to} (${doc.timezone})`],
    ["customers", String(doc.customers)],
    ["new customers", String(doc.newCustomers)],
    ["orders", String(doc.orders)],
    ["net revenue", money(doc.netRevenue)],
    ["average LTV / median", `${money(doc.averageLtv)} / ${money(doc.medianLtv)}`],
    [
      "predicted 12-month CLV",
      `${money(doc.predictedClv.averagePredicted12m)} (${doc.predictedClv.method}${doc.predictedClv.reason ? `: ${doc.predictedClv.reason}` : ""}; measured at ${doc.predictedClv.measuredAt})`,
    ],
    ["CLV model check", clvCheckText(doc.predictedClv)],
    ["repeat rate (customers ordering again in the range)", percent(doc.repeatRate)],
    ["F2 (acquired customers with a 2nd order)", percent(doc.f2Rate)],
    ["F3 / F4", `${percent(doc.f3Rate)} / ${percent(doc.f4Rate)}`],
    ["median days to 2nd order", doc.medianDaysToSecondOrder === null ? "–" : String(doc.medianDaysToSecondOrder)],
    ["top 20% revenue share", percent(doc.paretoTop20Share)],
    [
      "email-driven revenue",
      `${money(doc.emailRevenue.current.attributedRevenue)} (last year ${money(doc.emailRevenue.previousYear.attributedRevenue)})`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push(
    "",
    "scenario".padEnd(20) +
      "sent".padStart(8) +
      "held out".padStart(10) +
      "clicked".padStart(9) +
      "orders".padStart(8) +
      "revenue".padStart(14) +
      "  conversion lift, percentage points [95%]",
  );
  for (const s of [...doc.scenarios.filter((x) => x.planned > 0), doc.scenarioTotal]) {
    const lift = liftText(s.lift);
    lines.push(
      s.key.padEnd(20) +
        String(s.sent).padStart(8) +
        String(s.heldOut).padStart(10) +
        String(s.clicked).padStart(9) +
        String(s.attributedOrders).padStart(8) +
        money(s.attributedRevenue).padStart(14) +
        "  " +
        lift,
    );
  }
  return lines.join("\n") + "\n";
}

export const reportCommand: Command = {
  usage: "report --shop <domain> [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]",
  summary: "every report (LTV, CLV, repeat/F2, cohorts, Pareto, RFM, scenario effect) for a shop and date range",
  help: [
    "",
    "--from, --to  shop-local calendar days, both included (default: from the first order to today).",
    "--json        one JSON document: money in the shop's currency, rates as fractions 0–1. Without it, a readable summary.",
    "Definitions: docs/reports.md.",
  ].join("\n"),
  options: { shop: { type: "string" }, json: { type: "boolean" }, from: { type: "string" }, to: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const result = await runReport(await getDb(), domain, {
      from: typeof values.from === "string" ? values.from : undefined,
      to: typeof values.to === "string" ? values.to : undefined,
    });
    if (!result.ok) {
      info(`joren report: ${result.message}`);
      return result.exitCode;
    }
    for (const note of result.notes) info(`note: ${note}`);
    if (values.json) printJson(result.output);
    else process.stdout.write(reportTable(result.output));
    return 0;
  },
};
