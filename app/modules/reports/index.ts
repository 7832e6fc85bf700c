// The reports API: one function per report, each `(db, shopId, range) => Promise<Result>`.
// Resolve the range once with resolveReportRange (it reads the shop's timezone and currency and
// refuses bad dates with ReportRangeError → a 400 in a route), then call the reports you show.
// Money comes back as plain numbers in the shop's currency, rates as fractions 0–1.
// Definitions: docs/reports.md.
export type * from "./types";
export { RFM_SEGMENTS } from "./types";
export { ReportRangeError, resolveReportRange, type ReportRangeInput } from "./range.server";
export { getSummaryReport, getParetoReport } from "./period-reports.server";
export { getLtvReport, getRepeatReport, getRfmReport, getClvReport, warmClvCheck } from "./customer-reports.server";
export { getCohortReport } from "./cohort-reports.server";
export { getScenarioReport, getEmailRevenueReport } from "./scenario-reports.server";
export { getAllReports } from "./all-reports.server";
