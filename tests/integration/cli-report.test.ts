// `npm run joren -- report`: runReport against a real migrated database, and the command end to
// end once (arguments, stdout JSON only, exit codes).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { reportTable, runReport } from "~/cli/commands/report";
import { createTestDb, type TestDb } from "../helpers/db";
import { REPORTS_NOW, seedReportsShop } from "../helpers/reports-shop";
import { captureCli } from "../helpers/cli-capture";

const DOMAIN = "cli-report.myshopify.com";

let t: TestDb;

beforeEach(async () => {
  t = await createTestDb();
  await seedReportsShop(t.db, DOMAIN);
});

afterEach(async () => {
  await t.close();
});

describe("report command", () => {
  test("one document with the headline numbers, cohorts, RFM and one object per scenario", async () => {
    const result = await runReport(t.db, DOMAIN, { from: "2026-01-01", to: "2026-06-14", now: REPORTS_NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const doc = result.output;
    expect(doc).toMatchObject({
      shop: DOMAIN,
      currency: "JPY",
      from: "2026-01-01",
      to: "2026-06-14",
      customers: 6,
      orders: 12,
      netRevenue: 65_000,
      averageLtv: 12_000,
      // the range's repeat rate (A, B, E, F of 6) is not F2 (A, B, E of the 5 acquired)
      repeatRate: 0.666667,
      f2Rate: 0.6,
      paretoTop20Share: 0.615385,
      medianDaysToSecondOrder: 15,
    });
    expect(doc.cohorts.map((c) => c.cohort)).toEqual(["2026-01", "2026-02", "2026-03"]);
    expect(doc.rfm.customers).toBe(5);
    expect(doc.scenarios.find((s) => s.key === "cart_abandonment")).toMatchObject({
      key: "cart_abandonment",
      sent: 2,
      heldOut: 1,
      attributedRevenue: 5_000,
      lift: { conversionLift: -0.5 },
    });
    expect(doc.guard).toEqual({ offersWithheld: 0, loyaltyVariantsSent: 0, firstPurchaseRedemptionsByRepeat: 0 });
    const table = reportTable(doc);
    expect(table).toContain("net revenue");
    expect(table).toContain("65,000 JPY");
    expect(table).toContain("cart_abandonment");
  });

  test("bad dates: exit code 2 and what to type instead", async () => {
    expect(await runReport(t.db, DOMAIN, { from: "01/02/2026" })).toEqual({
      ok: false,
      exitCode: 2,
      message: 'from: "01/02/2026" is not a date; use YYYY-MM-DD, e.g. 2026-01-01; nothing computed',
    });
    const swapped = await runReport(t.db, DOMAIN, { from: "2026-05-01", to: "2026-04-01" });
    expect(!swapped.ok && swapped.message).toContain("is after to");
  });

  test("an unknown shop names the fix", async () => {
    await expect(runReport(t.db, "nobody.myshopify.com")).rejects.toThrow(
      "npm run joren -- shop:add nobody.myshopify.com",
    );
  });
});

describe("npm run joren -- report", () => {
  const { stdout, stderr } = captureCli(() => t.url);

  test("--json prints one JSON document on stdout; a bad date exits 2 with nothing on stdout", async () => {
    const { main } = await import("~/cli/main");
    expect(await main(["report", "--shop", DOMAIN, "--json", "--from", "2026-02-01", "--to", "2026-02-28"])).toBe(0);
    const doc = JSON.parse(stdout.join(""));
    // B's first order, 31 January 16:00 UTC, is 1 February in Tokyo
    expect(doc).toMatchObject({ from: "2026-02-01", to: "2026-02-28", orders: 3, netRevenue: 19_000, newCustomers: 2 });
    expect(stderr.join("")).toContain("reports for cli-report.myshopify.com");

    stdout.length = 0;
    expect(await main(["report", "--shop", DOMAIN, "--to", "2026-02-30"])).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join("")).toContain('to: "2026-02-30" is not a date');
  });
});
