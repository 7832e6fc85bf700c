// The synthetic store's properties: reproducible, shaped like a real shop (spend concentration,
// guests, consent mix, locales, birthdays, restocks, abandoned checkouts), and every payload one
// the real endpoints accept — each webhook body passes its topic's schema, each pixel body the
// pixel contract, and ids above 2^53 survive as exact digits.
import { createHash } from "node:crypto";
import { parseJsonLossless } from "~/lib/json";
import { parsePixelRequest } from "~/modules/ingest/pixel/pixel-event-schema";
import { backInStockFormSchema } from "~/modules/ingest/back-in-stock/subscribe.server";
import { birthdayFormSchema } from "~/modules/ingest/birthdays/storefront-birthday.server";
import {
  customerProfile,
  syntheticId,
  syntheticStore,
  type StoreEvent,
  type SyntheticStoreOptions,
} from "~/modules/platform/demo/synthetic-store";
import { getTopic, resolveTopic } from "~/modules/ingest/topics";

const END = new Date("2026-11-23T00:00:00Z");
const options = (customers: number, seed = 42): SyntheticStoreOptions => ({
  shop: "joren-demo.myshopify.com",
  customers,
  seed,
  end: END,
});

function digest(events: Iterable<StoreEvent>): string {
  const hash = createHash("sha256");
  for (const e of events)
    hash.update(
      `${e.at}|${e.kind}|${"topic" in e ? e.topic : ""}|${"path" in e ? e.path : ""}|${"body" in e ? e.body : JSON.stringify(e.fields)}\n`,
    );
  return hash.digest("hex");
}

describe("syntheticStore", () => {
  const events = [...syntheticStore(options(400))];
  const webhooks = events.filter((e) => e.kind === "webhook");
  const orders = webhooks.filter((e) => e.order);

  test("is deterministic for a seed and differs between seeds", () => {
    expect(digest(syntheticStore(options(120)))).toBe(digest(syntheticStore(options(120))));
    expect(digest(syntheticStore(options(120, 7)))).not.toBe(digest(syntheticStore(options(120))));
  });

  test("comes out in time order, inside the timeline", () => {
    for (let i = 1; i < events.length; i++) expect(events[i]!.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
    expect(events.at(-1)!.at).toBeLessThanOrEqual(END.getTime());
  });

  test("top 20% of customers bring 60–80% of revenue", () => {
    for (const seed of [1, 42, 2026]) {
      const spend = new Map<number, number>();
      for (const e of syntheticStore(options(1500, seed))) {
        if (e.kind === "webhook" && e.order)
          spend.set(e.order.customer, (spend.get(e.order.customer) ?? 0) + e.order.total);
      }
      const sorted = [...spend.values()].sort((a, b) => b - a);
      const total = sorted.reduce((a, b) => a + b, 0);
      const top = sorted.slice(0, Math.ceil(sorted.length * 0.2)).reduce((a, b) => a + b, 0);
      expect(top / total).toBeGreaterThanOrEqual(0.6);
      expect(top / total).toBeLessThanOrEqual(0.8);
    }
  });

  test("has repeat buyers, one-time buyers, guests and prospects", () => {
    const perCustomer = new Map<number, number>();
    for (const o of orders) perCustomer.set(o.order!.customer, (perCustomer.get(o.order!.customer) ?? 0) + 1);
    const repeaters = [...perCustomer.values()].filter((n) => n >= 2).length;
    expect(repeaters / perCustomer.size).toBeGreaterThan(0.2);
    expect(repeaters / perCustomer.size).toBeLessThan(0.6);
    const guestShare = orders.filter((o) => o.order!.guest).length / orders.length;
    expect(guestShare).toBeGreaterThan(0.05);
    expect(guestShare).toBeLessThan(0.3);
    // a guest order carries no customer object, only the email
    const guest = orders.find((o) => o.order!.guest)!;
    expect(JSON.parse(guest.body)).toMatchObject({ customer: null, email: expect.stringContaining("@") });
    const profiles = Array.from({ length: 400 }, (_, n) => customerProfile(options(400), n));
    expect(profiles.filter((p) => p.prospect).length).toBeGreaterThan(20);
    expect(webhooks.filter((e) => e.topic === "customers/create").length).toBe(profiles.filter((p) => !p.guest).length);
  });

  test("mixes consent states, locales and birthdays", () => {
    const profiles = Array.from({ length: 1000 }, (_, n) => customerProfile(options(1000), n));
    const share = (f: (p: (typeof profiles)[number]) => boolean) => profiles.filter(f).length / profiles.length;
    expect(share((p) => p.consent === "subscribed")).toBeGreaterThan(0.5);
    expect(share((p) => p.consent === "not_subscribed")).toBeGreaterThan(0.2);
    expect(share((p) => p.consent === "unsubscribes")).toBeGreaterThan(0.05);
    expect(share((p) => p.locale === "ja")).toBeGreaterThan(0.7);
    expect(share((p) => p.locale === "en")).toBeGreaterThan(0.1);
    expect(share((p) => p.birthDate !== null)).toBeGreaterThan(0.3);
    // the unsubscribes arrive as consent webhooks; birthdays ride in the facts metafield or the form
    expect(
      webhooks.some((e) => e.topic === "customers_email_marketing_consent/update" && e.body.includes('"unsubscribed"')),
    ).toBe(true);
    expect(
      webhooks.some((e) => e.topic === "customers/create" && e.body.includes('"namespace":"facts","key":"birth_date"')),
    ).toBe(true);
    expect(events.some((e) => e.kind === "proxy" && e.path === "/proxy/birthday")).toBe(true);
  });

  test("covers the catalogue's life: sell-outs, restocks, notify-me forms, abandoned checkouts, refunds, cancellations", () => {
    const levels = webhooks
      .filter((e) => e.topic === "inventory_levels/update")
      .map((e) => JSON.parse(e.body) as { available: number });
    expect(levels.some((l) => l.available === 0)).toBe(true);
    expect(levels.some((l) => l.available > 0)).toBe(true);
    expect(events.some((e) => e.kind === "proxy" && e.path === "/proxy/back-in-stock")).toBe(true);
    const completed = new Set(
      webhooks
        .filter((e) => e.topic === "checkouts/update")
        .map((e) => (JSON.parse(e.body) as { token: string }).token),
    );
    const created = webhooks
      .filter((e) => e.topic === "checkouts/create")
      .map((e) => (JSON.parse(e.body) as { token: string }).token);
    expect(created.filter((t) => !completed.has(t)).length).toBeGreaterThan(orders.length * 0.2);
    expect(webhooks.some((e) => e.topic === "refunds/create")).toBe(true);
    expect(webhooks.some((e) => e.topic === "orders/cancelled")).toBe(true);
    const pixelNames = new Set(
      events
        .filter((e) => e.kind === "pixel")
        .map((e) => (JSON.parse(e.body) as { event: { name: string } }).event.name),
    );
    expect(pixelNames).toEqual(new Set(["product_viewed", "product_added_to_cart", "checkout_started"]));
  });

  test("every payload is one the real endpoints accept", () => {
    for (const e of events) {
      if (e.kind === "webhook") {
        const topic = resolveTopic(e.topic);
        expect(topic, e.topic).not.toBeNull();
        const parsed = getTopic(topic!).schema.safeParse(parseJsonLossless(e.body));
        expect(parsed.success, `${e.topic}: ${parsed.success ? "" : parsed.error.message}`).toBe(true);
      } else if (e.kind === "pixel") {
        const parsed = parsePixelRequest(parseJsonLossless(e.body), new Date(e.at));
        expect(parsed.success, parsed.success ? "" : parsed.error).toBe(true);
      } else {
        const schema = e.path === "/proxy/birthday" ? birthdayFormSchema : backInStockFormSchema;
        expect(schema.safeParse(e.fields).success).toBe(true);
      }
    }
  });

  test("ids above 2^53 stay exact: written as digits, read back as GIDs with every digit", () => {
    const id = syntheticId("customer", 7);
    expect(BigInt(id)).toBeGreaterThan(2n ** 53n);
    // an odd id above 2^53 has no double of its own
    const create = webhooks.find((e) => e.topic === "customers/create" && /"id":\d+[13579],/.test(e.body))!;
    const raw = /"id":(\d+)/.exec(create.body)![1];
    expect(BigInt(raw!)).toBeGreaterThan(2n ** 53n);
    // a plain JSON.parse would round it; the app's lossless parse keeps it
    expect(String(JSON.parse(`{"id":${raw}}`).id)).not.toBe(raw);
    const parsed = getTopic("customers/create").schema.parse(parseJsonLossless(create.body)) as { gid: string };
    expect(parsed.gid).toBe(`gid://shopify/Customer/${raw}`);
  });

  test("streams: a large store is produced lazily, without building it in memory first", () => {
    const big = syntheticStore(options(500_000));
    let n = 0;
    for (const e of big) {
      expect(e.at).toBeGreaterThan(0);
      if (++n === 2000) break;
    }
    expect(n).toBe(2000);
  });
});
