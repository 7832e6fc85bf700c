import { z } from "zod";
import { toGid } from "~/lib/gid";
import type { NormalizedOrder, NormalizedRefund } from "../../mirror/types";
import { embeddedCustomer } from "./customer";
import { date, gidString, idValue, money, optionalDate, optionalText, resolveGid, text } from "./primitives";

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "currency must be an ISO 4217 code")
  .nullish()
  .transform((v) => v ?? null);
const shopMoneySet = z
  .object({ shop_money: z.object({ amount: z.union([z.string().max(32), z.number()]) }) })
  .nullish();

const lineItem = z.object({
  id: idValue,
  admin_graphql_api_id: gidString.nullish(),
  product_id: idValue.nullish(),
  variant_id: idValue.nullish(),
  title: text(500).nullish(),
  name: text(500).nullish(),
  variant_title: optionalText(500),
  sku: optionalText(255),
  quantity: z.number().int().min(0).max(1_000_000),
  price: money,
  price_set: shopMoneySet,
  total_discount: money,
});

const refundLineItem = z.object({
  line_item_id: idValue.nullish(),
  line_item: z.object({ id: idValue, admin_graphql_api_id: gidString.nullish() }).nullish(),
  quantity: z.number().int().min(0).max(1_000_000),
  subtotal: z.union([z.number(), z.string().max(32)]).nullish(),
  total_tax: z.union([z.number(), z.string().max(32)]).nullish(),
});

const transaction = z.object({
  kind: z.string().max(40).nullish(),
  status: z.string().max(40).nullish(),
  amount: money,
});

export const refundShape = z.object({
  id: idValue,
  admin_graphql_api_id: gidString.nullish(),
  order_id: idValue.nullish(),
  created_at: date,
  note: optionalText(2000),
  refund_line_items: z.array(refundLineItem).max(1000).default([]),
  transactions: z.array(transaction).max(100).default([]),
  order_adjustments: z
    .array(z.object({ amount: money, kind: z.string().max(60).nullish() }))
    .max(100)
    .default([]),
});

/**
 * A refund's amount is what was paid back: successful refund transactions. Without them
 * (e.g. a refund to store credit) it falls back to the refunded lines' subtotal and tax.
 */
export function toNormalizedRefund(r: z.infer<typeof refundShape>): NormalizedRefund | null {
  const gid = resolveGid("Refund", r.admin_graphql_api_id, r.id);
  if (!gid) return null;
  const refundTransactions = r.transactions.filter(
    (t) => (t.kind ?? "refund") === "refund" && (t.status ?? "success") === "success",
  );
  let amount = refundTransactions.reduce((sum, t) => sum + t.amount, 0n);
  if (refundTransactions.length === 0) {
    for (const line of r.refund_line_items) {
      amount += (money.parse(line.subtotal ?? 0) as bigint) + (money.parse(line.total_tax ?? 0) as bigint);
    }
    for (const adjustment of r.order_adjustments) amount -= adjustment.amount;
  }
  const lines = r.refund_line_items.flatMap((line) => {
    const lineGid = resolveGid(
      "LineItem",
      line.line_item?.admin_graphql_api_id,
      line.line_item?.id ?? line.line_item_id,
    );
    return lineGid ? [{ lineGid, quantity: line.quantity }] : [];
  });
  return { gid, amount: amount < 0n ? -amount : amount, lines, note: r.note, createdAt: r.created_at };
}

export const refundPayload = refundShape.transform((r, ctx) => {
  const refund = toNormalizedRefund(r);
  const orderGid = toGid("Order", r.order_id ?? null);
  if (!refund || !orderGid) {
    ctx.addIssue({ code: "custom", message: "refund needs its own id and its order's id" });
    return z.NEVER;
  }
  return { orderGid, refund };
});

function shopAmount(set: z.infer<typeof shopMoneySet>, fallback: bigint): bigint {
  if (!set) return fallback;
  return money.parse(set.shop_money.amount) as bigint;
}

export const orderPayload = z
  .object({
    id: idValue,
    admin_graphql_api_id: gidString.nullish(),
    name: optionalText(100),
    email: optionalText(320),
    contact_email: optionalText(320),
    customer: embeddedCustomer,
    currency,
    total_price: money,
    total_price_set: shopMoneySet,
    subtotal_price: money,
    subtotal_price_set: shopMoneySet,
    total_discounts: money,
    total_discounts_set: shopMoneySet,
    financial_status: optionalText(40),
    fulfillment_status: optionalText(40),
    cancelled_at: optionalDate,
    cancel_reason: optionalText(100),
    processed_at: optionalDate,
    discount_codes: z
      .array(z.object({ code: text(255) }))
      .max(100)
      .nullish(),
    checkout_token: optionalText(255),
    cart_token: optionalText(255),
    source_name: optionalText(100),
    customer_locale: optionalText(16),
    test: z.boolean().nullish(),
    buyer_accepts_marketing: z.boolean().nullish(),
    created_at: date,
    updated_at: optionalDate,
    line_items: z.array(lineItem).max(5000).default([]),
    refunds: z.array(refundShape).max(500).nullish(),
  })
  .transform((o, ctx): NormalizedOrder => {
    const gid = resolveGid("Order", o.admin_graphql_api_id, o.id);
    if (!gid) {
      ctx.addIssue({ code: "custom", message: "order has no usable id" });
      return z.NEVER;
    }
    const lines = o.line_items.flatMap((line) => {
      const lineGid = resolveGid("LineItem", line.admin_graphql_api_id, line.id);
      if (!lineGid) return [];
      return [
        {
          gid: lineGid,
          productGid: toGid("Product", line.product_id ?? null),
          variantGid: toGid("ProductVariant", line.variant_id ?? null),
          title: line.title ?? line.name ?? "",
          variantTitle: line.variant_title,
          sku: line.sku,
          quantity: line.quantity,
          price: shopAmount(line.price_set, line.price),
          totalDiscount: line.total_discount,
        },
      ];
    });
    const status = o.financial_status?.toLowerCase() ?? null;
    return {
      gid,
      name: o.name,
      customer: o.customer,
      customerGid: o.customer?.gid ?? null,
      email: o.email || o.contact_email || o.customer?.email || null,
      currency: o.currency,
      totalPrice: shopAmount(o.total_price_set, o.total_price),
      subtotalPrice: shopAmount(o.subtotal_price_set, o.subtotal_price),
      totalDiscounts: shopAmount(o.total_discounts_set, o.total_discounts),
      financialStatus: status,
      fulfillmentStatus: o.fulfillment_status,
      cancelledAt: o.cancelled_at,
      cancelReason: o.cancel_reason,
      paidAt: null,
      discountCodes: (o.discount_codes ?? []).map((d) => d.code),
      checkoutToken: o.checkout_token,
      cartToken: o.cart_token,
      sourceName: o.source_name,
      customerLocale: o.customer_locale,
      test: o.test ?? false,
      buyerAcceptsMarketing: o.buyer_accepts_marketing ?? null,
      createdAt: o.processed_at ?? o.created_at,
      updatedAt: o.updated_at,
      lines,
      refunds: (o.refunds ?? []).flatMap((r) => {
        const refund = toNormalizedRefund(r);
        return refund ? [refund] : [];
      }),
    };
  });

export const orderDeletePayload = z
  .object({ id: idValue, admin_graphql_api_id: gidString.nullish() })
  .transform((o, ctx) => {
    const gid = resolveGid("Order", o.admin_graphql_api_id, o.id);
    if (!gid) {
      ctx.addIssue({ code: "custom", message: "order delete has no usable id" });
      return z.NEVER;
    }
    return { gid };
  });
