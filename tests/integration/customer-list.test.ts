// The Customers page's list: numbered pages that add up to the total without overlap, the three
// sorts in both directions, filters by phase, consent and RFM segment (the same customers the
// Reports page counts in each segment), search, and nothing of another shop.
import type { Db } from "~/db.server";
import { parseCustomerListQuery, type CustomerListQuery } from "~/modules/admin/customers/customer-list-query";
import { listCustomers, type CustomerListItem } from "~/modules/admin/customers/search-customers.server";
import { getRfmReport } from "~/modules/reports";
import { RFM_SEGMENTS } from "~/modules/reports/types";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { createTestDb, type TestDb } from "../helpers/db";

const NOW = new Date("2026-06-15T03:00:00Z");
const DAY = 86_400_000;
const COUNT = 130;
const PHASES = ["prospect", "new", "repeat", "regular", "dormant"];
const CONSENTS = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"];

let t: TestDb;
let db: Db;
let shopId: string;

const query = (params: Record<string, string> = {}): CustomerListQuery =>
  parseCustomerListQuery(new URLSearchParams(params));

/** All pages of one list state, in order. */
async function allPages(params: Record<string, string>): Promise<CustomerListItem[]> {
  const first = await listCustomers(db, shopId, query(params), NOW);
  const items = [...first.items];
  for (let page = 2; page <= first.pageCount; page++)
    items.push(...(await listCustomers(db, shopId, query({ ...params, page: String(page) }), NOW)).items);
  return items;
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
  shopId = (await registerLocalShop({ db, domain: "list-test.myshopify.com", currency: "JPY", timezone: "Asia/Tokyo" }))
    .shopId;
  const otherShopId = (
    await registerLocalShop({ db, domain: "list-other.myshopify.com", currency: "JPY", timezone: "Asia/Tokyo" })
  ).shopId;
  // deterministic spread with many ties (orders 0–6, spend in 7 steps, last order 0–399 days)
  const customers = Array.from({ length: COUNT }, (_, i) => {
    const orders = i % 7;
    const last = orders ? new Date(NOW.getTime() - ((i * 53) % 400) * DAY - 3_600_000) : null;
    return {
      shopId,
      gid: `gid://shopify/Customer/${1000 + i}`,
      email: `c${i}@example.com`,
      emailNormalized: `c${i}@example.com`,
      firstName: i % 10 === 3 ? "Hanako" : `Name${i}`,
      lastName: "Test",
      phase: PHASES[i % PHASES.length],
      emailConsent: CONSENTS[i % CONSENTS.length],
      ordersCount: orders,
      netSpend: BigInt(orders ? ((i * 7919) % 11) * 1_500_000 + ((i * 31) % 5) * 250_000 : 0),
      firstOrderAt: last ? new Date(last.getTime() - orders * 10 * DAY) : null,
      lastOrderAt: last,
    };
  });
  await db.customer.createMany({ data: customers });
  // a redacted and a deleted one that must not show, and another shop's customers
  await db.customer.createMany({
    data: [
      {
        shopId,
        gid: "gid://shopify/Customer/9001",
        email: "gone@example.com",
        emailNormalized: "gone@example.com",
        ordersCount: 3,
        netSpend: 9_000_000n,
        lastOrderAt: NOW,
        redactedAt: NOW,
      },
      {
        shopId,
        gid: "gid://shopify/Customer/9002",
        email: "deleted@example.com",
        emailNormalized: "deleted@example.com",
        ordersCount: 3,
        netSpend: 9_000_000n,
        lastOrderAt: NOW,
        deletedAt: NOW,
      },
      ...Array.from({ length: 20 }, (_, i) => ({
        shopId: otherShopId,
        gid: `gid://shopify/Customer/${5000 + i}`,
        email: `o${i}@example.com`,
        emailNormalized: `o${i}@example.com`,
        firstName: "Hanako",
        ordersCount: 9,
        netSpend: 99_000_000n,
        lastOrderAt: NOW,
        emailConsent: "SUBSCRIBED",
      })),
    ],
  });
});
afterAll(async () => t.close());

test("pages of 50 add up to the total, without overlap, only this shop's live customers", async () => {
  const first = await listCustomers(db, shopId, query(), NOW);
  expect(first.total).toBe(COUNT);
  expect(first.pageCount).toBe(3);
  expect(first.items).toHaveLength(50);
  const items = await allPages({});
  expect(items).toHaveLength(COUNT);
  expect(new Set(items.map((c) => c.id)).size).toBe(COUNT);
  expect(items.every((c) => /^c\d+@example\.com$/.test(c.email ?? ""))).toBe(true);
  // a page past the end shows the last page rather than nothing
  const past = await listCustomers(db, shopId, query({ page: "99" }), NOW);
  expect(past.page).toBe(3);
  expect(past.items).toHaveLength(COUNT - 100);
});

test("sorts by last order, spend and orders, both directions, across pages", async () => {
  const lastOrder = await allPages({});
  const times = lastOrder.map((c) => (c.lastOrderAt ? Date.parse(c.lastOrderAt) : null));
  const dated = times.filter((v): v is number => v !== null);
  expect(dated).toEqual([...dated].sort((a, b) => b - a));
  // customers who never ordered come last
  expect(times.slice(dated.length).every((v) => v === null)).toBe(true);
  // oldest first: still never-ordered last, and the page that holds the boundary is topped up
  // from them (the list reads the two groups separately)
  const oldest = await allPages({ dir: "asc" });
  expect(oldest.map((c) => c.id)).toHaveLength(COUNT);
  const ascTimes = oldest.map((c) => (c.lastOrderAt ? Date.parse(c.lastOrderAt) : null));
  const ascDated = ascTimes.filter((v): v is number => v !== null);
  expect(ascDated).toEqual([...dated].reverse());
  expect(ascTimes.slice(ascDated.length).every((v) => v === null)).toBe(true);
  expect(new Set(oldest.map((c) => c.id)).size).toBe(COUNT);

  const spendDesc = (await allPages({ sort: "spend" })).map((c) => BigInt(c.netSpend));
  expect(spendDesc).toEqual([...spendDesc].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  expect(spendDesc[0]).toBeGreaterThan(spendDesc.at(-1)!);
  const spendAsc = (await allPages({ sort: "spend", dir: "asc" })).map((c) => BigInt(c.netSpend));
  expect(spendAsc).toEqual([...spendDesc].reverse());

  const orders = (await allPages({ sort: "orders" })).map((c) => c.ordersCount);
  expect(orders).toEqual([...orders].sort((a, b) => b - a));
  expect(orders[0]).toBe(6);
});

test("filters by phase and consent, combined with search; totals follow the filters", async () => {
  const regular = await listCustomers(db, shopId, query({ phase: "regular" }), NOW);
  expect(regular.total).toBe(COUNT / PHASES.length);
  expect(regular.items.every((c) => c.phase === "regular")).toBe(true);

  const unsubscribed = await allPages({ consent: "UNSUBSCRIBED" });
  expect(unsubscribed).toHaveLength(Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 4 === 2).length);
  expect(unsubscribed.every((c) => c.emailConsent === "UNSUBSCRIBED")).toBe(true);

  // Hanako: i % 10 === 3 → 13 customers here (the other shop's Hanakos never count)
  const hanako = await listCustomers(db, shopId, query({ q: "hanako" }), NOW);
  expect(hanako.total).toBe(13);
  const both = await listCustomers(db, shopId, query({ q: "hanako", consent: "SUBSCRIBED" }), NOW);
  const expected = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 10 === 3 && i % 4 === 0).length;
  expect(both.total).toBe(expected);

  // unknown values fall back to no filter instead of failing
  expect(
    (await listCustomers(db, shopId, query({ phase: "vip", consent: "x", sort: "name", page: "-3" }), NOW)).total,
  ).toBe(COUNT);
});

test("each RFM segment lists exactly the customers the RFM report counts in it", async () => {
  const report = await getRfmReport(db, shopId, {
    fromDate: "2000-01-01",
    toDate: "2026-06-15",
    from: new Date("2000-01-01T00:00:00Z"),
    to: NOW,
    asOf: NOW,
    timezone: "Asia/Tokyo",
  } as never);
  expect(report.customers).toBe(Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 7 !== 0).length);
  let listed = 0;
  const seen = new Set<string>();
  for (const segment of RFM_SEGMENTS) {
    const page = await listCustomers(db, shopId, query({ segment }), NOW);
    const expected = report.segments.find((s) => s.key === segment)!.customers;
    expect({ segment, total: page.total }).toEqual({ segment, total: expected });
    for (const c of await allPages({ segment })) seen.add(c.id);
    listed += page.total;
  }
  // every ordering customer is in exactly one segment
  expect(listed).toBe(report.customers);
  expect(seen.size).toBe(report.customers);
  expect(report.segments.filter((s) => s.customers > 0).length).toBeGreaterThanOrEqual(6);
});
