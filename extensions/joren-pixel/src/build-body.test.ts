import { PIXEL_EVENT_NAMES, parsePixelRequest } from "~/modules/ingest/pixel/pixel-event-schema";
import { buildPixelRequestBody, eventsEndpoint, MAX_LINE_ITEMS, TRACKED_EVENTS } from "./build-body";
import type {
  CheckoutStarted,
  PixelCheckout,
  PixelProductVariant,
  ProductAddedToCart,
  ProductViewed,
  TrackedEvent,
} from "./types";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const base = {
  id: "sh-evt-1",
  clientId: "client-1",
  timestamp: "2026-11-23T11:59:00.000Z",
  context: { document: { location: { href: "https://example.myshopify.com/products/tea" } } },
};
// As the sandbox hands them over: more fields than Joren needs (titles, prices, images).
const variant = {
  id: "43210987654321",
  title: "200g",
  price: { amount: 1200, currencyCode: "JPY" },
  image: { src: "https://cdn.example/tea.png" },
  product: { id: "820982911946154508", title: "Sencha", url: "/products/tea", vendor: "Joren Tea" },
} as PixelProductVariant;

const viewed: ProductViewed = { ...base, name: "product_viewed", data: { productVariant: variant } };
const added: ProductAddedToCart = {
  ...base,
  id: "sh-evt-2",
  name: "product_added_to_cart",
  data: { cartLine: { quantity: 2, merchandise: variant } },
};
const fullCheckout = {
  token: "ck-123",
  email: "Guest@Example.com",
  phone: "+81 90 0000 0000",
  shippingAddress: { address1: "1-1 Chiyoda", city: "Tokyo" },
  lineItems: [{ quantity: 3, title: "Sencha", variant }],
};
const checkout: PixelCheckout = fullCheckout;
const started: CheckoutStarted = { ...base, id: "sh-evt-3", name: "checkout_started", data: { checkout } };

function build(event: TrackedEvent, customer: { id?: string; email?: string | null } | null = null) {
  return buildPixelRequestBody({ shopDomain: "example.myshopify.com", customer, event });
}

describe("buildPixelRequestBody", () => {
  test("a product view carries the product and variant ids as strings, exactly", () => {
    const body = build(viewed);
    expect(body).toEqual({
      shop: "example.myshopify.com",
      customer: null,
      event: {
        id: "sh-evt-1",
        name: "product_viewed",
        clientId: "client-1",
        timestamp: "2026-11-23T11:59:00.000Z",
        context: { document: { location: { href: "https://example.myshopify.com/products/tea" } } },
        data: { productVariant: { id: "43210987654321", product: { id: "820982911946154508", url: "/products/tea" } } },
      },
    });
    expect(JSON.stringify(body)).toContain('"820982911946154508"');
  });

  test("an add to cart keeps the quantity and the merchandise ids only", () => {
    expect(build(added).event.data).toEqual({
      cartLine: {
        quantity: 2,
        merchandise: { id: "43210987654321", product: { id: "820982911946154508", url: "/products/tea" } },
      },
    });
    expect(build({ ...added, data: { cartLine: null } }).event.data).toEqual({ cartLine: null });
  });

  test("a checkout sends its token, email and line ids, never the address, phone or prices", () => {
    const body = build(started);
    expect(body.event.data).toEqual({
      checkout: {
        token: "ck-123",
        email: "Guest@Example.com",
        lineItems: [
          {
            quantity: 3,
            variant: { id: "43210987654321", product: { id: "820982911946154508", url: "/products/tea" } },
          },
        ],
      },
    });
    const text = JSON.stringify(body);
    for (const secret of ["Chiyoda", "+81", "1200", "Sencha", "cdn.example"]) expect(text).not.toContain(secret);
  });

  test("a checkout's email becomes the customer email, over the logged-in one", () => {
    expect(build(started).customer).toEqual({ id: null, email: "Guest@Example.com" });
    expect(build(started, { id: "gid://shopify/Customer/7", email: "old@example.com" }).customer).toEqual({
      id: "gid://shopify/Customer/7",
      email: "Guest@Example.com",
    });
    const noEmail = { ...started, data: { checkout: { ...checkout, email: null } } };
    expect(build(noEmail, { id: "7", email: "me@example.com" }).customer).toEqual({ id: "7", email: "me@example.com" });
  });

  test("the logged-in customer goes with every event; an anonymous visitor sends null", () => {
    expect(build(viewed, { id: "7", email: null }).customer).toEqual({ id: "7", email: null });
    expect(build(viewed, {}).customer).toBeNull();
    expect(build(viewed, null).customer).toBeNull();
  });

  test("a huge checkout is cut to MAX_LINE_ITEMS lines and stays under 64 KiB", () => {
    const lineItems = Array.from({ length: 400 }, () => ({ quantity: 1, variant }));
    const body = build({ ...started, data: { checkout: { ...checkout, lineItems } } });
    const lines = (body.event.data.checkout as { lineItems: unknown[] }).lineItems;
    expect(lines).toHaveLength(MAX_LINE_ITEMS);
    expect(new TextEncoder().encode(JSON.stringify(body)).byteLength).toBeLessThan(64 * 1024);
  });

  test("every body the pixel builds is accepted by the endpoint's schema", () => {
    const page: TrackedEvent = { ...base, id: "sh-evt-4", name: "page_viewed", data: {} };
    for (const event of [viewed, added, started, page]) {
      const parsed = parsePixelRequest(JSON.parse(JSON.stringify(build(event, { id: "7" }))), NOW);
      expect(parsed.success).toBe(true);
    }
    const parsed = parsePixelRequest(JSON.parse(JSON.stringify(build(viewed))), NOW);
    expect(parsed.success && parsed.data.events[0]).toMatchObject({
      productGid: "gid://shopify/Product/820982911946154508",
      variantGid: "gid://shopify/ProductVariant/43210987654321",
      url: "https://example.myshopify.com/products/tea",
    });
  });

  test("the pixel and the endpoint track the same four events", () => {
    expect([...TRACKED_EVENTS].sort()).toEqual([...PIXEL_EVENT_NAMES].sort());
  });
});

describe("eventsEndpoint", () => {
  test("builds the collector URL from the app URL", () => {
    expect(eventsEndpoint("https://joren.example.com")).toBe("https://joren.example.com/pixel/events");
    expect(eventsEndpoint(" https://joren.example.com/ ")).toBe("https://joren.example.com/pixel/events");
  });

  test("refuses anything that is not an https URL", () => {
    for (const bad of [
      undefined,
      "",
      "http://joren.example.com",
      "joren.example.com",
      "javascript:alert(1)",
      "https://",
    ]) {
      expect(eventsEndpoint(bad)).toBeNull();
    }
  });
});
