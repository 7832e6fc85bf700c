// A small shop whose reports are computed by hand in tests/integration/reports.test.ts (and
// docs/reports.md walks through the same numbers). Tokyo time, JPY. Orders at 03:00Z = noon in
// Tokyo, except B's first, 2026-01-31T16:00Z, which is already 1 February in Tokyo.
import type { Db } from "~/db.server";
import { recomputeCustomerRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { must } from "./must";

export const REPORTS_NOW = new Date("2026-06-15T03:00:00Z");

const ORDERS: { customer: string; at: string; price: number; refunded?: number; cancelled?: boolean }[] = [
  { customer: "A", at: "2026-01-10T03:00:00Z", price: 10_000 },
  { customer: "A", at: "2026-01-25T03:00:00Z", price: 5_000 },
  { customer: "A", at: "2026-03-05T03:00:00Z", price: 3_000, refunded: 1_000 },
  { customer: "B", at: "2026-01-31T16:00:00Z", price: 8_000 },
  { customer: "B", at: "2026-04-01T03:00:00Z", price: 4_000 },
  { customer: "C", at: "2026-02-10T03:00:00Z", price: 6_000 },
  { customer: "C", at: "2026-02-20T03:00:00Z", price: 9_000, cancelled: true },
  { customer: "D", at: "2026-03-01T03:00:00Z", price: 2_000 },
  { customer: "E", at: "2026-03-15T03:00:00Z", price: 20_000 },
  { customer: "E", at: "2026-03-20T03:00:00Z", price: 1_000 },
  { customer: "E", at: "2026-04-10T03:00:00Z", price: 1_000 },
  { customer: "E", at: "2026-05-01T03:00:00Z", price: 1_000 },
  { customer: "F", at: "2025-03-03T03:00:00Z", price: 3_000 },
  { customer: "F", at: "2025-12-20T03:00:00Z", price: 5_000 },
  { customer: "F", at: "2026-02-15T03:00:00Z", price: 5_000 },
];

interface MessageSpec {
  scenario: string;
  customer: string;
  createdAt: string;
  status: "sent" | "held_out" | "skipped";
  sentAt?: string;
  dueAt?: string;
  deliveredAt?: string;
  openedAt?: string;
  clickedAt?: string;
  unsubscribedAt?: string;
}

const MESSAGES: MessageSpec[] = [
  // A clicks welcome, then cart: the order of 25 January goes to cart (the last click)
  {
    scenario: "welcome",
    customer: "A",
    createdAt: "2026-01-22T02:00:00Z",
    status: "sent",
    sentAt: "2026-01-22T02:00:00Z",
    clickedAt: "2026-01-22T03:00:00Z",
  },
  {
    scenario: "cart_abandonment",
    customer: "A",
    createdAt: "2026-01-24T02:00:00Z",
    status: "sent",
    sentAt: "2026-01-24T03:00:00Z",
    deliveredAt: "2026-01-24T03:00:05Z",
    openedAt: "2026-01-24T04:00:00Z",
    clickedAt: "2026-01-24T05:00:00Z",
  },
  {
    scenario: "cart_abandonment",
    customer: "C",
    createdAt: "2026-02-08T02:00:00Z",
    status: "held_out",
    dueAt: "2026-02-08T03:00:00Z",
  },
  {
    scenario: "cart_abandonment",
    customer: "D",
    createdAt: "2026-04-01T02:00:00Z",
    status: "sent",
    sentAt: "2026-04-01T03:00:00Z",
    deliveredAt: "2026-04-01T03:00:05Z",
    unsubscribedAt: "2026-04-02T00:00:00Z",
  },
  {
    scenario: "welcome",
    customer: "E",
    createdAt: "2026-03-18T02:00:00Z",
    status: "sent",
    sentAt: "2026-03-18T03:00:00Z",
    clickedAt: "2026-03-19T03:00:00Z",
  },
  // a year earlier: F clicks and orders two days later (email-driven revenue last year)
  {
    scenario: "welcome",
    customer: "F",
    createdAt: "2025-03-01T02:00:00Z",
    status: "sent",
    sentAt: "2025-03-01T03:00:00Z",
    clickedAt: "2025-03-01T03:00:00Z",
  },
];

export async function seedReportsShop(
  db: Db,
  domain: string,
): Promise<{ shopId: string; customerIds: Record<string, string> }> {
  const { shopId } = await registerLocalShop({ db, domain, timezone: "Asia/Tokyo", currency: "JPY" });
  const customerIds: Record<string, string> = {};
  for (const [i, name] of ["A", "B", "C", "D", "E", "F"].entries()) {
    const c = await db.customer.create({
      data: {
        shopId,
        gid: `gid://shopify/Customer/${i + 1}`,
        email: `${name.toLowerCase()}@example.jp`,
        emailNormalized: `${name.toLowerCase()}@example.jp`,
      },
    });
    customerIds[name] = c.id;
  }
  for (const [i, o] of ORDERS.entries()) {
    const price = BigInt(o.price) * 1000n;
    await db.order.create({
      data: {
        shopId,
        gid: `gid://shopify/Order/${i + 1}`,
        customerId: customerIds[o.customer],
        totalPrice: price,
        subtotalPrice: price,
        totalRefunded: BigInt(o.refunded ?? 0) * 1000n,
        financialStatus: o.refunded ? "partially_refunded" : "paid",
        cancelledAt: o.cancelled ? new Date(o.at) : null,
        counted: !o.cancelled,
        shopifyCreatedAt: new Date(o.at),
      },
    });
  }
  for (const id of Object.values(customerIds)) await recomputeCustomerRollups(db, { shopId, now: REPORTS_NOW }, id);
  for (const [i, m] of MESSAGES.entries()) {
    const at = (v?: string) => (v ? new Date(v) : null);
    await db.message.create({
      data: {
        shopId,
        scenario: m.scenario,
        customerId: must(customerIds[m.customer], `customer ${m.customer}`),
        triggerKey: `test:${i}`,
        status: m.status,
        holdout: m.status === "held_out",
        dueAt: new Date(m.dueAt ?? m.sentAt ?? m.createdAt),
        createdAt: new Date(m.createdAt),
        sentAt: at(m.sentAt),
        deliveredAt: at(m.deliveredAt),
        openedAt: at(m.openedAt),
        clickedAt: at(m.clickedAt),
        unsubscribedAt: at(m.unsubscribedAt),
      },
    });
  }
  return { shopId, customerIds };
}
