import { z } from "zod";
import { toGid } from "~/lib/gid";
import type { NormalizedCheckout } from "../../mirror/types";
import { embeddedCustomer } from "./customer";
import { date, idValue, money, optionalDate, optionalText, text } from "./primitives";

const checkoutLine = z.object({
  product_id: idValue.nullish(),
  variant_id: idValue.nullish(),
  title: text(500).nullish(),
  variant_title: optionalText(500),
  quantity: z.number().int().min(0).max(1_000_000),
  price: money,
  variant_price: money,
  line_price: money,
});

export const checkoutPayload = z
  .object({
    id: idValue.nullish(),
    token: z.string().min(1).max(255),
    cart_token: optionalText(255),
    email: optionalText(320),
    customer: embeddedCustomer,
    customer_locale: optionalText(16),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "currency must be an ISO 4217 code")
      .nullish(),
    presentment_currency: z.string().max(8).nullish(),
    total_price: money,
    abandoned_checkout_url: z.string().url().max(2000).nullish(),
    buyer_accepts_marketing: z.boolean().nullish(),
    line_items: z.array(checkoutLine).max(1000).default([]),
    completed_at: optionalDate,
    created_at: date,
    updated_at: optionalDate,
  })
  .transform((c): NormalizedCheckout => ({
    token: c.token,
    shopifyId: c.id === null || c.id === undefined ? null : String(c.id),
    cartToken: c.cart_token,
    customer: c.customer,
    customerGid: c.customer?.gid ?? null,
    email: c.email || c.customer?.email || null,
    locale: c.customer_locale,
    currency: c.currency ?? null,
    totalPrice: c.total_price,
    abandonedCheckoutUrl:
      c.abandoned_checkout_url && /^https?:\/\//.test(c.abandoned_checkout_url) ? c.abandoned_checkout_url : null,
    buyerAcceptsMarketing: c.buyer_accepts_marketing ?? false,
    lines: c.line_items.map((line) => ({
      productGid: toGid("Product", line.product_id ?? null),
      variantGid: toGid("ProductVariant", line.variant_id ?? null),
      title: line.title ?? "",
      variantTitle: line.variant_title,
      quantity: line.quantity,
      price: line.variant_price || line.price,
    })),
    completedAt: c.completed_at,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  }));

export const checkoutDeletePayload = z
  .object({ id: idValue.nullish(), cart_token: optionalText(255) })
  .transform((c, ctx) => {
    if (!c.id && !c.cart_token) {
      ctx.addIssue({ code: "custom", message: "checkout delete has neither id nor cart token" });
      return z.NEVER;
    }
    return { shopifyId: c.id ? String(c.id) : null, cartToken: c.cart_token };
  });
