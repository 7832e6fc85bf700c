// The subset of @shopify/web-pixels-extension's types this pixel uses (same names and shapes as
// the package's, so the real types drop in). Kept local: the root project does not install the
// package; the Shopify CLI installs it from this extension's package.json when it builds.

export interface PixelProductVariant {
  id: string | null;
  product: { id: string | null; url: string | null } | null;
}

export interface PixelCartLine {
  quantity: number;
  merchandise: PixelProductVariant;
}

export interface PixelCheckoutLineItem {
  quantity: number;
  variant: PixelProductVariant | null;
}

export interface PixelCheckout {
  token: string | null;
  email: string | null;
  lineItems: PixelCheckoutLineItem[];
}

export interface PixelContext {
  document: { location: { href: string } };
}

interface StandardEvent<Name extends string, Data> {
  id: string;
  name: Name;
  clientId: string;
  timestamp: string;
  context: PixelContext;
  data: Data;
}

export type PageViewed = StandardEvent<"page_viewed", Record<string, never>>;
export type ProductViewed = StandardEvent<"product_viewed", { productVariant: PixelProductVariant }>;
export type ProductAddedToCart = StandardEvent<"product_added_to_cart", { cartLine: PixelCartLine | null }>;
export type CheckoutStarted = StandardEvent<"checkout_started", { checkout: PixelCheckout }>;
export type TrackedEvent = PageViewed | ProductViewed | ProductAddedToCart | CheckoutStarted;
export type TrackedEventName = TrackedEvent["name"];

export interface PixelCustomer {
  id: string;
  email: string | null;
}

export interface ExtensionApi {
  readonly settings: Record<string, string | undefined>;
  readonly analytics: {
    subscribe<K extends TrackedEventName>(
      name: K,
      callback: (event: Extract<TrackedEvent, { name: K }>) => void,
    ): () => boolean;
  };
  readonly browser: { sendBeacon: (url: string, body?: string) => Promise<boolean> };
  readonly init: {
    data: {
      customer: Partial<PixelCustomer> | null;
      shop: { myshopifyDomain: string };
    };
  };
}
