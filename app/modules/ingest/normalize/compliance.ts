import { z } from "zod";
import { toGid } from "~/lib/gid";
import { idValue, optionalText } from "./primitives";

// The HMAC covers only the body, not the X-Shopify-Topic header: a signed orders/create body
// replayed under "customers/redact" or "shop/redact" must not pass as one. Every compliance
// payload names its shop (shop_id, shop_domain) and, for the customer topics, the customer;
// a body without them is not a compliance payload, whatever the header says.
const shopFields = {
  shop_id: idValue,
  shop_domain: z.string().min(1).max(255),
};
const customerRef = z
  .object({ id: idValue.nullish(), email: optionalText(320), phone: optionalText(64) })
  .refine((c) => (c.id !== null && c.id !== undefined) || c.email !== null, {
    error: "names neither a customer id nor an email",
  });

export const customerRedactPayload = z
  .object({
    ...shopFields,
    customer: customerRef,
    orders_to_redact: z.array(idValue).max(100_000).nullish(),
  })
  .transform((r) => ({
    shopDomain: r.shop_domain,
    customerGid: toGid("Customer", r.customer.id ?? null),
    email: r.customer.email,
    orderGids: (r.orders_to_redact ?? []).flatMap((id) => toGid("Order", id) ?? []),
  }));

export const dataRequestPayload = z
  .object({
    ...shopFields,
    customer: customerRef,
    orders_requested: z.array(idValue).max(100_000).nullish(),
    data_request: z.object({ id: idValue.nullish() }).nullish(),
  })
  .transform((r) => ({
    shopDomain: r.shop_domain,
    customerGid: toGid("Customer", r.customer.id ?? null),
    email: r.customer.email,
  }));

export const shopRedactPayload = z.object(shopFields).transform((r) => ({ shopDomain: r.shop_domain }));

const COMPLIANCE_SCHEMAS = {
  "customers/redact": customerRedactPayload,
  "customers/data_request": dataRequestPayload,
  "shop/redact": shopRedactPayload,
} as const;

/** The topics whose body complianceMismatch checks (they need the lossless parse). */
export const isComplianceTopic = (topic: string): boolean => Object.hasOwn(COMPLIANCE_SCHEMAS, topic);

export function sameShopDomain(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Why a body cannot be the compliance webhook its headers claim, or null when it can: it must
 * have the topic's own shape and name the shop of X-Shopify-Shop-Domain. Other topics: null.
 */
export function complianceMismatch(topic: string, headerShop: string, body: unknown): string | null {
  const schema = COMPLIANCE_SCHEMAS[topic as keyof typeof COMPLIANCE_SCHEMAS];
  if (!schema) return null;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return `not a ${topic} payload (${first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid"})`;
  }
  if (!sameShopDomain(parsed.data.shopDomain, headerShop))
    return `${topic} payload names another shop than X-Shopify-Shop-Domain`;
  return null;
}

export const anyPayload = z.unknown();
