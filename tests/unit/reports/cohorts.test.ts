import { describe, expect, test } from "vitest";
import { assembleRetention } from "~/modules/reports/cohorts";
import { monthIndex } from "~/modules/reports/range";

describe("cohort retention", () => {
  test("shares per month since the cohort month; future months left out", () => {
    const jan = monthIndex(2026, 1);
    const report = assembleRetention(
      [
        { cohort: jan, month: jan, customers: 4 },
        { cohort: jan, month: jan + 2, customers: 1 },
        { cohort: jan, month: jan + 1, customers: 2 },
        { cohort: jan + 2, month: jan + 2, customers: 3 },
      ],
      jan + 3,
    );
    expect(report.cohorts).toEqual([
      { cohort: "2026-01", customers: 4, retention: [1, 0.5, 0.25, 0] },
      { cohort: "2026-03", customers: 3, retention: [1, 0] },
    ]);
  });
});
