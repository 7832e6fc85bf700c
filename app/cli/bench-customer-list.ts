// The Customers page at scale: one shop of N customers (default 100,000) with realistic rollups —
// a third never ordered (prospects), the rest with 1–10 orders, spend and a last order spread
// over two years, five phases, four consent states — then the page's loader query
// (`listCustomers`: count + one page of 50) for every sort, both directions, and every filter,
// on the first, a middle and the last page. SQLite (a fresh file) and PostgreSQL (a schema of
// its own at PG_TEST_URL, skipped when unreachable).
import { createDb, type Db } from "~/db.server";
import { parseCustomerListQuery } from "~/modules/admin/customers/customer-list-query";
import { listCustomers } from "~/modules/admin/customers/search-customers.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { migratedSqliteFile } from "./bench-db";
import { postgresDatabase } from "./bench-storm";

const NOW = new Date("2026-11-23T03:00:00Z");
const DAY = 86_400_000;
const CHUNK = 2000;
const PHASES = ["new", "repeat", "regular", "dormant"];
const CONSENTS = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"];

async function seedCustomers(db: Db, shopId: string, customers: number): Promise<void> {
  for (let start = 0; start < customers; start += CHUNK) {
    const data = [];
    for (let n = start; n < Math.min(customers, start + CHUNK); n++) {
      const orders = n % 3 === 0 ? 0 : 1 + ((n * 7919) % 10);
      const last = orders ? new Date(NOW.getTime() - ((n * 104_729) % (730 * 24)) * 3_600_000) : null;
      data.push({
        shopId,
        gid: `gid://shopify/Customer/${n + 1}`,
        email: `c${n}@example.jp`,
        emailNormalized: `c${n}@example.jp`,
        firstName: `Name${n}`,
        lastName: "Bench",
        phase: orders ? (PHASES[n % PHASES.length] ?? "new") : "prospect",
        emailConsent: CONSENTS[(n * 31) % CONSENTS.length] ?? "SUBSCRIBED",
        ordersCount: orders,
        netSpend: BigInt(orders * (((n * 131) % 50) + 1) * 1_000_000),
        firstOrderAt: last ? new Date(last.getTime() - orders * 20 * DAY) : null,
        lastOrderAt: last,
      });
    }
    await db.customer.createMany({ data });
  }
}

export interface CustomerListTiming {
  state: string;
  total: number;
  /** milliseconds for the first, a middle and the last page */
  firstMs: number;
  middleMs: number;
  lastMs: number;
}

async function timeStates(db: Db, shopId: string): Promise<CustomerListTiming[]> {
  const states: Record<string, string>[] = [];
  for (const sort of ["last_order", "spend", "orders"]) for (const dir of ["desc", "asc"]) states.push({ sort, dir });
  const filters: Record<string, string>[] = [
    { phase: "dormant" },
    { consent: "SUBSCRIBED" },
    { segment: "champions" },
    { segment: "at_risk" },
    { q: "c4242" },
  ];
  for (const extra of filters) {
    for (const sort of ["last_order", "spend"]) states.push({ sort, dir: "desc", ...extra });
  }
  states.push({ sort: "last_order", dir: "desc", phase: "repeat", consent: "SUBSCRIBED" });
  const results: CustomerListTiming[] = [];
  for (const params of states) {
    const time = async (page: number) => {
      const started = performance.now();
      const list = await listCustomers(
        db,
        shopId,
        parseCustomerListQuery(new URLSearchParams({ ...params, page: String(page) })),
        NOW,
      );
      return { ms: performance.now() - started, list };
    };
    await time(1); // warm: Prisma's statement compilation and the database's caches
    const first = await time(1);
    const middle = await time(Math.max(1, Math.ceil(first.list.pageCount / 2)));
    const last = await time(first.list.pageCount);
    results.push({
      state: new URLSearchParams(params).toString(),
      total: first.list.total,
      firstMs: Math.round(first.ms),
      middleMs: Math.round(middle.ms),
      lastMs: Math.round(last.ms),
    });
  }
  return results;
}

async function runOn(url: string, customers: number, info: (m: string) => void): Promise<CustomerListTiming[]> {
  const db = await createDb(url);
  try {
    const { shopId } = await registerLocalShop({
      db,
      domain: "bench-customers.myshopify.com",
      timezone: "Asia/Tokyo",
      currency: "JPY",
    });
    const started = performance.now();
    await seedCustomers(db, shopId, customers);
    info(`customer list: ${customers} customers seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (!url.startsWith("file:")) await db.$executeRawUnsafe(`ANALYZE "Customer"`);
    else await db.$executeRawUnsafe(`ANALYZE`);
    return await timeStates(db, shopId);
  } finally {
    await db.$disconnect();
  }
}

export async function benchCustomerList(
  options: { customers: number; postgresUrl: string },
  info: (m: string) => void,
) {
  const sqlite = await runOn(`file:${migratedSqliteFile("customer-list")}`, options.customers, info);
  const pg = await postgresDatabase(options.postgresUrl);
  if (!pg) {
    info(`customer list: PostgreSQL not reachable at ${options.postgresUrl}; skipped (set PG_TEST_URL)`);
    return { customers: options.customers, sqlite, postgresql: null };
  }
  try {
    return { customers: options.customers, sqlite, postgresql: await runOn(pg.url, options.customers, info) };
  } finally {
    await pg.drop();
  }
}
