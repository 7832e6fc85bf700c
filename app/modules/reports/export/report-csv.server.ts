// One report as CSV: only that report is computed (the Reports page computes them all; an export needs one).
import type { Tx } from "~/db.server";
import * as reports from "~/modules/reports";
import type { ReportRange } from "~/modules/reports";
import { reportCsv, type CsvReport } from "./report-csv";

export async function reportCsvFor(db: Tx, shopId: string, range: ReportRange, report: CsvReport): Promise<string> {
  switch (report) {
    case "summary":
      return reportCsv.summary(await reports.getSummaryReport(db, shopId, range), range);
    case "ltv":
      return reportCsv.ltv(await reports.getLtvReport(db, shopId, range));
    case "clv":
      return reportCsv.clv(await reports.getClvReport(db, shopId, range));
    case "repeat":
      return reportCsv.repeat(await reports.getRepeatReport(db, shopId, range));
    case "cohorts":
      return reportCsv.cohorts(await reports.getCohortReport(db, shopId, range));
    case "pareto":
      return reportCsv.pareto(await reports.getParetoReport(db, shopId, range));
    case "rfm":
      return reportCsv.rfm(await reports.getRfmReport(db, shopId, range));
    case "scenarios":
      return reportCsv.scenarios(await reports.getScenarioReport(db, shopId, range));
    case "email_revenue":
      return reportCsv.email_revenue(await reports.getEmailRevenueReport(db, shopId, range));
  }
}
