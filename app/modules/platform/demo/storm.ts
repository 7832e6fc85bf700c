// A webhook storm as Shopify would send it during a flash sale: mixed topics, redeliveries of the
// same webhook id, and updates of one record arriving out of order — with the mirror it must end
// in. Used by `joren bench --storm` and the multi-instance test. Deterministic for a seed.
import type { Db } from "~/db.server";
import { seededRandom } from "./sample-store";
import { itemAt } from "~/lib/arrays";

export interface StormDelivery {
  topic: string;
  webhookId: string;
  body: string;
  /** a redelivery of an earlier webhook id */
  duplicate: boolean;
}

export interface StormExpectation {
  /** customer GID → the first name of its newest version */
  customers: Map<string, string>;
  /** product GID → the title of its newest version */
  products: Map<string, string>;
  orders: Set<string>;
  checkouts: Set<string>;
  /** distinct webhook ids: the receipts the inbox must hold */
  webhookIds: number;
}

export interface StormPlan {
  deliveries: StormDelivery[];
  expected: StormExpectation;
}

// Ids above 2^53, like Shopify's, written into the JSON as digits.
const BASE = 9_007_199_254_800_000n;
const idOf = (kind: number, n: number) => (BASE + BigInt(kind) * 10_000_000n + BigInt(n)).toString();
/** The digits every id of a kind starts with (n stays far below the 7 digits it may change). */
const idPrefix = (kind: number) => idOf(kind, 0).slice(0, -7);

function customerJson(n: number, version: number, base: Date): string {
  const cid = idOf(1, n);
  const at = new Date(base.getTime() + version * 1000).toISOString();
  return `{"id":${cid},"admin_graphql_api_id":"gid://shopify/Customer/${cid}","email":"storm${n}@example.jp","first_name":"v${version}","last_name":"Storm","state":"enabled","locale":"ja","tags":"","phone":null,"created_at":"${base.toISOString()}","updated_at":"${at}","email_marketing_consent":{"state":"subscribed","opt_in_level":"single_opt_in","consent_updated_at":"${base.toISOString()}"}}`;
}

function productJson(n: number, version: number, base: Date): string {
  const pid = idOf(2, n);
  const vid = idOf(3, n);
  const at = new Date(base.getTime() + version * 1000).toISOString();
  return `{"id":${pid},"admin_graphql_api_id":"gid://shopify/Product/${pid}","title":"P${n} v${version}","handle":"storm-${n}","status":"active","product_type":"Tea","vendor":"Joren","tags":"","published_at":"${base.toISOString()}","updated_at":"${at}","image":null,"variants":[{"id":${vid},"admin_graphql_api_id":"gid://shopify/ProductVariant/${vid}","title":"Default","sku":"S-${n}","price":"1200","inventory_item_id":${idOf(4, n)},"inventory_quantity":50,"inventory_policy":"deny","updated_at":"${at}"}]}`;
}

function orderJson(n: number, customer: number, product: number, base: Date): string {
  const oid = idOf(5, n);
  const at = base.toISOString();
  return `{"id":${oid},"admin_graphql_api_id":"gid://shopify/Order/${oid}","name":"#S${n}","email":"storm${customer}@example.jp","currency":"JPY","total_price":"1200","subtotal_price":"1200","total_discounts":"0","financial_status":"paid","fulfillment_status":null,"cancelled_at":null,"processed_at":"${at}","created_at":"${at}","updated_at":"${at}","discount_codes":[],"checkout_token":"storm-order-${n}","source_name":"web","customer_locale":"ja","test":false,"buyer_accepts_marketing":true,"customer":${customerJson(customer, 0, base)},"line_items":[{"id":${idOf(6, n)},"admin_graphql_api_id":"gid://shopify/LineItem/${idOf(6, n)}","product_id":${idOf(2, product)},"variant_id":${idOf(3, product)},"title":"P${product}","quantity":1,"price":"1200","total_discount":"0"}],"refunds":[]}`;
}

function checkoutJson(n: number, customer: number, product: number, base: Date, at: Date): string {
  const token = `storm-checkout-${n}`;
  return `{"id":${idOf(7, n)},"token":"${token}","cart_token":null,"email":"storm${customer}@example.jp","currency":"JPY","presentment_currency":"JPY","total_price":"1200","abandoned_checkout_url":"https://storm.example/checkouts/${token}/recover","buyer_accepts_marketing":true,"customer_locale":"ja","completed_at":null,"created_at":"${at.toISOString()}","updated_at":"${at.toISOString()}","customer":${customerJson(customer, 0, base)},"line_items":[{"product_id":${idOf(2, product)},"variant_id":${idOf(3, product)},"title":"P${product}","variant_title":null,"quantity":1,"price":"1200","variant_price":"1200","line_price":"1200"}]}`;
}

/**
 * `count` deliveries: about 10% redeliveries of an earlier webhook id, 25% customer updates and
 * 15% product updates (versions of a few records, shuffled so older ones often arrive after
 * newer), 35% new orders, 15% new checkouts (last touched `checkoutAgeMinutes` ago).
 */
export function stormPlan(options: {
  count: number;
  seed?: number;
  now?: Date;
  checkoutAgeMinutes?: number;
  customers?: number;
}): StormPlan {
  const random = seededRandom(options.seed ?? 7);
  const now = options.now ?? new Date();
  const base = new Date(now.getTime() - 86_400_000);
  const checkoutAt = new Date(now.getTime() - (options.checkoutAgeMinutes ?? 120) * 60_000);
  const customerCount = options.customers ?? Math.max(1, Math.floor(options.count / 10));
  const productCount = Math.max(1, Math.min(50, Math.floor(options.count / 50)));
  const customerVersion = new Array<number>(customerCount).fill(0);
  const productVersion = new Array<number>(productCount).fill(0);
  const expected: StormExpectation = {
    customers: new Map(),
    products: new Map(),
    orders: new Set(),
    checkouts: new Set(),
    webhookIds: 0,
  };
  const originals: StormDelivery[] = [];
  const deliveries: StormDelivery[] = [];
  let orders = 0;
  let checkouts = 0;
  const pick = (n: number) => Math.floor(random() * n);
  const hex = () =>
    Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, "0");
  const fresh = (topic: string, body: string) => {
    const delivery = { topic, body, webhookId: `storm-${hex()}-${hex()}-${originals.length}`, duplicate: false };
    originals.push(delivery);
    deliveries.push(delivery);
  };
  const bump = (versions: number[], i: number) => (versions[i] = itemAt(versions, i, "version") + 1);
  const touchCustomer = (c: number) =>
    expected.customers.set(`gid://shopify/Customer/${idOf(1, c)}`, `v${customerVersion[c]}`);

  for (let i = 0; i < options.count; i++) {
    const roll = random();
    if (roll < 0.1 && originals.length > 0) {
      deliveries.push({ ...itemAt(originals, pick(originals.length), "delivery"), duplicate: true });
    } else if (roll < 0.35) {
      const c = pick(customerCount);
      const version = bump(customerVersion, c);
      touchCustomer(c);
      fresh("customers/update", customerJson(c, version, base));
    } else if (roll < 0.5) {
      const p = pick(productCount);
      const version = bump(productVersion, p);
      expected.products.set(`gid://shopify/Product/${idOf(2, p)}`, `P${p} v${version}`);
      fresh("products/update", productJson(p, version, base));
    } else if (roll < 0.85) {
      const c = pick(customerCount);
      if (!expected.customers.has(`gid://shopify/Customer/${idOf(1, c)}`)) touchCustomer(c);
      expected.orders.add(`gid://shopify/Order/${idOf(5, orders)}`);
      fresh("orders/create", orderJson(orders++, c, pick(productCount), base));
    } else {
      const c = pick(customerCount);
      if (!expected.customers.has(`gid://shopify/Customer/${idOf(1, c)}`)) touchCustomer(c);
      expected.checkouts.add(`storm-checkout-${checkouts}`);
      fresh("checkouts/create", checkoutJson(checkouts++, c, pick(productCount), base, checkoutAt));
    }
  }
  // Out of order: each delivery may swap with one up to 50 places later (Shopify's delivery order
  // is not the event order), so older versions often land after newer ones.
  for (let i = 0; i < deliveries.length; i++) {
    const j = Math.min(deliveries.length - 1, i + pick(50));
    [deliveries[i], deliveries[j]] = [itemAt(deliveries, j, "delivery"), itemAt(deliveries, i, "delivery")];
  }
  expected.webhookIds = originals.length;
  return { deliveries, expected };
}

export interface StormCheck {
  /** expected records or receipts missing from the mirror */
  lost: number;
  /** records or receipts beyond what was sent */
  duplicated: number;
  /** records present with other than their newest version */
  stale: number;
  /** receipts not applied (rejected or failed) */
  notApplied: number;
}

/** Compares the shop's mirror with what the storm should have left. */
export async function checkStorm(db: Db, shopId: string, expected: StormExpectation): Promise<StormCheck> {
  const [receipts, notApplied, customers, products, orders, checkouts] = await Promise.all([
    db.webhookReceipt.count({ where: { shopId, webhookId: { startsWith: "storm-" } } }),
    // "skipped": an out-of-order update older than the stored record, correctly not applied
    db.webhookReceipt.count({
      where: { shopId, webhookId: { startsWith: "storm-" }, status: { notIn: ["done", "skipped"] } },
    }),
    db.customer.findMany({
      where: { shopId, gid: { startsWith: `gid://shopify/Customer/${idPrefix(1)}` } },
      select: { gid: true, firstName: true },
    }),
    db.product.findMany({
      where: { shopId, gid: { startsWith: `gid://shopify/Product/${idPrefix(2)}` } },
      select: { gid: true, title: true },
    }),
    db.order.findMany({
      where: { shopId, gid: { startsWith: `gid://shopify/Order/${idPrefix(5)}` } },
      select: { gid: true },
    }),
    db.checkout.findMany({ where: { shopId, token: { startsWith: "storm-checkout-" } }, select: { token: true } }),
  ]);
  let lost = Math.max(0, expected.webhookIds - receipts);
  let duplicated = Math.max(0, receipts - expected.webhookIds);
  let stale = 0;
  const compare = <T>(
    rows: T[],
    key: (row: T) => string | null,
    want: Map<string, string> | Set<string>,
    value?: (row: T) => string | null,
  ) => {
    const seen = new Set<string>();
    for (const row of rows) {
      const k = key(row);
      if (k === null) continue;
      if (seen.has(k) || !want.has(k)) duplicated += 1;
      seen.add(k);
      if (value && want instanceof Map && want.has(k) && want.get(k) !== value(row)) stale += 1;
    }
    for (const k of want.keys()) if (!seen.has(k)) lost += 1;
  };
  compare(
    customers,
    (r) => r.gid,
    expected.customers,
    (r) => r.firstName,
  );
  compare(
    products,
    (r) => r.gid,
    expected.products,
    (r) => r.title,
  );
  compare(orders, (r) => r.gid, expected.orders);
  compare(checkouts, (r) => r.token, expected.checkouts);
  return { lost, duplicated, stale, notApplied };
}
