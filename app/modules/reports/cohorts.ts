// Cohort retention table from (cohort month, order month, distinct customers) counts (pure).
import { monthKey } from "./range";
import { ratio, roundRate } from "./stats";
import type { CohortReport } from "./types";

export interface CohortMonthCount {
  /** month index (year × 12 + month − 1) of the first order */
  cohort: number;
  /** month index of the orders */
  month: number;
  customers: number;
}

/**
 * Every cohort's size is its month-0 count (each customer orders in the month of their first
 * order). Months after `currentMonth` have not happened and are left out, so a row's length
 * says how far the cohort can be read.
 */
export function assembleRetention(counts: readonly CohortMonthCount[], currentMonth: number): CohortReport {
  const byCohort = new Map<number, Map<number, number>>();
  for (const { cohort, month, customers } of counts) {
    if (month < cohort) continue;
    const months = byCohort.get(cohort) ?? new Map<number, number>();
    months.set(month - cohort, (months.get(month - cohort) ?? 0) + customers);
    byCohort.set(cohort, months);
  }
  const cohorts = [...byCohort.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([cohort, months]) => {
      const size = months.get(0) ?? 0;
      const span = Math.max(0, currentMonth - cohort);
      const retention = Array.from({ length: span + 1 }, (_, k) => roundRate(ratio(months.get(k) ?? 0, size)));
      return { cohort: monthKey(cohort), customers: size, retention };
    });
  return { cohorts };
}
