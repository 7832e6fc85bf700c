// Storefront traffic as the Web Pixel sends it, for load: requests of 1–3 events (page views,
// product views, add-to-carts) from many browsers, every tenth a repeat of an earlier request
// (the same event ids, as a retried or doubled send). Used by `joren bench` and the pixel load
// test. Deterministic for a count and a prefix.
import { itemAt } from "~/lib/arrays";

export interface PixelTrafficRequest {
  body: string;
  eventIds: string[];
  clientIds: string[];
}

export function pixelTraffic(options: {
  shop: string;
  requests: number;
  browsers?: number;
  prefix?: string;
  now?: Date;
}): PixelTrafficRequest[] {
  const prefix = options.prefix ?? "load";
  const browsers = options.browsers ?? 60;
  const timestamp = new Date((options.now ?? new Date()).getTime() - 60_000).toISOString();
  const names = ["page_viewed", "product_viewed", "product_added_to_cart"] as const;
  const plan: PixelTrafficRequest[] = [];
  for (let i = 0; i < options.requests; i++) {
    if (i % 10 === 9) {
      plan.push(itemAt(plan, i - 7, "request"));
      continue;
    }
    const clientId = `${prefix}-client-${i % browsers}`;
    const events = Array.from({ length: 1 + (i % 3) }, (_, k) => {
      const name = names[(i + k) % names.length];
      const productVariant = {
        id: String(45_600_000_000_000_000n + BigInt(i % 7)),
        product: { id: String(820_982_911_946_154_500n + BigInt(i % 7)), url: "/products/tea" },
      };
      const data =
        name === "page_viewed"
          ? {}
          : name === "product_viewed"
            ? { productVariant }
            : { cartLine: { quantity: 1, merchandise: productVariant } };
      return {
        id: `${prefix}-evt-${i}-${k}`,
        name,
        clientId,
        timestamp,
        context: { document: { location: { href: `https://${options.shop}/products/tea` } } },
        data,
      };
    });
    plan.push({
      body: JSON.stringify({ shop: options.shop, customer: null, events }),
      eventIds: events.map((e) => e.id),
      clientIds: [clientId],
    });
  }
  return plan;
}
