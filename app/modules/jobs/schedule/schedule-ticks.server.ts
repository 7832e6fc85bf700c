// The engine's heartbeat: one node-cron task fires every minute; the instance elected for that
// minute (lease coordinator) lists the installed shops and runs each shop's tick under a per-shop
// lease, so a shop is never ticked twice at once even when a tick outlasts its minute.
//
// The cron runs in UTC and knows nothing of shop timezones. Daily work at shop-local times
// ("10:00 shop time", birthdays at 09:00, quiet hours) is the engine's: each tick compares the
// shop's clock with the scenario's hour. One task for all shops needs no rescheduling when a
// shop changes its timezone or a shop installs, and a missed minute is caught up by the next
// tick instead of waiting a day.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import cron, { type Logger, type ScheduledTask } from "node-cron";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { acquireLease, releaseLease } from "./db-lease.server";
import { createLeaseRunCoordinator } from "./lease-coordinator.server";
import { itemAt } from "~/lib/arrays";
import { appTimeAt } from "~/modules/platform/time/clock.server";

export const SHOP_TICKS_TASK_NAME = "joren-shop-ticks";

export interface ScheduleShopTicksOptions {
  db: Db;
  runTick: (shopId: string, now: Date) => Promise<unknown>;
  /** node-cron syntax; six fields (seconds first) are allowed */
  cronExpression?: string;
  /** unique per app instance */
  holder?: string;
  /** how long a crashed instance keeps a shop's tick lease; a tick should finish well within it */
  shopLeaseMs?: number;
  /** how long a fire's election lease lives; must exceed the clock skew between instances */
  slotLeaseMs?: number;
  /** shops ticked at the same time by one instance */
  concurrency?: number;
  onTickError?: (shopId: string, error: unknown) => void;
  /**
   * The tick's now for the minute a fire is for: the app's time (platform/time/clock.server), so
   * a server started with a test clock ticks on it. The leases stay on the wall clock.
   */
  timeOf?: (fired: Date) => Date;
}

/** The options with every default filled in (what one run of the ticks needs). */
export type ShopTickRunOptions = Required<Omit<ScheduleShopTicksOptions, "cronExpression" | "timeOf">>;

export interface ShopTicksHandle {
  task: ScheduledTask;
  holder: string;
  /** stops firing and waits for a tick run in progress */
  stop(): Promise<void>;
}

export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

const cronLogger: Logger = {
  info: (message) => log("debug", `node-cron: ${message}`),
  debug: (message) => log("debug", `node-cron: ${String(message)}`),
  // A still-running tick on this instance is expected: another instance takes that minute.
  warn: (message) => log(message.includes("overlap prevention") ? "debug" : "warn", `node-cron: ${message}`),
  error: (message, err) => log("error", `node-cron: ${String(message)}`, { error: err?.message }),
};

function reportTickError(shopId: string, error: unknown): void {
  log("error", "shop tick failed", { shopId, error: error instanceof Error ? error.message : String(error) });
}

async function tickShop(options: ShopTickRunOptions, shopId: string, now: Date): Promise<void> {
  const key = `tick:${shopId}`;
  if (!(await acquireLease(options.db, key, options.holder, options.shopLeaseMs, new Date()))) return;
  try {
    await options.runTick(shopId, now);
  } catch (error) {
    options.onTickError(shopId, error);
  } finally {
    await releaseLease(options.db, key, options.holder);
  }
}

/** One fire: every installed shop, each under its `tick:<shopId>` lease. */
export async function runShopTicks(options: ShopTickRunOptions, now: Date): Promise<void> {
  const shops = await options.db.shop.findMany({
    where: { uninstalledAt: null },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  let next = 0;
  const worker = async () => {
    while (next < shops.length) {
      const shop = itemAt(shops, next++, "shop");
      await tickShop(options, shop.id, now).catch((error: unknown) => options.onTickError(shop.id, error));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, shops.length)) }, worker));
}

export function scheduleShopTicks(options: ScheduleShopTicksOptions): ShopTicksHandle {
  const resolved: ShopTickRunOptions = {
    db: options.db,
    runTick: options.runTick,
    holder: options.holder ?? defaultHolder(),
    shopLeaseMs: options.shopLeaseMs ?? 5 * 60_000,
    slotLeaseMs: options.slotLeaseMs ?? 5 * 60_000,
    concurrency: options.concurrency ?? 4,
    onTickError: options.onTickError ?? reportTickError,
  };
  const timeOf = options.timeOf ?? appTimeAt;
  let running: Promise<void> | null = null;
  const task = cron.schedule(
    options.cronExpression ?? "* * * * *",
    async ({ date }) => {
      const run = runShopTicks(resolved, timeOf(date)).catch((error: unknown) =>
        log("error", "shop ticks failed", { error: String(error) }),
      );
      running = run;
      await run;
    },
    {
      // The name is the election key's prefix: it must be the same on every instance.
      name: SHOP_TICKS_TASK_NAME,
      noOverlap: true,
      distributed: true,
      runCoordinator: createLeaseRunCoordinator(resolved.db, { holder: resolved.holder }),
      distributedLease: resolved.slotLeaseMs,
      logger: cronLogger,
    },
  );
  return {
    task,
    holder: resolved.holder,
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
