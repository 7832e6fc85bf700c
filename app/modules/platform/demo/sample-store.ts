// Seeded building blocks shared by the synthetic stores (demo, storm, recommendations) and the
// ingest benchmark: a PRNG and an orders/create payload as Shopify sends it.
import { cycleAt } from "~/lib/arrays";

export interface SampleWebhook {
  topic: string;
  body: string;
}

/** mulberry32: a tiny seeded PRNG, so the same seed always yields the same store. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCTS = [
  ["煎茶 Sencha 100g", 1620],
  ["ほうじ茶 Hojicha 100g", 1296],
  ["抹茶 Matcha 30g", 2480],
  ["玄米茶 Genmaicha 200g", 1080],
  ["急須 Kyusu teapot", 6800],
  ["湯呑 Yunomi cup", 2200],
] as const;

// Ids above 2^53, like real Shopify ids: written into the JSON as digits.
const BASE = 9_007_199_254_700_000n;
const id = (kind: number, n: number) => (BASE + BigInt(kind) * 1_000_000n + BigInt(n)).toString();

export interface SampleOrderInput {
  orderNumber: number;
  customerNumber: number | null;
  email: string;
  productIndex: number;
  quantity: number;
  createdAt: Date;
  consent: "subscribed" | "not_subscribed";
  locale: "ja" | "en";
}

export function orderWebhook(o: SampleOrderInput): SampleWebhook {
  const [title, price] = cycleAt(PRODUCTS, o.productIndex, "product");
  const oid = id(4, o.orderNumber);
  const total = price * o.quantity;
  const customer =
    o.customerNumber === null
      ? "null"
      : `{"id":${id(5, o.customerNumber)},"admin_graphql_api_id":"gid://shopify/Customer/${id(5, o.customerNumber)}","email":"${o.email}","first_name":"Customer","last_name":"${o.customerNumber}","state":"enabled","locale":"${o.locale}","created_at":"${o.createdAt.toISOString()}","updated_at":"${o.createdAt.toISOString()}","email_marketing_consent":{"state":"${o.consent}","opt_in_level":"single_opt_in","consent_updated_at":"${o.createdAt.toISOString()}"}}`;
  const body = `{"id":${oid},"admin_graphql_api_id":"gid://shopify/Order/${oid}","name":"#${1000 + o.orderNumber}","email":"${o.email}","currency":"JPY","total_price":"${total}","subtotal_price":"${total}","total_discounts":"0","financial_status":"paid","fulfillment_status":null,"cancelled_at":null,"processed_at":"${o.createdAt.toISOString()}","created_at":"${o.createdAt.toISOString()}","updated_at":"${o.createdAt.toISOString()}","discount_codes":[],"checkout_token":"ck-${o.orderNumber}","source_name":"web","customer_locale":"${o.locale}","test":false,"buyer_accepts_marketing":${o.consent === "subscribed"},"customer":${customer},"line_items":[{"id":${id(6, o.orderNumber)},"admin_graphql_api_id":"gid://shopify/LineItem/${id(6, o.orderNumber)}","product_id":${id(1, o.productIndex)},"variant_id":${id(2, o.productIndex)},"title":${JSON.stringify(title)},"quantity":${o.quantity},"price":"${price}","total_discount":"0"}],"refunds":[]}`;
  return { topic: "orders/create", body };
}
