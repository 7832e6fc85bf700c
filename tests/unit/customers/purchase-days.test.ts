import { describe, expect, test } from "vitest";
import { countPurchaseDays } from "~/modules/mirror/customers/purchase-days";

const at = (...isos: string[]) => isos.map((iso) => new Date(iso));

describe("countPurchaseDays: distinct shop-local calendar days", () => {
  test("two orders on one local day are one purchase; across local midnight, two", () => {
    // Tokyo (UTC+9): 14:30Z and 15:30Z are 23:30 and 00:30 local
    expect(countPurchaseDays(at("2026-02-11T14:30:00Z", "2026-02-11T15:30:00Z"), "Asia/Tokyo")).toBe(2);
    // 23:30Z and 00:30Z (two UTC days) are 08:30 and 09:30 on one Tokyo day
    expect(countPurchaseDays(at("2026-02-11T23:30:00Z", "2026-02-12T00:30:00Z"), "Asia/Tokyo")).toBe(1);
    expect(countPurchaseDays(at("2026-02-11T23:30:00Z", "2026-02-12T00:30:00Z"), "UTC")).toBe(2);
    expect(countPurchaseDays([], "Asia/Tokyo")).toBe(0);
  });

  test("the offset of each instant's own date: New York before and after the clocks change", () => {
    // 8 March 2026, 00:30 EST (05:30Z) and 23:30 EDT (03:30Z on the 9th): one day
    expect(countPurchaseDays(at("2026-03-08T05:30:00Z", "2026-03-09T03:30:00Z"), "America/New_York")).toBe(1);
    // 1 November 2026: 00:30 EDT (04:30Z) and 23:30 EST (04:30Z on the 2nd): one day
    expect(countPurchaseDays(at("2026-11-01T04:30:00Z", "2026-11-02T04:30:00Z"), "America/New_York")).toBe(1);
    // a UTC offset read once for all would split one of them
    expect(countPurchaseDays(at("2026-03-08T04:30:00Z", "2026-03-09T03:30:00Z"), "America/New_York")).toBe(2);
  });
});
