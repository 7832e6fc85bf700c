// The Lease table under real concurrency: separate database clients (as separate app instances
// would have) race for the same key. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
import cron, { type Logger, type RunCoordinator } from "node-cron";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createDb, type Db } from "~/db.server";
import { acquireLease, pruneExpiredLeases, releaseLease } from "~/modules/jobs/schedule/db-lease.server";
import { CRON_LEASE_PREFIX, createLeaseRunCoordinator } from "~/modules/jobs/schedule/lease-coordinator.server";
import { scheduleShopTicks } from "~/modules/jobs/schedule/schedule-ticks.server";
import { createTestDb, type TestDb } from "../helpers/db";

const T0 = new Date("2026-05-01T00:00:00Z");
const TTL = 30_000;
const HOLDERS = ["instance-a", "instance-b", "instance-c"];
const quietLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

let t: TestDb;
let clients: Db[];

beforeEach(async () => {
  t = await createTestDb();
  clients = [t.db, await createDb(t.url), await createDb(t.url)];
});

afterEach(async () => {
  for (const client of clients.slice(1)) await client.$disconnect();
  await t.close();
});

const at = (ms: number) => new Date(T0.getTime() + ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The cron tests run on a fake clock (node-cron's timers and Date, and the ticks' sleeps) while
// the database stays real: every query is tracked, and time moves on only once the queries of
// the fires so far have settled, so each fire sees the database as the previous ones left it.
const inFlight = new Set<Promise<unknown>>();
function tracked(db: Db): Db {
  return db.$extends({
    query: {
      $allOperations({ args, query }) {
        const pending = query(args);
        inFlight.add(pending);
        const settle = () => inFlight.delete(pending);
        pending.then(settle, settle);
        return pending;
      },
    },
  }) as unknown as Db;
}
function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"], now: T0 });
}
/** Moves the fake clock on by `ms`, then lets every query the timers started finish. */
async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  while (inFlight.size > 0) {
    await Promise.allSettled([...inFlight]);
    await vi.advanceTimersByTimeAsync(0);
  }
}
/** Stops a schedule while its last tick may still be sleeping on the fake clock. */
async function stopOnFakeClock(stops: Promise<unknown>): Promise<void> {
  let stopped = false;
  void stops.then(() => (stopped = true));
  for (let i = 0; i < 100 && !stopped; i++) await elapse(100);
  await stops;
}
afterEach(() => {
  vi.useRealTimers();
});

/** Every holder, each on its own client, asks for the key at the same moment. */
function race(key: string, now: Date): Promise<boolean[]> {
  return Promise.all(HOLDERS.map((holder, i) => acquireLease(clients[i]!, key, holder, TTL, now)));
}

async function holderOf(key: string): Promise<string | null> {
  return (await t.db.lease.findUnique({ where: { key } }))?.holder ?? null;
}

describe("acquireLease / releaseLease", () => {
  test("a free key is taken; another holder is refused; the holder renews", async () => {
    expect(await acquireLease(t.db, "k", "a", TTL, T0)).toBe(true);
    expect(await acquireLease(t.db, "k", "b", TTL, at(1000))).toBe(false);
    expect(await acquireLease(t.db, "k", "a", TTL, at(20_000))).toBe(true);
    const lease = await t.db.lease.findUniqueOrThrow({ where: { key: "k" } });
    expect(lease).toMatchObject({ holder: "a", expiresAt: at(20_000 + TTL) });
    // still within the renewed lease: b must wait
    expect(await acquireLease(t.db, "k", "b", TTL, at(40_000))).toBe(false);
  });

  test("an expired lease can be taken over, and the old holder is then refused", async () => {
    expect(await acquireLease(t.db, "k", "a", TTL, T0)).toBe(true);
    expect(await acquireLease(t.db, "k", "b", TTL, at(TTL))).toBe(false);
    expect(await acquireLease(t.db, "k", "b", TTL, at(TTL + 1))).toBe(true);
    expect(await acquireLease(t.db, "k", "a", TTL, at(TTL + 2))).toBe(false);
    expect(await holderOf("k")).toBe("b");
  });

  test("release frees the key at once; only the holder can release", async () => {
    await acquireLease(t.db, "k", "a", TTL, T0);
    expect(await releaseLease(t.db, "k", "b")).toBe(false);
    expect(await holderOf("k")).toBe("a");
    expect(await releaseLease(t.db, "k", "a")).toBe(true);
    expect(await holderOf("k")).toBeNull();
    expect(await acquireLease(t.db, "k", "b", TTL, at(1))).toBe(true);
    expect(await releaseLease(t.db, "k", "a")).toBe(false);
  });

  test("leases are independent per key", async () => {
    expect(await acquireLease(t.db, "tick:shop-1", "a", TTL, T0)).toBe(true);
    expect(await acquireLease(t.db, "tick:shop-2", "b", TTL, T0)).toBe(true);
  });

  test("racing for a key that does not exist yet: exactly one holder wins each round", async () => {
    for (let round = 0; round < 40; round += 1) {
      const wins = await race(`fresh:${round}`, T0);
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await holderOf(`fresh:${round}`)).toBe(HOLDERS[wins.indexOf(true)]);
    }
  });

  test("racing to take over an expired lease: exactly one holder wins each round", async () => {
    for (let round = 0; round < 40; round += 1) {
      // each round starts after the previous lease expired, so every holder is eligible
      const wins = await race("expired", at(round * (TTL + 1)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = HOLDERS[wins.indexOf(true)];
      expect(await holderOf("expired")).toBe(winner);
    }
  });

  test("racing for a released lease: exactly one holder wins each round", async () => {
    for (let round = 0; round < 40; round += 1) {
      const now = at(round);
      const wins = await race("released", now);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = HOLDERS[wins.indexOf(true)];
      // while it is held, nobody else gets it
      expect((await race("released", now)).map((won, i) => won && HOLDERS[i] !== winner)).not.toContain(true);
      expect(await releaseLease(clients[HOLDERS.indexOf(winner!)]!, "released", winner!)).toBe(true);
    }
  });

  test("pruning removes only expired leases under the prefix", async () => {
    await acquireLease(t.db, "cron:old", "a", TTL, T0);
    await acquireLease(t.db, "cron:new", "a", TTL, at(TTL));
    await acquireLease(t.db, "tick:old", "a", TTL, T0);
    expect(await pruneExpiredLeases(t.db, "cron:", at(TTL + 1))).toBe(1);
    expect((await t.db.lease.findMany({ orderBy: { key: "asc" } })).map((l) => l.key)).toEqual([
      "cron:new",
      "tick:old",
    ]);
  });
});

describe("lease run coordinator (node-cron RunCoordinator)", () => {
  const coordinators = (now?: () => Date): RunCoordinator[] =>
    HOLDERS.map((holder, i) => createLeaseRunCoordinator(clients[i]!, { holder, now }));

  test("elects exactly one instance per slot key, and each slot independently", async () => {
    const all = coordinators(() => T0);
    for (const slot of ["2026-05-01T00:00:00.000Z", "2026-05-01T00:01:00.000Z", "2026-05-01T00:02:00.000Z"]) {
      const answers = await Promise.all(all.map((c) => c.shouldRun(`joren-shop-ticks:${slot}`, 60_000)));
      expect(answers.every((a) => typeof a === "boolean")).toBe(true);
      expect(answers.filter(Boolean)).toHaveLength(1);
    }
  });

  test("a completed slot stays taken for late instances; onComplete prunes expired slots", async () => {
    let now = T0;
    const [a, b] = coordinators(() => now);
    expect(await a!.shouldRun("task:slot-1", 60_000)).toBe(true);
    await a!.onComplete?.("task:slot-1");
    expect(await b!.shouldRun("task:slot-1", 60_000)).toBe(false);
    now = at(61_000);
    expect(await a!.shouldRun("task:slot-2", 60_000)).toBe(true);
    await a!.onComplete?.("task:slot-2");
    const keys = (await t.db.lease.findMany()).map((l) => l.key);
    expect(keys).toEqual([`${CRON_LEASE_PREFIX}task:slot-2`]);
  });

  test("two node-cron tasks with the same name on different instances run each fire once", async () => {
    useFakeClock();
    const runs: string[] = [];
    const tasks = HOLDERS.map((holder, i) =>
      cron.schedule("* * * * * *", ({ date }) => void runs.push(date.toISOString()), {
        name: "lease-test",
        distributed: true,
        runCoordinator: createLeaseRunCoordinator(tracked(clients[i]!), { holder }),
        distributedLease: 60_000,
        logger: quietLogger,
      }),
    );
    await elapse(3_300);
    for (const task of tasks) await task.destroy();
    await elapse(200);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(runs).size).toBe(runs.length);
  });
});

describe("scheduleShopTicks", () => {
  test("each installed shop is ticked once per fire across instances, never concurrently", async () => {
    const [a, b] = await Promise.all([
      t.db.shop.create({ data: { domain: "a.myshopify.com" } }),
      t.db.shop.create({ data: { domain: "b.myshopify.com" } }),
    ]);
    await t.db.shop.create({ data: { domain: "gone.myshopify.com", uninstalledAt: T0 } });
    const ticks: { shopId: string; slot: string; holder: string }[] = [];
    const active = new Map<string, number>();
    let overlapped = false;
    useFakeClock();
    const handles = HOLDERS.slice(0, 2).map((holder, i) =>
      scheduleShopTicks({
        db: tracked(clients[i]!),
        holder,
        cronExpression: "* * * * * *",
        runTick: async (shopId, now) => {
          active.set(shopId, (active.get(shopId) ?? 0) + 1);
          if ((active.get(shopId) ?? 0) > 1) overlapped = true;
          ticks.push({ shopId, slot: now.toISOString(), holder });
          // longer than the one-second cron: the next fire finds the shop leased
          await sleep(shopId === a.id ? 1_500 : 10);
          active.set(shopId, (active.get(shopId) ?? 0) - 1);
        },
      }),
    );
    // a second at a time, so the slow shop's tick spans fires while its lease is held
    for (let second = 0; second < 4; second++) await elapse(1_000);
    await elapse(300);
    await stopOnFakeClock(Promise.all(handles.map((h) => h.stop())));

    expect(overlapped).toBe(false);
    expect(ticks.every((tick) => tick.shopId === a.id || tick.shopId === b.id)).toBe(true);
    const perShopSlot = ticks.map((tick) => `${tick.shopId}@${tick.slot}`);
    expect(new Set(perShopSlot).size).toBe(perShopSlot.length);
    expect(ticks.filter((tick) => tick.shopId === b.id).length).toBeGreaterThanOrEqual(3);
    // the slow shop was skipped while its lease was held, then ticked again
    const slowTicks = ticks.filter((tick) => tick.shopId === a.id).length;
    expect(slowTicks).toBeGreaterThanOrEqual(2);
    expect(slowTicks).toBeLessThan(ticks.filter((tick) => tick.shopId === b.id).length);
    expect(await t.db.lease.count({ where: { key: { startsWith: "tick:" } } })).toBe(0);
  });

  test("a failing tick is reported and does not stop the other shops", async () => {
    const [a, b] = await Promise.all([
      t.db.shop.create({ data: { domain: "a.myshopify.com" } }),
      t.db.shop.create({ data: { domain: "b.myshopify.com" } }),
    ]);
    const failures: string[] = [];
    const ticked: string[] = [];
    useFakeClock();
    const handle = scheduleShopTicks({
      db: tracked(t.db),
      holder: "solo",
      cronExpression: "* * * * * *",
      onTickError: (shopId) => failures.push(shopId),
      runTick: async (shopId) => {
        ticked.push(shopId);
        if (shopId === a.id) throw new Error("boom");
      },
    });
    await elapse(1_300);
    await stopOnFakeClock(handle.stop());
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(new Set(failures)).toEqual(new Set([a.id]));
    expect(ticked).toContain(b.id);
    expect(await t.db.lease.count({ where: { key: { startsWith: "tick:" } } })).toBe(0);
  });
});
