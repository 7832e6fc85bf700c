// The app's own shapes for what Shopify tells us. Webhook payloads and bulk-import JSONL are
// both normalised into these before anything is stored: nothing deeper sees a raw payload.
// Money is bigint milli-units (app/lib/money.ts); ids are GID strings (app/lib/gid.ts).

export type EmailConsentState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "PENDING" | "UNSUBSCRIBED" | "REDACTED" | "INVALID";

export interface NormalizedConsent {
  state: EmailConsentState;
  optInLevel: string | null;
  updatedAt: Date | null;
}

export interface NormalizedCustomer {
  gid: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  locale: string | null;
  state: string | null;
  tags: string | null;
  consent: NormalizedConsent | null;
  /** YYYY-MM-DD from the facts.birth_date metafield, when the source carries it */
  birthDate: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface NormalizedOrderLine {
  gid: string;
  productGid: string | null;
  variantGid: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  price: bigint;
  totalDiscount: bigint;
}

export interface NormalizedRefund {
  gid: string;
  amount: bigint;
  lines: { lineGid: string; quantity: number }[];
  note: string | null;
  createdAt: Date;
}

export interface NormalizedOrder {
  gid: string;
  name: string | null;
  customer: NormalizedCustomer | null;
  /** the customer GID even when the payload's customer object is partial */
  customerGid: string | null;
  email: string | null;
  currency: string | null;
  totalPrice: bigint;
  subtotalPrice: bigint;
  totalDiscounts: bigint;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** when the order became paid, if known (financial status paid/partially_refunded/refunded) */
  paidAt: Date | null;
  discountCodes: string[];
  checkoutToken: string | null;
  cartToken: string | null;
  sourceName: string | null;
  customerLocale: string | null;
  test: boolean;
  buyerAcceptsMarketing: boolean | null;
  createdAt: Date;
  updatedAt: Date | null;
  lines: NormalizedOrderLine[];
  /** refunds the order payload already lists (orders/updated carries them) */
  refunds: NormalizedRefund[];
}

export interface NormalizedCheckoutLine {
  productGid: string | null;
  variantGid: string | null;
  title: string;
  variantTitle: string | null;
  quantity: number;
  price: bigint;
}

export interface NormalizedCheckout {
  token: string;
  shopifyId: string | null;
  cartToken: string | null;
  customer: NormalizedCustomer | null;
  customerGid: string | null;
  email: string | null;
  locale: string | null;
  currency: string | null;
  totalPrice: bigint;
  abandonedCheckoutUrl: string | null;
  buyerAcceptsMarketing: boolean;
  lines: NormalizedCheckoutLine[];
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date | null;
}

export interface NormalizedVariant {
  gid: string;
  title: string | null;
  sku: string | null;
  price: bigint;
  inventoryItemGid: string | null;
  inventoryQuantity: number | null;
  inventoryPolicy: string | null;
  updatedAt: Date | null;
}

export interface NormalizedProduct {
  gid: string;
  title: string;
  handle: string | null;
  status: string | null;
  productType: string | null;
  vendor: string | null;
  tags: string | null;
  imageUrl: string | null;
  publishedAt: Date | null;
  updatedAt: Date | null;
  variants: NormalizedVariant[];
}

export interface NormalizedInventoryLevel {
  inventoryItemGid: string;
  locationGid: string;
  available: number;
  updatedAt: Date;
}

/** Every domain write takes the shop explicitly: tenant isolation by construction. */
export interface ShopScope {
  shopId: string;
  /** the instant the write happens at (the webhook's receipt time, or the import's clock) */
  now: Date;
}
