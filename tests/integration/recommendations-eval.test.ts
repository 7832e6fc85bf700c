// The offline evaluation on a small synthetic store: the shipped pipeline (recompute + per-customer
// lists on the real database) must beat the bestseller baseline on hit-rate@10 after a time split.
import { evaluateRecommendations, insertSyntheticStore } from "~/modules/engine/recommendations/evaluate.server";
import { syntheticStore } from "~/modules/engine/recommendations/synthetic-purchases";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
afterEach(async () => t?.close());

test("recommendations beat bestsellers on hit-rate@10 (time split)", async () => {
  t = await createTestDb();
  const shop = await t.db.shop.create({ data: { domain: "recs-eval.myshopify.com", isLocal: true } });
  const store = syntheticStore({ seed: 7, customers: 800 });
  const ids = await insertSyntheticStore(t.db, shop.id, store);
  const split = new Date(store.end.getTime() - 60 * 86_400_000);
  const result = await evaluateRecommendations(t.db, shop.id, store, ids, split);
  expect(result.evaluatedCustomers).toBeGreaterThan(50);
  expect(result.hitRate.bestsellers).toBeGreaterThan(0);
  expect(result.hitRate.recommendations).toBeGreaterThan(result.hitRate.bestsellers);
}, 120_000);

test("the scheduler's pass recomputes shops whose model is missing or a day old, and only those", async () => {
  const { refreshStaleRecommendationModels } = await import("~/modules/jobs/schedule/refresh-recommendations.server");
  t = await createTestDb();
  const a = await t.db.shop.create({ data: { domain: "recs-a.myshopify.com", isLocal: true } });
  const b = await t.db.shop.create({ data: { domain: "recs-b.myshopify.com", isLocal: true } });
  await t.db.shop.create({ data: { domain: "recs-gone.myshopify.com", isLocal: true, uninstalledAt: new Date() } });
  const now = new Date("2026-11-02T00:23:00Z");
  expect((await refreshStaleRecommendationModels(t.db, "instance-1", now)).sort()).toEqual([a.id, b.id].sort());
  expect(await refreshStaleRecommendationModels(t.db, "instance-1", new Date(now.getTime() + 3_600_000))).toEqual([]);
  await t.db.recommendationModel.update({
    where: { shopId: a.id },
    data: { computedAt: new Date(now.getTime() - 25 * 3_600_000) },
  });
  expect(await refreshStaleRecommendationModels(t.db, "instance-1", now)).toEqual([a.id]);
  // a shop another instance is recomputing (its lease is held) is left alone
  await t.db.recommendationModel.update({ where: { shopId: b.id }, data: { computedAt: new Date(0) } });
  await t.db.lease.create({
    data: { key: `recs:${b.id}`, holder: "instance-2", expiresAt: new Date(Date.now() + 60_000) },
  });
  expect(await refreshStaleRecommendationModels(t.db, "instance-1", now)).toEqual([]);
});
