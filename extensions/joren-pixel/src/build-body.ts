// Pure: a Shopify customer event in, the body POSTed to Joren out (the contract is in
// docs/pixel.md and app/modules/ingest/pixel/pixel-event-schema.ts).
import type { PixelCustomer, PixelProductVariant, TrackedEvent, TrackedEventName } from "./types";

export const TRACKED_EVENTS: readonly TrackedEventName[] = [
  "page_viewed",
  "product_viewed",
  "product_added_to_cart",
  "checkout_started",
];

// Keeps a large checkout under the 64 KiB a keepalive request (and the endpoint) accepts; the
// full lines reach Joren through the checkouts/* webhooks anyway.
export const MAX_LINE_ITEMS = 100;

export interface VariantIds {
  id: string | null;
  product: { id: string | null; url: string | null };
}

export interface PixelRequestBody {
  shop: string;
  customer: { id: string | null; email: string | null } | null;
  event: {
    id: string;
    name: TrackedEventName;
    clientId: string;
    timestamp: string;
    context: { document: { location: { href: string | null } } };
    data: Record<string, unknown>;
  };
}

function variantIds(variant: PixelProductVariant | null | undefined): VariantIds | null {
  if (!variant) return null;
  return { id: variant.id ?? null, product: { id: variant.product?.id ?? null, url: variant.product?.url ?? null } };
}

// Only the ids Joren stores leave the browser: the checkout's addresses, phone and prices,
// and the variant's titles and images, stay behind.
function minimalData(event: TrackedEvent): Record<string, unknown> {
  switch (event.name) {
    case "page_viewed":
      return {};
    case "product_viewed":
      return { productVariant: variantIds(event.data?.productVariant) };
    case "product_added_to_cart": {
      const line = event.data?.cartLine;
      return { cartLine: line ? { quantity: line.quantity, merchandise: variantIds(line.merchandise) } : null };
    }
    case "checkout_started": {
      const checkout = event.data?.checkout;
      return {
        checkout: {
          token: checkout?.token ?? null,
          email: checkout?.email ?? null,
          lineItems: (checkout?.lineItems ?? [])
            .slice(0, MAX_LINE_ITEMS)
            .map((line) => ({ quantity: line.quantity, variant: variantIds(line.variant) })),
        },
      };
    }
  }
}

function customerOf(
  event: TrackedEvent,
  loggedIn: Partial<PixelCustomer> | null | undefined,
): PixelRequestBody["customer"] {
  const id = loggedIn?.id ? String(loggedIn.id) : null;
  // Sent as claims only: the app never routes mail on them (the endpoint is unsigned). What ties
  // this browser to a person is the checkout token, joined to Shopify's signed checkouts/* webhook
  // (docs/decisions/0024-pixel-identity-verified-links.md).
  const checkoutEmail = event.name === "checkout_started" ? event.data?.checkout?.email : null;
  const email = checkoutEmail || loggedIn?.email || null;
  return id || email ? { id, email } : null;
}

export function buildPixelRequestBody(input: {
  shopDomain: string;
  customer: Partial<PixelCustomer> | null | undefined;
  event: TrackedEvent;
}): PixelRequestBody {
  const { event } = input;
  return {
    shop: input.shopDomain,
    customer: customerOf(event, input.customer),
    event: {
      id: event.id,
      name: event.name,
      clientId: event.clientId,
      timestamp: event.timestamp,
      context: { document: { location: { href: event.context?.document?.location?.href ?? null } } },
      data: minimalData(event),
    },
  };
}

/** The collector's URL from the pixel's `appUrl` setting; null when the setting is unusable. */
export function eventsEndpoint(appUrl: string | undefined): string | null {
  const base = appUrl?.trim().replace(/\/+$/, "");
  if (!base || !/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(base)) return null;
  return `${base}/pixel/events`;
}
