// The recommendation data's (and the CLV report's daily split check's) background recomputation: once an hour the elected instance walks the
// installed shops and recomputes each shop whose model is missing or a day old, under a per-shop
// lease so two instances never recompute one shop at once. Hourly checks rather than one daily
// fire, so a new install or a missed run is caught up within the hour.
import cron, { type ScheduledTask } from "node-cron";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { refreshRecommendationModelIfStale } from "~/modules/engine/recommendations/recompute-model.server";
import { warmClvCheck } from "~/modules/reports";
import { acquireLease, releaseLease } from "./db-lease.server";
import { createLeaseRunCoordinator } from "./lease-coordinator.server";
import { defaultHolder } from "./schedule-ticks.server";
import { appTimeAt } from "~/modules/platform/time/clock.server";

export const RECOMMENDATIONS_TASK_NAME = "joren-recommendations";
const SHOP_LEASE_MS = 30 * 60_000;

/** One pass: every installed shop whose model is stale, one at a time (it is background work). */
export async function refreshStaleRecommendationModels(db: Db, holder: string, now: Date): Promise<string[]> {
  const shops = await db.shop.findMany({
    where: { uninstalledAt: null },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const refreshed: string[] = [];
  for (const shop of shops) {
    const key = `recs:${shop.id}`;
    if (!(await acquireLease(db, key, holder, SHOP_LEASE_MS, new Date()))) continue;
    try {
      if (await refreshRecommendationModelIfStale(db, shop.id, now)) refreshed.push(shop.id);
    } catch (error) {
      log("error", "recommendation recompute failed", { shopId: shop.id, error: errorText(error) });
    }
    try {
      // the same daily model work for the reports: the CLV split check, once per shop-local day
      await warmClvCheck(db, shop.id, now);
    } catch (error) {
      log("error", "CLV check precompute failed; the reports page computes it on demand", {
        shopId: shop.id,
        error: errorText(error),
      });
    } finally {
      await releaseLease(db, key, holder);
    }
  }
  return refreshed;
}

export function scheduleRecommendationRefresh(options: { db: Db; holder?: string; cronExpression?: string }): {
  task: ScheduledTask;
  stop(): Promise<void>;
} {
  const holder = options.holder ?? defaultHolder();
  let running: Promise<unknown> | null = null;
  const task = cron.schedule(
    options.cronExpression ?? "23 * * * *",
    async ({ date }) => {
      // the app's time (a test clock when the server was started with one); the leases stay on the wall clock
      running = refreshStaleRecommendationModels(options.db, holder, appTimeAt(date)).catch((error: unknown) =>
        log("error", "recommendation refresh failed", { error: String(error) }),
      );
      await running;
    },
    {
      name: RECOMMENDATIONS_TASK_NAME,
      noOverlap: true,
      distributed: true,
      runCoordinator: createLeaseRunCoordinator(options.db, { holder }),
      distributedLease: 10 * 60_000,
    },
  );
  return {
    task,
    async stop() {
      await task.destroy();
      await running;
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
