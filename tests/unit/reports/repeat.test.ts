import { describe, expect, test } from "vitest";
import { assembleRepeat } from "~/modules/reports/repeat";

describe("repeat rate, F2–F4 and the funnel", () => {
  test("hand-computed: 10 customers with 1,1,1,1,2,2,3,4,6,7 orders", () => {
    const report = assembleRepeat({
      byOrders: [4, 2, 1, 1, 2],
      f2: [
        { days: 30, eligible: 8, converted: 2 },
        { days: 60, eligible: 5, converted: 0 },
        { days: 90, eligible: 0, converted: 0 },
        { days: 180, eligible: 0, converted: 0 },
      ],
      medianDaysToSecondOrder: 12.345,
    });
    expect(report.customers).toBe(10);
    expect(report.repeatCustomers).toBe(6);
    expect(report.f2Rate).toBe(0.6);
    // 4 of the 6 with two orders have a third; 3 of those 4 a fourth
    expect(report.f3Rate).toBeCloseTo(4 / 6, 6);
    expect(report.f4Rate).toBe(0.75);
    expect(report.funnel.map((s) => s.customers)).toEqual([10, 6, 4, 3, 2]);
    expect(report.funnel.map((s) => s.conversion)).toEqual([1, 0.6, 0.666667, 0.75, 0.666667]);
    expect(report.f2Within).toEqual([
      { days: 30, eligible: 8, rate: 0.25 },
      { days: 60, eligible: 5, rate: 0 },
      { days: 90, eligible: 0, rate: 0 },
      { days: 180, eligible: 0, rate: 0 },
    ]);
    expect(report.medianDaysToSecondOrder).toBe(12.3);
  });

  test("nobody: rates are 0, the median is null", () => {
    const report = assembleRepeat({ byOrders: [0, 0, 0, 0, 0], f2: [], medianDaysToSecondOrder: null });
    expect(report).toMatchObject({ customers: 0, f2Rate: 0, f3Rate: 0, f4Rate: 0, medianDaysToSecondOrder: null });
  });
});
