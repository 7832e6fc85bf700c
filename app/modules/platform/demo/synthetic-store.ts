// A seeded synthetic store on a simulated timeline, as the traffic Shopify and a storefront send:
// Shopify-shaped webhook payloads (the JSON Shopify posts, ids above 2^53 written as digits),
// Web Pixel request bodies and app-proxy form posts. The offline demo feeds it through the real
// HTTP endpoints; tests check its properties. Deterministic for a seed (and `end`).
//
// It streams: events come out in time order from a merge of per-customer and per-product
// streams, and a customer's stream exists only between their arrival and their last activity,
// so a store of a million orders never sits in memory. Every customer's randomness comes from
// their own PRNG (seeded by the store seed and their number), so a profile can be recomputed on
// demand (customerProfile) and the output does not depend on how streams interleave.
import { seededRandom } from "./sample-store";
import { itemAt } from "~/lib/arrays";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

export interface SyntheticStoreOptions {
  /** the demo shop's myshopify.com domain (recovery URLs, pixel bodies) */
  shop: string;
  seed?: number;
  /** customers who arrive over the timeline (about 2 orders each on average) */
  customers: number;
  /** the last instant of the timeline (the demo uses "now", so the admin's "last 30 days" shows it) */
  end: Date;
  /** length of the whole timeline in days (history and live period together); default 425 */
  days?: number;
}

export type ConsentPlan = "subscribed" | "not_subscribed" | "unsubscribes";

export interface CustomerProfile {
  n: number;
  /** when the customer first appears (account created, or first guest order) */
  arrivesAt: number;
  /** never orders: signs up only (welcome, browse) */
  prospect: boolean;
  /** orders without an account: no customers/create, no pixel identity */
  guest: boolean;
  email: string;
  locale: "ja" | "en";
  firstName: string;
  lastName: string;
  /** subscribed from the start, never, or subscribed and later unsubscribes (at unsubscribesAt) */
  consent: ConsentPlan;
  unsubscribesAt: number | null;
  /** YYYY-MM-DD in the customer's facts.birth_date metafield */
  birthDate: string | null;
  /** a birth date the customer enters in the storefront birthday form instead */
  birthDateByForm: string | null;
  /** relative buying propensity (lognormal, mean about 1): drives frequency, basket and loyalty */
  propensity: number;
  favouriteCategory: number;
}

interface EventBase {
  /** epoch milliseconds on the simulated timeline */
  at: number;
}
export interface WebhookEvent extends EventBase {
  kind: "webhook";
  topic: string;
  body: string;
  /** for orders/create: who ordered and the total (yen), so callers can check the store without parsing */
  order?: { customer: number; guest: boolean; total: number };
  /** for refunds/create and orders/cancelled: the order's customer and the amount taken back (yen) */
  reversal?: { customer: number; amount: number };
}
export interface PixelEvent extends EventBase {
  kind: "pixel";
  /** the JSON text the Web Pixel posts to /pixel/events */
  body: string;
  customer: number;
}
export interface ProxyFormEvent extends EventBase {
  kind: "proxy";
  /** the app route the app proxy forwards to */
  path: "/proxy/birthday" | "/proxy/back-in-stock";
  /** Shopify's logged_in_customer_id (numeric id), empty for a guest */
  loggedInCustomerId: string;
  fields: Record<string, string>;
  customer: number;
}
export type StoreEvent = WebhookEvent | PixelEvent | ProxyFormEvent;

// ---------------------------------------------------------------------------------------------
// Ids: above 2^53 like Shopify's, one range per kind. BigInt arithmetic, written as digits.

const ID_BASE = 2n ** 53n + 1n;
const KIND_STRIDE = 1_000_000_000_000n;
const KIND = {
  product: 1n,
  variant: 2n,
  inventoryItem: 3n,
  checkout: 4n,
  customer: 5n,
  order: 6n,
  line: 7n,
  refund: 8n,
  location: 9n,
} as const;
export function syntheticId(kind: keyof typeof KIND, n: number | bigint): string {
  return (ID_BASE + KIND[kind] * KIND_STRIDE + BigInt(n)).toString();
}
/** Orders and sessions of one customer: n × 10,000 + k (a customer places far fewer than 10,000). */
const perCustomer = (n: number, k: number) => BigInt(n) * 10_000n + BigInt(k);

// ---------------------------------------------------------------------------------------------
// The catalogue: a tea shop. Consumables (tagged "consumable") get re-bought; the rest are bought once.

export interface SyntheticProduct {
  index: number;
  title: string;
  price: number;
  category: number;
  consumable: boolean;
}

const CATALOGUE: [string, number, number, boolean][] = [
  ["煎茶 Sencha 100g", 1620, 0, true],
  ["深蒸し茶 Fukamushi 100g", 1840, 0, true],
  ["玉露 Gyokuro 50g", 3240, 0, true],
  ["ほうじ茶 Hojicha 100g", 1296, 1, true],
  ["玄米茶 Genmaicha 200g", 1080, 1, true],
  ["麦茶 Mugicha 30 bags", 864, 1, true],
  ["抹茶 Matcha 30g", 2480, 2, true],
  ["抹茶ラテ Matcha latte mix", 1980, 2, true],
  ["茶筅 Chasen whisk", 3300, 2, false],
  ["急須 Kyusu teapot", 6800, 3, false],
  ["湯呑 Yunomi cup", 2200, 3, false],
  ["茶托 Chataku saucers (5)", 2750, 3, false],
  ["和紅茶 Wakocha 50g", 1728, 4, true],
  ["茶缶 Tea caddy", 3850, 4, false],
  ["ギフトセット Gift set", 5400, 4, false],
  ["水出し茶 Cold brew bags", 1188, 1, true],
];
export const SYNTHETIC_PRODUCTS: SyntheticProduct[] = CATALOGUE.map(([title, price, category, consumable], index) => ({
  index,
  title,
  price,
  category,
  consumable,
}));
const BY_CATEGORY: SyntheticProduct[][] = Array.from({ length: 5 }, (_, c) =>
  SYNTHETIC_PRODUCTS.filter((p) => p.category === c),
);
const inCategory = (category: number) => itemAt(BY_CATEGORY, category, "category");

const FAMILY = [
  "Sato",
  "Suzuki",
  "Takahashi",
  "Tanaka",
  "Watanabe",
  "Ito",
  "Yamamoto",
  "Nakamura",
  "Kobayashi",
  "Kato",
];
const GIVEN_JA = ["Hana", "Yui", "Sakura", "Ren", "Haruto", "Aoi", "Sota", "Mei", "Riku", "Yuna"];
const GIVEN_EN = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sofia", "Leo"];

// ---------------------------------------------------------------------------------------------
// Randomness

/** A well-mixed 32-bit seed for (store seed, stream, number): streams stay independent. */
function mix(seed: number, stream: number, n: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

type Rng = () => number;
const gaussian = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const exponential = (r: Rng, mean: number) => -Math.log(1 - r()) * mean;
const pick = <T>(r: Rng, items: readonly T[]): T => itemAt(items, Math.floor(r() * items.length));

const SIGMA = 1.3;

function timeline(options: SyntheticStoreOptions): { start: number; end: number } {
  const end = options.end.getTime();
  return { start: end - (options.days ?? 425) * DAY, end };
}

/** Customer n's profile: a pure function of the options and n. */
export function customerProfile(options: SyntheticStoreOptions, n: number): CustomerProfile {
  const r = seededRandom(mix(options.seed ?? 42, 1, n));
  const { start, end } = timeline(options);
  // arrivals spread evenly over the timeline (stratified: arrival order is customer order)
  const arrivesAt = Math.floor(start + ((end - start) * (n + r())) / options.customers);
  const prospect = r() < 0.12;
  const guest = !prospect && r() < 0.15;
  const locale = r() < 0.8 ? "ja" : "en";
  const roll = r();
  // a guest has no account whose consent could be withdrawn later: they tick the box or not
  const consent: ConsentPlan = roll < 0.6 ? "subscribed" : roll < 0.9 || guest ? "not_subscribed" : "unsubscribes";
  const unsubscribesAt = consent === "unsubscribes" ? Math.floor(arrivesAt + (3 + r() * 120) * DAY) : null;
  const birthRoll = r();
  const birthday = () => {
    const year = 1960 + Math.floor(r() * 45);
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  };
  const birthDate = !guest && birthRoll < 0.5 ? birthday() : null;
  const birthDateByForm = !guest && birthRoll >= 0.5 && birthRoll < 0.6 ? birthday() : null;
  // lognormal with mean 1: a few customers buy far more often and more per order (Pareto)
  const propensity = Math.exp(SIGMA * gaussian(r) - (SIGMA * SIGMA) / 2);
  const favouriteCategory = Math.floor(r() * 5);
  return {
    n,
    arrivesAt,
    prospect,
    guest,
    locale,
    consent,
    unsubscribesAt,
    birthDate,
    birthDateByForm,
    propensity,
    favouriteCategory,
    email: `${guest ? "guest" : "customer"}${n}@demo.joren.example`,
    firstName: pick(r, locale === "ja" ? GIVEN_JA : GIVEN_EN),
    lastName: pick(r, FAMILY),
  };
}

/** The synthetic customer an address belongs to (customer12@… or guest12@… → 12), or null for any other address. */
export function syntheticCustomerNumber(email: string | null): number | null {
  const match = /^(?:customer|guest)(\d+)@demo\.joren\.example$/.exec(email ?? "");
  return match ? Number(match[1]) : null;
}

// ---------------------------------------------------------------------------------------------
// Payloads

const iso = (at: number) => new Date(at).toISOString();

/** The consent state Shopify holds for the customer at that instant (what the generator sends). */
export function consentAt(p: CustomerProfile, at: number): { state: string; updatedAt: number } {
  if (p.consent === "not_subscribed") return { state: "not_subscribed", updatedAt: p.arrivesAt };
  if (p.consent === "unsubscribes" && p.unsubscribesAt !== null && at >= p.unsubscribesAt)
    return { state: "unsubscribed", updatedAt: p.unsubscribesAt };
  return { state: "subscribed", updatedAt: p.arrivesAt };
}

function customerJson(p: CustomerProfile, at: number, withMetafields: boolean): string {
  const id = syntheticId("customer", p.n);
  const consent = consentAt(p, at);
  const metafields =
    withMetafields && p.birthDate
      ? `,"metafields":[{"namespace":"facts","key":"birth_date","value":"${p.birthDate}","type":"date"}]`
      : "";
  return `{"id":${id},"admin_graphql_api_id":"gid://shopify/Customer/${id}","email":"${p.email}","first_name":"${p.firstName}","last_name":"${p.lastName}","state":"enabled","locale":"${p.locale}","tags":"","phone":null,"created_at":"${iso(p.arrivesAt)}","updated_at":"${iso(at)}","email_marketing_consent":{"state":"${consent.state}","opt_in_level":"single_opt_in","consent_updated_at":"${iso(consent.updatedAt)}"}${metafields}}`;
}

function productJson(product: SyntheticProduct, available: number, at: number): string {
  const pid = syntheticId("product", product.index);
  const vid = syntheticId("variant", product.index);
  return `{"id":${pid},"admin_graphql_api_id":"gid://shopify/Product/${pid}","title":${JSON.stringify(product.title)},"handle":"tea-${product.index}","status":"active","product_type":"Tea","vendor":"Joren Demo","tags":"${product.consumable ? "consumable" : "teaware"}","published_at":"${iso(at)}","created_at":"${iso(at)}","updated_at":"${iso(at)}","image":{"src":"https://cdn.example.com/demo/tea-${product.index}.jpg"},"variants":[{"id":${vid},"admin_graphql_api_id":"gid://shopify/ProductVariant/${vid}","title":"Default Title","sku":"TEA-${product.index}","price":"${product.price}","inventory_item_id":${syntheticId("inventoryItem", product.index)},"inventory_quantity":${available},"inventory_policy":"deny","updated_at":"${iso(at)}"}]}`;
}

function inventoryJson(product: SyntheticProduct, available: number, at: number): string {
  return `{"inventory_item_id":${syntheticId("inventoryItem", product.index)},"location_id":${syntheticId("location", 1)},"available":${available},"updated_at":"${iso(at)}","admin_graphql_api_id":"gid://shopify/InventoryLevel/1?inventory_item_id=${syntheticId("inventoryItem", product.index)}"}`;
}

interface Line {
  product: SyntheticProduct;
  quantity: number;
}

function checkoutJson(
  shop: string,
  p: CustomerProfile,
  token: string,
  id: string,
  lines: Line[],
  createdAt: number,
  updatedAt: number,
  completedAt: number | null,
): string {
  const total = lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0);
  const items = lines
    .map(
      (l) =>
        `{"product_id":${syntheticId("product", l.product.index)},"variant_id":${syntheticId("variant", l.product.index)},"title":${JSON.stringify(l.product.title)},"variant_title":null,"quantity":${l.quantity},"price":"${l.product.price}","variant_price":"${l.product.price}","line_price":"${l.product.price * l.quantity}"}`,
    )
    .join(",");
  const consent = consentAt(p, updatedAt);
  return `{"id":${id},"token":"${token}","cart_token":null,"email":"${p.email}","currency":"JPY","presentment_currency":"JPY","total_price":"${total}","abandoned_checkout_url":"https://${shop}/checkouts/${token}/recover","buyer_accepts_marketing":${consent.state === "subscribed"},"customer_locale":"${p.locale}","completed_at":${completedAt === null ? "null" : `"${iso(completedAt)}"`},"created_at":"${iso(createdAt)}","updated_at":"${iso(updatedAt)}","customer":${p.guest ? "null" : customerJson(p, updatedAt, false)},"line_items":[${items}]}`;
}

interface OrderFacts {
  id: string;
  seq: bigint;
  lines: Line[];
  total: number;
  createdAt: number;
  checkoutToken: string;
}

function orderJson(
  p: CustomerProfile,
  o: OrderFacts,
  extra: { cancelledAt?: number; updatedAt?: number } = {},
): string {
  const consent = consentAt(p, o.createdAt);
  const items = o.lines
    .map((l, i) => {
      const lid = syntheticId("line", o.seq * 10n + BigInt(i));
      return `{"id":${lid},"admin_graphql_api_id":"gid://shopify/LineItem/${lid}","product_id":${syntheticId("product", l.product.index)},"variant_id":${syntheticId("variant", l.product.index)},"title":${JSON.stringify(l.product.title)},"quantity":${l.quantity},"price":"${l.product.price}","total_discount":"0"}`;
    })
    .join(",");
  const cancelled = extra.cancelledAt !== undefined;
  return `{"id":${o.id},"admin_graphql_api_id":"gid://shopify/Order/${o.id}","name":"#D${o.seq}","email":"${p.email}","currency":"JPY","total_price":"${o.total}","subtotal_price":"${o.total}","total_discounts":"0","financial_status":"${cancelled ? "voided" : "paid"}","fulfillment_status":null,"cancelled_at":${cancelled ? `"${iso(extra.cancelledAt!)}"` : "null"},"cancel_reason":${cancelled ? '"customer"' : "null"},"processed_at":"${iso(o.createdAt)}","created_at":"${iso(o.createdAt)}","updated_at":"${iso(extra.updatedAt ?? o.createdAt)}","discount_codes":[],"checkout_token":"${o.checkoutToken}","source_name":"web","customer_locale":"${p.locale}","test":false,"buyer_accepts_marketing":${consent.state === "subscribed"},"customer":${p.guest ? "null" : customerJson(p, o.createdAt, false)},"line_items":[${items}],"refunds":[]}`;
}

function refundJson(o: OrderFacts, line: number, quantity: number, amount: number, at: number): string {
  const rid = syntheticId("refund", o.seq);
  const lid = syntheticId("line", o.seq * 10n + BigInt(line));
  return `{"id":${rid},"admin_graphql_api_id":"gid://shopify/Refund/${rid}","order_id":${o.id},"created_at":"${iso(at)}","note":"demo refund","refund_line_items":[{"line_item_id":${lid},"quantity":${quantity},"subtotal":${amount},"total_tax":0}],"transactions":[{"kind":"refund","status":"success","amount":"${amount}"}],"order_adjustments":[]}`;
}

function pixelJson(
  shop: string,
  p: CustomerProfile,
  eventId: string,
  name: string,
  at: number,
  data: string,
  product?: SyntheticProduct,
): string {
  const href = product ? `https://${shop}/products/tea-${product.index}` : `https://${shop}/`;
  return `{"shop":"${shop}","customer":{"id":"${syntheticId("customer", p.n)}","email":"${p.email}"},"event":{"id":"${eventId}","name":"${name}","clientId":"demo-client-${p.n}","timestamp":"${iso(at)}","context":{"document":{"location":{"href":"${href}"}}},"data":${data}}}`;
}

const variantData = (product: SyntheticProduct) =>
  `{"id":"${syntheticId("variant", product.index)}","product":{"id":"${syntheticId("product", product.index)}","url":"/products/tea-${product.index}"}}`;

// ---------------------------------------------------------------------------------------------
// Streams

interface Stream {
  /** time of the next event, or null when the stream is done */
  peek(): number | null;
  next(): StoreEvent;
}

/** A stream that fills a small time-sorted buffer one "activity" (a session, an order…) at a time. */
abstract class BufferedStream implements Stream {
  private buffer: StoreEvent[] = [];
  /** when the next activity starts (null: no more); every event it produces is at or after it */
  protected abstract nextActivityAt(): number | null;
  protected abstract runActivity(): void;

  protected push(event: StoreEvent, end: number): void {
    if (event.at > end) return;
    let i = this.buffer.length;
    while (i > 0 && itemAt(this.buffer, i - 1, "event").at > event.at) i--;
    this.buffer.splice(i, 0, event);
  }

  private fill(): void {
    for (;;) {
      const activity = this.nextActivityAt();
      if (activity === null) return;
      if ((this.buffer[0]?.at ?? Infinity) <= activity) return;
      this.runActivity();
    }
  }

  peek(): number | null {
    this.fill();
    return this.buffer[0]?.at ?? null;
  }

  next(): StoreEvent {
    this.fill();
    const event = this.buffer.shift();
    if (!event) throw new Error("stream is empty");
    return event;
  }
}

class CustomerStream extends BufferedStream {
  private readonly r: Rng;
  private readonly p: CustomerProfile;
  private nextOrder: number | null;
  private nextBrowse: number | null;
  private activeUntil: number;
  private orders = 0;
  private sessions = 0;
  private bought: SyntheticProduct[] = [];
  private pendingStart: boolean;
  private pendingForm: number | null;
  private pendingUnsubscribe: number | null;

  constructor(
    private readonly options: SyntheticStoreOptions,
    n: number,
    private readonly end: number,
  ) {
    super();
    this.p = customerProfile(options, n);
    this.r = seededRandom(mix(options.seed ?? 42, 2, n));
    const p = this.p;
    this.pendingStart = !p.guest;
    this.nextOrder = p.prospect ? null : p.arrivesAt + (p.guest ? 0 : exponential(this.r, 3 * DAY));
    // active for a while after each order; prospects browse for a few weeks
    this.activeUntil = p.arrivesAt + (p.prospect ? 30 : 60) * DAY;
    this.nextBrowse = p.guest ? null : p.arrivesAt + exponential(this.r, this.browseGap());
    this.pendingForm = p.birthDateByForm ? p.arrivesAt + (1 + this.r() * 30) * DAY : null;
    this.pendingUnsubscribe = p.unsubscribesAt;
  }

  private browseGap(): number {
    return (20 / Math.sqrt(this.p.propensity)) * DAY;
  }

  protected nextActivityAt(): number | null {
    let next = Infinity;
    if (this.pendingStart) next = this.p.arrivesAt;
    if (this.pendingForm !== null && this.pendingForm < next) next = this.pendingForm;
    if (this.pendingUnsubscribe !== null && this.pendingUnsubscribe < next) next = this.pendingUnsubscribe;
    if (this.nextOrder !== null && this.nextOrder < next) next = this.nextOrder;
    if (this.nextBrowse !== null && this.nextBrowse <= this.activeUntil && this.nextBrowse < next)
      next = this.nextBrowse;
    return next <= this.end ? next : null;
  }

  protected runActivity(): void {
    const at = this.nextActivityAt()!;
    const p = this.p;
    if (this.pendingStart && at === p.arrivesAt) {
      this.pendingStart = false;
      this.push({ kind: "webhook", at, topic: "customers/create", body: customerJson(p, at, true) }, this.end);
    } else if (this.pendingForm === at) {
      this.pendingForm = null;
      this.push(
        {
          kind: "proxy",
          at,
          path: "/proxy/birthday",
          loggedInCustomerId: syntheticId("customer", p.n),
          fields: { birthDate: p.birthDateByForm!, locale: p.locale },
          customer: p.n,
        },
        this.end,
      );
    } else if (this.pendingUnsubscribe === at) {
      this.pendingUnsubscribe = null;
      const id = syntheticId("customer", p.n);
      this.push(
        {
          kind: "webhook",
          at,
          topic: "customers_email_marketing_consent/update",
          body: `{"customer_id":${id},"email_address":"${p.email}","email_marketing_consent":{"state":"unsubscribed","opt_in_level":"single_opt_in","consent_updated_at":"${iso(at)}"}}`,
        },
        this.end,
      );
    } else if (this.nextOrder === at) {
      this.placeOrder(at);
    } else {
      this.browse(at);
    }
  }

  private chooseLines(): Line[] {
    const r = this.r;
    const count = 1 + (r() < 0.35 * Math.min(2, this.p.propensity) ? 1 : 0) + (r() < 0.1 ? 1 : 0);
    const lines: Line[] = [];
    for (let i = 0; i < count; i++) {
      const rebuy = this.bought.filter((b) => b.consumable);
      const product =
        rebuy.length > 0 && r() < 0.6
          ? pick(r, rebuy)
          : r() < 0.65
            ? pick(r, inCategory(this.p.favouriteCategory))
            : pick(r, SYNTHETIC_PRODUCTS);
      if (lines.some((l) => l.product === product)) continue;
      const quantity = 1 + (r() < 0.25 * Math.min(3, this.p.propensity) ? 1 : 0) + (r() < 0.05 ? 2 : 0);
      lines.push({ product, quantity });
    }
    return lines;
  }

  /** A browse session (product views, maybe an add to cart and a checkout) that ends at `until`. */
  private session(
    start: number,
    lines: Line[],
    views: SyntheticProduct[],
    addToCart: boolean,
    checkout: { token: string; id: string } | null,
  ): number {
    const p = this.p;
    const s = this.sessions++;
    let t = start;
    let i = 0;
    const ev = () => `demo-ev-${p.n}-${s}-${i++}`;
    if (!p.guest) {
      for (const product of views) {
        this.push(
          {
            kind: "pixel",
            at: t,
            customer: p.n,
            body: pixelJson(
              this.options.shop,
              p,
              ev(),
              "product_viewed",
              t,
              `{"productVariant":${variantData(product)}}`,
              product,
            ),
          },
          this.end,
        );
        t += (1 + this.r() * 3) * MINUTE;
      }
      if (addToCart) {
        for (const line of lines) {
          this.push(
            {
              kind: "pixel",
              at: t,
              customer: p.n,
              body: pixelJson(
                this.options.shop,
                p,
                ev(),
                "product_added_to_cart",
                t,
                `{"cartLine":{"quantity":${line.quantity},"merchandise":${variantData(line.product)}}}`,
                line.product,
              ),
            },
            this.end,
          );
          t += MINUTE;
        }
      }
      if (checkout) {
        const items = lines.map((l) => `{"quantity":${l.quantity},"variant":${variantData(l.product)}}`).join(",");
        this.push(
          {
            kind: "pixel",
            at: t,
            customer: p.n,
            body: pixelJson(
              this.options.shop,
              p,
              ev(),
              "checkout_started",
              t,
              `{"checkout":{"token":"${checkout.token}","email":"${p.email}","lineItems":[${items}]}}`,
            ),
          },
          this.end,
        );
      }
    }
    if (checkout) {
      this.push(
        {
          kind: "webhook",
          at: t,
          topic: "checkouts/create",
          body: checkoutJson(this.options.shop, p, checkout.token, checkout.id, lines, t, t, null),
        },
        this.end,
      );
      t += (2 + this.r() * 5) * MINUTE;
    }
    return t;
  }

  private placeOrder(at: number): void {
    const p = this.p;
    const r = this.r;
    const k = this.orders++;
    const lines = this.chooseLines();
    const seq = perCustomer(p.n, k);
    const token = `demo-ck-${p.n}-o${k}`;
    const views = lines.map((l) => l.product);
    const orderAt = this.session(at, lines, views, true, { token, id: syntheticId("checkout", seq) });
    const total = lines.reduce((sum, l) => sum + l.product.price * l.quantity, 0);
    const order: OrderFacts = {
      id: syntheticId("order", seq),
      seq,
      lines,
      total,
      createdAt: orderAt,
      checkoutToken: token,
    };
    this.push(
      {
        kind: "webhook",
        at: orderAt,
        topic: "orders/create",
        body: orderJson(p, order),
        order: { customer: p.n, guest: p.guest, total },
      },
      this.end,
    );
    this.push(
      {
        kind: "webhook",
        at: orderAt + MINUTE,
        topic: "checkouts/update",
        body: checkoutJson(
          this.options.shop,
          p,
          token,
          syntheticId("checkout", seq),
          lines,
          at,
          orderAt + MINUTE,
          orderAt,
        ),
      },
      this.end,
    );
    for (const line of lines) if (!this.bought.includes(line.product)) this.bought.push(line.product);
    const fate = r();
    if (fate < 0.02) {
      const cancelledAt = orderAt + (2 + r() * 20) * HOUR;
      this.push(
        {
          kind: "webhook",
          at: cancelledAt,
          topic: "orders/cancelled",
          body: orderJson(p, order, { cancelledAt, updatedAt: cancelledAt }),
          reversal: { customer: p.n, amount: total },
        },
        this.end,
      );
    } else if (fate < 0.07) {
      const line = Math.floor(r() * lines.length);
      const { quantity, product } = itemAt(lines, line, "line");
      const amount = product.price * quantity;
      const refundAt = orderAt + (3 + r() * 10) * DAY;
      this.push(
        {
          kind: "webhook",
          at: refundAt,
          topic: "refunds/create",
          body: refundJson(order, line, quantity, amount, refundAt),
          reversal: { customer: p.n, amount },
        },
        this.end,
      );
    }
    // The next order: heavy buyers come back sooner and churn less; everyone may stop for good.
    const churn = 0.45 / (1 + p.propensity);
    if (r() < churn) {
      this.nextOrder = null;
    } else {
      const meanGap = Math.min(240, Math.max(14, 75 / p.propensity)) * DAY;
      this.nextOrder = orderAt + meanGap * Math.exp(0.35 * gaussian(r));
    }
    this.activeUntil = Math.max(this.activeUntil, orderAt + 60 * DAY);
    // a browse visit that fell due while the customer was inactive is not replayed in the past
    if (this.nextBrowse !== null && this.nextBrowse < orderAt)
      this.nextBrowse = orderAt + exponential(r, this.browseGap());
  }

  private browse(at: number): void {
    const r = this.r;
    const favourites = inCategory(this.p.favouriteCategory);
    const views = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
      r() < 0.7 ? pick(r, favourites) : pick(r, SYNTHETIC_PRODUCTS),
    );
    const addToCart = r() < 0.35;
    const checkout = addToCart && r() < 0.5;
    const lines: Line[] = addToCart ? [{ product: itemAt(views, 0, "view"), quantity: 1 }] : [];
    const s = this.sessions;
    this.session(
      at,
      lines,
      views,
      addToCart,
      checkout
        ? { token: `demo-ck-${this.p.n}-b${s}`, id: syntheticId("checkout", perCustomer(this.p.n, 5000 + s)) }
        : null,
    );
    this.nextBrowse = at + exponential(r, this.browseGap());
  }
}

/** One product's stock: sells out now and then, restocks days later; a few shoppers ask to be told. */
class InventoryStream extends BufferedStream {
  private readonly r: Rng;
  private nextAt: number;
  private soldOut = false;
  private round = 0;

  constructor(
    private readonly options: SyntheticStoreOptions,
    private readonly product: SyntheticProduct,
    private readonly start: number,
    private readonly end: number,
  ) {
    super();
    this.r = seededRandom(mix(options.seed ?? 42, 3, product.index));
    this.nextAt = start - DAY;
  }

  protected nextActivityAt(): number | null {
    return this.nextAt <= this.end ? this.nextAt : null;
  }

  protected runActivity(): void {
    const at = this.nextAt;
    const r = this.r;
    if (this.round++ === 0) {
      this.push({ kind: "webhook", at, topic: "products/create", body: productJson(this.product, 100, at) }, this.end);
      this.nextAt = at + DAY + exponential(r, 40 * DAY);
      return;
    }
    if (!this.soldOut) {
      this.soldOut = true;
      this.push(
        { kind: "webhook", at, topic: "inventory_levels/update", body: inventoryJson(this.product, 0, at) },
        this.end,
      );
      // shoppers who find it sold out ask to be told (subscribed account holders who have arrived)
      const asks = Math.floor(r() * 4);
      const arrived = Math.floor(((at - this.start) / (this.end - this.start)) * this.options.customers);
      for (let i = 0; i < asks && arrived > 0; i++) {
        const p = customerProfile(this.options, Math.floor(r() * arrived));
        const askedAt = at + (1 + r() * 40) * HOUR;
        if (p.guest || p.consent !== "subscribed" || p.arrivesAt >= at) continue;
        this.push(
          {
            kind: "proxy",
            at: askedAt,
            path: "/proxy/back-in-stock",
            loggedInCustomerId: syntheticId("customer", p.n),
            customer: p.n,
            fields: {
              email: p.email,
              variant: syntheticId("variant", this.product.index),
              consent: "true",
              locale: p.locale,
            },
          },
          this.end,
        );
      }
      this.nextAt = at + (2 + r() * 6) * DAY;
    } else {
      this.soldOut = false;
      this.push(
        {
          kind: "webhook",
          at,
          topic: "inventory_levels/update",
          body: inventoryJson(this.product, 40 + Math.floor(r() * 80), at),
        },
        this.end,
      );
      this.nextAt = at + exponential(r, 45 * DAY);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The merge: a binary min-heap of streams keyed by (next time, stream number).

class StreamHeap {
  private items: { at: number; id: number; stream: Stream }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(id: number, stream: Stream): void {
    const at = stream.peek();
    if (at === null) return;
    this.items.push({ at, id, stream });
    this.up(this.items.length - 1);
  }

  peekAt(): number | null {
    return this.items[0]?.at ?? null;
  }

  /** Takes the earliest event and re-files its stream. */
  take(): StoreEvent {
    const top = itemAt(this.items, 0, "stream");
    const event = top.stream.next();
    const at = top.stream.peek();
    if (at === null) {
      const last = this.items.pop()!;
      if (this.items.length > 0) {
        this.items[0] = last;
        this.down(0);
      }
    } else {
      top.at = at;
      this.down(0);
    }
    return event;
  }

  private less(a: number, b: number): boolean {
    const x = itemAt(this.items, a, "stream");
    const y = itemAt(this.items, b, "stream");
    return x.at < y.at || (x.at === y.at && x.id < y.id);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      [this.items[i], this.items[parent]] = [itemAt(this.items, parent, "stream"), itemAt(this.items, i, "stream")];
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) return;
      [this.items[i], this.items[m]] = [itemAt(this.items, m, "stream"), itemAt(this.items, i, "stream")];
      i = m;
    }
  }
}

/** The store's events in time order (ties in a fixed order), lazily. */
export function* syntheticStore(options: SyntheticStoreOptions): Generator<StoreEvent> {
  if (!Number.isInteger(options.customers) || options.customers < 1)
    throw new Error("customers must be a whole number of at least 1");
  const { start, end } = timeline(options);
  const heap = new StreamHeap();
  SYNTHETIC_PRODUCTS.forEach((product) => heap.push(product.index, new InventoryStream(options, product, start, end)));
  const streamBase = SYNTHETIC_PRODUCTS.length;
  let arriving = 0;
  let nextArrival = customerProfile(options, 0).arrivesAt;
  for (;;) {
    const at = heap.peekAt();
    // a customer's stream joins the merge when the clock reaches their arrival
    if (arriving < options.customers && (at === null || nextArrival <= at)) {
      heap.push(streamBase + arriving, new CustomerStream(options, arriving, end));
      arriving += 1;
      if (arriving < options.customers) nextArrival = customerProfile(options, arriving).arrivesAt;
      continue;
    }
    if (at === null) return;
    yield heap.take();
  }
}

/**
 * The order a customer places because an email reached them (the k-th such order of theirs):
 * the demo adds these after sends, so the held-out control group shows what email adds (lift).
 */
export function responseOrder(options: SyntheticStoreOptions, n: number, k: number, at: number): WebhookEvent {
  const p = customerProfile(options, n);
  const r = seededRandom(mix(options.seed ?? 42, 4, n * 997 + k));
  const product = r() < 0.7 ? pick(r, inCategory(p.favouriteCategory)) : pick(r, SYNTHETIC_PRODUCTS);
  const seq = perCustomer(n, 9000 + k);
  const order: OrderFacts = {
    id: syntheticId("order", seq),
    seq,
    lines: [{ product, quantity: 1 }],
    total: product.price,
    createdAt: at,
    checkoutToken: `demo-ck-${n}-r${k}`,
  };
  return {
    kind: "webhook",
    at,
    topic: "orders/create",
    body: orderJson(p, order),
    order: { customer: n, guest: p.guest, total: product.price },
  };
}

/** A seeded draw in [0, 1) for a text key (e.g. one message), independent of everything else. */
export function keyedRandom(seed: number, key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return seededRandom(mix(seed, 5, h))();
}
