// The Customers page's list reads one page through an index on both providers, whatever the
// sort: no full sort of the shop's customers and no scan of the table (EXPLAIN QUERY PLAN on
// SQLite, EXPLAIN on PostgreSQL with sequential scans and sorts priced out, so the plan shows
// whether an index *can* give the order — a small test table would otherwise be scanned anyway).
// The statements are the shapes `listCustomers` has Prisma send (search-customers.server.ts);
// timings at 100,000 customers are in docs/benchmarks.md.
import type { Db } from "~/db.server";
import { dialectOf } from "~/lib/raw-sql.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { createTestDb, type TestDb } from "../helpers/db";

let t: TestDb;
let db: Db;
let shopId: string;

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = (await registerLocalShop({ db, domain: "plan-test.myshopify.com", currency: "JPY", timezone: "Asia/Tokyo" }))
    .shopId;
  await db.customer.createMany({
    data: Array.from({ length: 200 }, (_, i) => ({
      shopId,
      gid: `gid://shopify/Customer/${i}`,
      email: `c${i}@example.com`,
      emailNormalized: `c${i}@example.com`,
      ordersCount: i % 4,
      netSpend: BigInt((i % 4) * 1_000_000),
      lastOrderAt: i % 4 ? new Date(Date.UTC(2026, 0, 1 + i)) : null,
    })),
  });
});
afterAll(async () => t.close());

const LIVE = `"shopId" = $1 AND "redactedAt" IS NULL AND "deletedAt" IS NULL`;
const PAGE = `LIMIT 50 OFFSET 50`;

/** The plan's lines for one statement ($1 is the shop). */
async function plan(sql: string): Promise<string[]> {
  if (dialectOf(db) === "sqlite") {
    const rows = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql.replace("$1", "?")}`, shopId);
    return rows.map((row) => row.detail);
  }
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
    await tx.$executeRawUnsafe("SET LOCAL enable_sort = off");
    const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`, shopId);
    return rows.map((row) => row["QUERY PLAN"]);
  });
}

function expectIndexed(lines: string[]): void {
  const text = lines.join("\n");
  if (dialectOf(db) === "sqlite") {
    expect(text, text).not.toMatch(/TEMP B-TREE/);
    expect(text, text).toMatch(/USING (COVERING )?INDEX/);
    expect(text, text).not.toMatch(/SCAN Customer(?! USING)/);
  } else {
    expect(text, text).not.toMatch(/\bSort\b/);
    expect(text, text).not.toMatch(/Seq Scan/);
    expect(text, text).toMatch(/Index (Only )?Scan/);
  }
}

const SHAPES: [string, string][] = [
  [
    "last order, newest first (customers with an order)",
    `SELECT "id" FROM "Customer" WHERE ${LIVE} AND "lastOrderAt" IS NOT NULL ORDER BY "lastOrderAt" DESC, "id" DESC ${PAGE}`,
  ],
  [
    "last order, oldest first (customers with an order)",
    `SELECT "id" FROM "Customer" WHERE ${LIVE} AND "lastOrderAt" IS NOT NULL ORDER BY "lastOrderAt" ASC, "id" ASC ${PAGE}`,
  ],
  [
    "last order: the never-ordered after them",
    `SELECT "id" FROM "Customer" WHERE ${LIVE} AND "lastOrderAt" IS NULL ORDER BY "id" DESC ${PAGE}`,
  ],
  ["spend, highest first", `SELECT "id" FROM "Customer" WHERE ${LIVE} ORDER BY "netSpend" DESC, "id" DESC ${PAGE}`],
  ["spend, lowest first", `SELECT "id" FROM "Customer" WHERE ${LIVE} ORDER BY "netSpend" ASC, "id" ASC ${PAGE}`],
  ["orders, most first", `SELECT "id" FROM "Customer" WHERE ${LIVE} ORDER BY "ordersCount" DESC, "id" DESC ${PAGE}`],
  [
    "orders, consent filter",
    `SELECT "id" FROM "Customer" WHERE ${LIVE} AND "emailConsent" = 'SUBSCRIBED' ORDER BY "ordersCount" DESC, "id" DESC ${PAGE}`,
  ],
];

test.each(SHAPES)("%s: read in index order, no sort, no table scan", async (_name, sql) => {
  expectIndexed(await plan(sql));
});

test("the one-statement NULLS LAST shape this replaced needs a sort on PostgreSQL (why the list splits it)", async () => {
  const lines = await plan(
    `SELECT "id" FROM "Customer" WHERE ${LIVE} ORDER BY "lastOrderAt" DESC NULLS LAST, "id" DESC ${PAGE}`,
  );
  if (dialectOf(db) === "postgresql") expect(lines.join("\n")).toMatch(/\bSort\b/);
  else expect(lines.join("\n")).toMatch(/INDEX/);
});
