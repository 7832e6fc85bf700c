// Every report for one shop and range: the CLI report, the demo summary and the admin's Reports page (a CSV export computes only its own report: report-export/report-csv.server.ts).
import type { Tx } from "~/db.server";
import { guardCounters } from "~/modules/mirror/guard/guard-counters.server";
import { getCohortReport } from "./cohort-reports.server";
import { getClvReport, getLtvReport, getRepeatReport, getRfmReport } from "./customer-reports.server";
import { getParetoReport, getSummaryReport } from "./period-reports.server";
import { getEmailRevenueReport, getScenarioReport } from "./scenario-reports.server";
import type { AllReports, ReportRange } from "./types";

export async function getAllReports(db: Tx, shopId: string, range: ReportRange): Promise<AllReports> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  // One after another: on SQLite the queries share one connection anyway, and on a busy
  // PostgreSQL a burst of nine is not kinder.
  const summary = await getSummaryReport(db, shopId, range);
  const ltv = await getLtvReport(db, shopId, range);
  const clv = await getClvReport(db, shopId, range);
  const repeat = await getRepeatReport(db, shopId, range);
  const cohorts = await getCohortReport(db, shopId, range);
  const pareto = await getParetoReport(db, shopId, range);
  const rfm = await getRfmReport(db, shopId, range);
  const scenarios = await getScenarioReport(db, shopId, range);
  const emailRevenue = await getEmailRevenueReport(db, shopId, range);
  const guard = await guardCounters(db, shopId, range);
  return {
    shop: shop.domain,
    currency: range.currency,
    timezone: range.timezone,
    fromDate: range.fromDate,
    toDate: range.toDate,
    summary,
    ltv,
    clv,
    repeat,
    cohorts,
    pareto,
    rfm,
    scenarios,
    emailRevenue,
    guard,
  };
}
