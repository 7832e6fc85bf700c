import { describe, expect, test } from "vitest";
import { assembleRfm, fmScore, quintileFromRank, rfmSegment } from "~/modules/reports/rfm";

describe("RFM", () => {
  test("quintiles from ranks: ten customers, two per score; ties share their first rank", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((rank) => quintileFromRank(rank, 10))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
    ]);
    // orders 1,1,1,1,1,1,2,2,3,9 → RANK 1,1,1,1,1,1,7,7,9,10
    expect([1, 1, 1, 1, 1, 1, 7, 7, 9, 10].map((rank) => quintileFromRank(rank, 10))).toEqual([
      1, 1, 1, 1, 1, 1, 4, 4, 5, 5,
    ]);
    expect(quintileFromRank(1, 1)).toBe(1);
  });

  test("FM is the mean of F and M, halves rounded up", () => {
    expect(fmScore(1, 1)).toBe(1);
    expect(fmScore(1, 2)).toBe(2);
    expect(fmScore(4, 5)).toBe(5);
    expect(fmScore(3, 5)).toBe(4);
  });

  test("the segment map", () => {
    expect(rfmSegment(5, 5)).toBe("champions");
    expect(rfmSegment(5, 4)).toBe("champions");
    expect(rfmSegment(4, 4)).toBe("loyal");
    expect(rfmSegment(3, 5)).toBe("loyal");
    expect(rfmSegment(5, 1)).toBe("new_customers");
    expect(rfmSegment(4, 1)).toBe("promising");
    expect(rfmSegment(4, 2)).toBe("potential_loyalists");
    expect(rfmSegment(5, 3)).toBe("potential_loyalists");
    expect(rfmSegment(3, 3)).toBe("need_attention");
    expect(rfmSegment(3, 1)).toBe("about_to_sleep");
    expect(rfmSegment(2, 3)).toBe("at_risk");
    expect(rfmSegment(1, 5)).toBe("cannot_lose");
    expect(rfmSegment(1, 1)).toBe("hibernating");
  });

  test("cells become the grid and the segments with their averages", () => {
    const report = assembleRfm(
      [
        { r: 5, fm: 5, customers: 2, revenue: 300, recencyDaysSum: 4, ordersSum: 12 },
        { r: 4, fm: 5, customers: 1, revenue: 100, recencyDaysSum: 10, ordersSum: 3 },
        { r: 1, fm: 1, customers: 1, revenue: 20, recencyDaysSum: 400, ordersSum: 1 },
      ],
      { recencyDays: [3, 9], orders: [2], monetary: [50] },
      new Date("2026-11-23T00:00:00Z"),
    );
    expect(report.customers).toBe(4);
    expect(report.grid[4]![4]).toBe(2);
    expect(report.grid[3]![4]).toBe(1);
    expect(report.grid[0]![0]).toBe(1);
    const by = Object.fromEntries(report.segments.map((s) => [s.key, s]));
    expect(by.champions).toMatchObject({
      customers: 2,
      share: 0.5,
      revenue: 300,
      averageRecencyDays: 2,
      averageOrders: 6,
      label: { ja: "優良顧客", en: "Champions" },
    });
    expect(by.loyal).toMatchObject({ customers: 1, share: 0.25, revenue: 100 });
    expect(by.hibernating).toMatchObject({ customers: 1, averageRecencyDays: 400 });
    expect(by.at_risk).toMatchObject({ customers: 0, averageRecencyDays: 0, averageOrders: 0 });
  });
});
