// Shopify IDs exceed 2^53: records are keyed by the GID string, built from the id's raw text.
export type ShopifyResource =
  | "Customer"
  | "Order"
  | "LineItem"
  | "Refund"
  | "Product"
  | "ProductVariant"
  | "InventoryItem"
  | "Location"
  | "Checkout"
  | "AbandonedCheckout"
  | "Shop";

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/;

/** Accepts a GID, a numeric string or a safe integer; returns the GID, or null when it is neither. */
export function toGid(resource: ShopifyResource, id: unknown): string | null {
  if (typeof id === "string") {
    const trimmed = id.trim();
    const match = GID.exec(trimmed);
    if (match) return match[1] === resource ? `gid://shopify/${resource}/${match[2]}` : null;
    if (/^\d{1,20}$/.test(trimmed) && trimmed !== "0") return `gid://shopify/${resource}/${trimmed.replace(/^0+/, "")}`;
    return null;
  }
  if (typeof id === "number" && Number.isSafeInteger(id) && id > 0) return `gid://shopify/${resource}/${id}`;
  if (typeof id === "bigint" && id > 0n) return `gid://shopify/${resource}/${id}`;
  return null;
}
