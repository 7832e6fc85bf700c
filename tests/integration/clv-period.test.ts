// Predicted CLV for a past period, through the CLI: a CDNOW-like shop (BG/NBD customers with
// Fader–Hardie–Lee's CDNOW parameters, a = 0.793 < 1) fitted at the end of its 39-week
// calibration period recovers the parameters, and the 39 weeks after it check the prediction.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { reportTable, runReport } from "~/cli/commands/report";
import { createTestDb, type TestDb } from "../helpers/db";
import { seedBgNbdShop } from "../helpers/bgnbd-shop";

const DOMAIN = "cdnow-like.myshopify.com";
const CDNOW = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const START = new Date("2025-01-01T00:00:00Z");
const WEEK_MS = 7 * 86_400_000;
/** week 39: the last calibration day is the day before */
const CALIBRATION_END = new Date(START.getTime() + 39 * WEEK_MS);
const NOW = new Date(START.getTime() + 78 * WEEK_MS);

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
  await seedBgNbdShop(t.db, DOMAIN, {
    params: CDNOW,
    customers: 2357,
    acquisitionWeeks: 12,
    weeks: 78,
    start: START,
    seed: 1997,
  });
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe("CLV at the end of a past period", () => {
  test("report --to the calibration end: only orders before it, T measured there, CDNOW's parameters recovered, the holdout 39 weeks predicted", async () => {
    const to = new Date(CALIBRATION_END.getTime() - 86_400_000).toISOString().slice(0, 10);
    const result = await runReport(t.db, DOMAIN, { from: "2025-01-01", to, now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const clv = result.output.predictedClv;
    expect(clv.measuredAt).toBe(CALIBRATION_END.toISOString());
    expect(clv.method).toBe("bgnbd_gamma_gamma");
    const bg = clv.parameters?.bgnbd;
    if (!bg) throw new Error("no parameters");
    // The truth: r = 0.243, α = 4.414 (mean rate r/α = 0.055 a week), a = 0.793, b = 2.426 (mean dropout a/(a+b) = 0.246).
    expect(bg.r).toBeGreaterThan(0.15);
    expect(bg.r).toBeLessThan(0.4);
    expect(bg.r / bg.alpha).toBeGreaterThan(0.055 * 0.75);
    expect(bg.r / bg.alpha).toBeLessThan(0.055 * 1.33);
    expect(bg.a).toBeLessThan(1.5);
    expect(bg.a / (bg.a + bg.b)).toBeGreaterThan(0.12);
    expect(bg.a / (bg.a + bg.b)).toBeLessThan(0.4);
    // The check: the 39 weeks after the calibration end, predicted from the calibration alone.
    const check = clv.check;
    if (!check) throw new Error(`no check: ${clv.checkReason}`);
    expect(check).toMatchObject({
      kind: "later_period",
      calibrationEnd: CALIBRATION_END.toISOString(),
      checkEnd: NOW.toISOString(),
      weeks: 39,
      customers: 2357,
    });
    expect(check.actualRepeatPurchases).toBeGreaterThan(500);
    expect(Math.abs(check.relativeError ?? 1)).toBeLessThan(0.15);
    // A customer alive at the end still buys: the average CLV is far from the "everyone is gone" $0.05.
    expect(clv.averageExpectedOrders12m).toBeGreaterThan(0.3);
    expect(reportTable(result.output)).toMatch(
      /CLV model check\s+[\d.]+ repeat purchases predicted over the 39 weeks from 2025-10-01, \d+ happened/,
    );
  }, 120_000);

  test("the default range (to today): measured now, and the model checked against its own last 13 weeks", async () => {
    const result = await runReport(t.db, DOMAIN, { now: NOW });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const clv = result.output.predictedClv;
    expect(clv.measuredAt).toBe(NOW.toISOString());
    expect(clv.check).toMatchObject({ kind: "split", checkEnd: NOW.toISOString(), weeks: 13 });
    expect(Math.abs(clv.check?.relativeError ?? 1)).toBeLessThan(0.25);
  }, 120_000);
});
