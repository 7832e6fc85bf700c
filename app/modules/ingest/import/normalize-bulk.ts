// Bulk JSONL rows → the app's normalised types (app/modules/mirror/types.ts). Pure functions:
// a group is one parent row plus the child rows that carried its id in `__parentId`.
//
// The Admin GraphQL enums are brought to the values the webhook (REST-shaped) payloads carry,
// so a record looks the same whichever path wrote it last: statuses, states and policies are
// lower-cased (PAID → paid, ACTIVE → active, DENY → deny, ENABLED → enabled, CUSTOMER →
// customer), displayFulfillmentStatus maps to fulfilled | partial | restocked | null, and
// tag lists are joined with ", ". Consent states stay as Shopify names them (SUBSCRIBED…).
import { z } from "zod";
import { toGid, type ShopifyResource } from "~/lib/gid";
import { parseMoney } from "~/lib/money";
import type {
  EmailConsentState,
  NormalizedConsent,
  NormalizedCustomer,
  NormalizedOrder,
  NormalizedOrderLine,
  NormalizedProduct,
  NormalizedRefund,
  NormalizedVariant,
} from "~/modules/mirror/types";
import { isPaidStatus } from "~/modules/mirror/orders/order-counting";

export type BulkRow = Record<string, unknown>;

export interface BulkGroup {
  parent: BulkRow;
  children: BulkRow[];
}

/** A row the import cannot use; carries the row's GID (never PII) for the log. */
export class InvalidBulkRowError extends Error {
  readonly gid: string | null;
  constructor(message: string, gid: string | null) {
    super(message);
    this.name = "InvalidBulkRowError";
    this.gid = gid;
  }
}

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const dateTime = z.iso.datetime({ offset: true }).transform((v) => new Date(v));
const optionalDateTime = dateTime.nullish().transform((v) => v ?? null);
const amount = z.union([z.string(), z.number()]);
const moneyBag = z.object({ shopMoney: z.object({ amount }) });
const idRef = z
  .object({ id: z.string() })
  .nullish()
  .transform((v) => v ?? null);
const tagList = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((v) => {
    const tags = (Array.isArray(v) ? v : (v ?? "").split(",")).map((t) => t.trim()).filter((t) => t.length > 0);
    return tags.length > 0 ? tags.join(", ") : null;
  });

const productRow = z.object({
  id: z.string(),
  title: z.string(),
  handle: text,
  status: text,
  productType: text,
  vendor: text,
  tags: tagList,
  publishedAt: optionalDateTime,
  updatedAt: optionalDateTime,
  featuredMedia: z
    .object({ preview: z.object({ image: z.object({ url: z.string() }).nullish() }).nullish() })
    .nullish(),
  featuredImage: z.object({ url: z.string() }).nullish(),
});

const variantRow = z.object({
  id: z.string(),
  title: text,
  sku: text,
  price: amount,
  inventoryQuantity: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  inventoryPolicy: text,
  updatedAt: optionalDateTime,
  inventoryItem: idRef,
});

const customerRow = z.object({
  id: z.string(),
  email: text,
  firstName: text,
  lastName: text,
  phone: text,
  locale: text,
  state: text,
  tags: tagList,
  createdAt: optionalDateTime,
  updatedAt: optionalDateTime,
  emailMarketingConsent: z
    .object({ marketingState: z.string(), marketingOptInLevel: text, consentUpdatedAt: optionalDateTime })
    .nullish()
    .transform((v) => v ?? null),
  metafield: z
    .object({ value: z.string().nullable() })
    .nullish()
    .transform((v) => v ?? null),
});

const refundLineItemNode = z.object({ lineItem: idRef, quantity: z.number().int() });
const refundRow = z.object({
  id: z.string(),
  createdAt: dateTime,
  note: text,
  totalRefundedSet: moneyBag,
  // Not in the bulk query (a connection inside a list); accepted when a caller has it inline.
  refundLineItems: z
    .object({
      edges: z.array(z.object({ node: refundLineItemNode })).optional(),
      nodes: z.array(refundLineItemNode).optional(),
    })
    .nullish(),
});

const orderRow = z.object({
  id: z.string(),
  name: text,
  email: text,
  customer: idRef,
  currencyCode: text,
  totalPriceSet: moneyBag,
  subtotalPriceSet: moneyBag.nullish(),
  totalDiscountsSet: moneyBag.nullish(),
  totalRefundedSet: moneyBag.nullish(),
  displayFinancialStatus: text,
  displayFulfillmentStatus: text,
  cancelledAt: optionalDateTime,
  cancelReason: text,
  processedAt: optionalDateTime,
  createdAt: dateTime,
  updatedAt: optionalDateTime,
  discountCodes: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  sourceName: text,
  customerLocale: text,
  test: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  refunds: z
    .array(refundRow)
    .nullish()
    .transform((v) => v ?? []),
});

const lineItemRow = z.object({
  id: z.string(),
  title: z.string(),
  variantTitle: text,
  sku: text,
  quantity: z.number().int().nonnegative(),
  originalUnitPriceSet: moneyBag,
  totalDiscountSet: moneyBag.nullish(),
  product: idRef,
  variant: idRef,
});

const CONSENT_STATES: ReadonlySet<string> = new Set<EmailConsentState>([
  "SUBSCRIBED",
  "NOT_SUBSCRIBED",
  "PENDING",
  "UNSUBSCRIBED",
  "REDACTED",
  "INVALID",
]);

function parse<T>(schema: z.ZodType<T>, row: unknown, what: string, gid: string | null): T {
  const result = schema.safeParse(row);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(row)"}: ${i.message}`);
    throw new InvalidBulkRowError(`invalid ${what} row: ${issues.join("; ")}`, gid);
  }
  return result.data;
}

function rowGid(row: BulkRow): string | null {
  return typeof row.id === "string" ? row.id : null;
}

function requireGid(resource: ShopifyResource, id: string, parentGid: string | null): string {
  const gid = toGid(resource, id);
  if (!gid) throw new InvalidBulkRowError(`not a ${resource} id: ${id}`, parentGid);
  return gid;
}

function optionalGid(resource: ShopifyResource, ref: { id: string } | null, parentGid: string | null): string | null {
  return ref ? requireGid(resource, ref.id, parentGid) : null;
}

function money(value: string | number, field: string, gid: string | null): bigint {
  const parsed = parseMoney(value);
  if (parsed === null) throw new InvalidBulkRowError(`${field} is not an amount: ${String(value)}`, gid);
  return parsed;
}

function optionalMoney(
  bag: { shopMoney: { amount: string | number } } | null | undefined,
  field: string,
  gid: string | null,
): bigint {
  return bag ? money(bag.shopMoney.amount, field, gid) : 0n;
}

function lower(value: string | null): string | null {
  return value ? value.toLowerCase() : null;
}

/** The GID's resource type: "ProductVariant" for gid://shopify/ProductVariant/1. */
export function gidResource(id: unknown): string | null {
  if (typeof id !== "string") return null;
  return /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(id)?.[1] ?? null;
}

/** A YYYY-MM-DD that is a real calendar date, else null. */
export function validBirthDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real && year >= 1900 ? trimmed : null;
}

export function fulfillmentStatusFromDisplay(display: string | null): string | null {
  switch (display) {
    case "FULFILLED":
      return "fulfilled";
    case "PARTIALLY_FULFILLED":
      return "partial";
    case "RESTOCKED":
      return "restocked";
    default:
      return null;
  }
}

export function normalizeBulkProduct(group: BulkGroup): NormalizedProduct {
  const parentId = rowGid(group.parent);
  const row = parse(productRow, group.parent, "product", parentId);
  const gid = requireGid("Product", row.id, parentId);
  const variants: NormalizedVariant[] = [];
  for (const child of group.children) {
    if (gidResource(child.id) !== "ProductVariant") continue;
    const v = parse(variantRow, child, "variant", gid);
    variants.push({
      gid: requireGid("ProductVariant", v.id, gid),
      title: v.title,
      sku: v.sku,
      price: money(v.price, "variant price", gid),
      inventoryItemGid: optionalGid("InventoryItem", v.inventoryItem, gid),
      inventoryQuantity: v.inventoryQuantity,
      inventoryPolicy: lower(v.inventoryPolicy),
      updatedAt: v.updatedAt ?? row.updatedAt,
    });
  }
  return {
    gid,
    title: row.title,
    handle: row.handle,
    status: lower(row.status),
    productType: row.productType || null,
    vendor: row.vendor || null,
    tags: row.tags,
    imageUrl: row.featuredMedia?.preview?.image?.url ?? row.featuredImage?.url ?? null,
    publishedAt: row.publishedAt,
    updatedAt: row.updatedAt,
    variants,
  };
}

export function normalizeBulkCustomer(group: BulkGroup): NormalizedCustomer {
  const parentId = rowGid(group.parent);
  const row = parse(customerRow, group.parent, "customer", parentId);
  const gid = requireGid("Customer", row.id, parentId);
  let consent: NormalizedConsent | null = null;
  const c = row.emailMarketingConsent;
  if (c && CONSENT_STATES.has(c.marketingState)) {
    consent = {
      state: c.marketingState as EmailConsentState,
      optInLevel: c.marketingOptInLevel,
      // An undated state was never set explicitly: it has held since the customer exists, so
      // it must not outrank a dated change a webhook delivered meanwhile.
      updatedAt: c.consentUpdatedAt ?? row.createdAt,
    };
  }
  return {
    gid,
    email: row.email?.trim() || null,
    firstName: row.firstName,
    lastName: row.lastName,
    phone: row.phone,
    locale: row.locale,
    state: lower(row.state),
    tags: row.tags,
    consent,
    birthDate: validBirthDate(row.metafield?.value),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function normalizeRefund(refund: z.infer<typeof refundRow>, orderGid: string): NormalizedRefund {
  const nodes = refund.refundLineItems?.nodes ?? refund.refundLineItems?.edges?.map((e) => e.node) ?? [];
  const lines = nodes.flatMap((n) =>
    n.lineItem ? [{ lineGid: requireGid("LineItem", n.lineItem.id, orderGid), quantity: n.quantity }] : [],
  );
  return {
    gid: requireGid("Refund", refund.id, orderGid),
    amount: money(refund.totalRefundedSet.shopMoney.amount, "refund amount", orderGid),
    lines,
    note: refund.note,
    createdAt: refund.createdAt,
  };
}

export function normalizeBulkOrder(group: BulkGroup): NormalizedOrder {
  const parentId = rowGid(group.parent);
  const row = parse(orderRow, group.parent, "order", parentId);
  const gid = requireGid("Order", row.id, parentId);
  const lines: NormalizedOrderLine[] = [];
  for (const child of group.children) {
    if (gidResource(child.id) !== "LineItem") continue;
    const line = parse(lineItemRow, child, "line item", gid);
    lines.push({
      gid: requireGid("LineItem", line.id, gid),
      productGid: optionalGid("Product", line.product, gid),
      variantGid: optionalGid("ProductVariant", line.variant, gid),
      title: line.title,
      variantTitle: line.variantTitle,
      sku: line.sku || null,
      quantity: line.quantity,
      price: money(line.originalUnitPriceSet.shopMoney.amount, "line price", gid),
      totalDiscount: optionalMoney(line.totalDiscountSet, "line discount", gid),
    });
  }
  const financialStatus = lower(row.displayFinancialStatus);
  return {
    gid,
    name: row.name,
    customer: null,
    customerGid: optionalGid("Customer", row.customer, gid),
    email: row.email?.trim() || null,
    currency: row.currencyCode,
    totalPrice: money(row.totalPriceSet.shopMoney.amount, "total price", gid),
    subtotalPrice: optionalMoney(row.subtotalPriceSet, "subtotal", gid),
    totalDiscounts: optionalMoney(row.totalDiscountsSet, "total discounts", gid),
    financialStatus,
    fulfillmentStatus: fulfillmentStatusFromDisplay(row.displayFulfillmentStatus),
    cancelledAt: row.cancelledAt,
    cancelReason: lower(row.cancelReason),
    paidAt: isPaidStatus(financialStatus) ? (row.processedAt ?? row.createdAt) : null,
    discountCodes: row.discountCodes,
    checkoutToken: null,
    cartToken: null,
    sourceName: row.sourceName,
    customerLocale: row.customerLocale,
    test: row.test,
    buyerAcceptsMarketing: null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lines,
    refunds: row.refunds.map((refund) => normalizeRefund(refund, gid)),
  };
}
