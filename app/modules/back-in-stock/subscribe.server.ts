// The storefront "notify me when back in stock" form (theme block → app proxy →
// /proxy/back-in-stock). The route verifies the proxy signature; this module decides what the
// request may do and records it in one transaction: the person (the logged-in customer, or the
// customer with that email, or a new local customer row for it — docs/decisions/0007), their
// consent with its source and time, and the subscription to the sold-out variant.
import { z } from "zod";
import type { Db } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { applyEmailConsent } from "~/modules/customers/apply-email-consent.server";
import { ensureCustomerByEmail, ensureCustomerByGid } from "~/modules/customers/upsert-customer.server";
import type { FormLocale } from "~/modules/storefront/proxy-form.server";

export const BACK_IN_STOCK_SOURCE = "back_in_stock_form";

type Words = Record<FormLocale, string>;

export const BACK_IN_STOCK_MESSAGES = {
  subscribed: { ja: "再入荷したらメールでお知らせします。", en: "We will email you when it is back in stock." },
  already: { ja: "すでに登録済みです。再入荷したらメールでお知らせします。", en: "You are already on the list. We will email you when it is back." },
  in_stock: { ja: "この商品は現在ご購入いただけます。", en: "This product is in stock now: you can buy it right away." },
  unsubscribed: {
    ja: "このメールアドレスは配信停止されています。通知を受け取るには、アカウントでメール配信を再度ご希望ください。",
    en: "This address has unsubscribed from our emails. To get notified, sign up for our emails again in your account.",
  },
  invalid: { ja: "メールアドレスを正しく入力し、メール受信への同意にチェックしてください。", en: "Please enter a valid email address and tick the box to agree to receive emails." },
  unknown_product: { ja: "この商品が見つかりません。ページを再読み込みしてお試しください。", en: "We could not find this product. Please reload the page and try again." },
  unavailable: { ja: "現在このショップでは再入荷通知を受け付けていません。", en: "Back-in-stock notifications are not available for this shop at the moment." },
} satisfies Record<string, Words>;

export type BackInStockOutcome = keyof typeof BACK_IN_STOCK_MESSAGES;

export const BACK_IN_STOCK_STATUS: Record<BackInStockOutcome, number> = {
  subscribed: 200, already: 200, in_stock: 409, unsubscribed: 409, invalid: 400, unknown_product: 404, unavailable: 404,
};

const consentGiven = z.union([z.literal(true), z.literal("true"), z.literal("on"), z.literal("1"), z.literal("yes")]);

export const backInStockFormSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email()),
  /** the variant's numeric id (what Liquid's variant.id prints) */
  variant: z.string().trim().regex(/^\d{1,20}$/),
  /** the box "email me when it's back; I agree to receive emails from this shop" */
  consent: consentGiven,
  locale: z.string().max(20).optional(),
  return_to: z.string().max(500).optional(),
});

export type BackInStockForm = z.output<typeof backInStockFormSchema>;

/** Consent states a storefront form may turn into SUBSCRIBED; a recorded "no" is never overridden from here. */
const UPGRADABLE = new Set(["NOT_SUBSCRIBED", "PENDING"]);

export async function subscribeBackInStock(
  db: Db,
  input: { shopDomain: string | null; loggedInCustomerId: string | null; form: BackInStockForm; now: Date },
): Promise<BackInStockOutcome> {
  const shop = input.shopDomain ? await db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true, uninstalledAt: true } }) : null;
  if (!shop || shop.uninstalledAt) return "unavailable";
  const variantGid = `gid://shopify/ProductVariant/${input.form.variant}`;
  const variant = await db.variant.findUnique({
    where: { shopId_gid: { shopId: shop.id, gid: variantGid } },
    select: { available: true, inventoryPolicy: true, product: { select: { gid: true, deletedAt: true } } },
  });
  if (!variant || variant.product.deletedAt) return "unknown_product";
  if (variant.inventoryPolicy === "continue" || variant.available === null || variant.available > 0) return "in_stock";
  const email = input.form.email;
  const emailNormalized = normalizeEmail(email);
  if (!emailNormalized) return "invalid";
  const loggedIn = input.loggedInCustomerId?.trim() ?? "";
  const scope = { shopId: shop.id, now: input.now };
  const locale = input.form.locale ?? null;

  return db.$transaction(async (tx) => {
    // Shopify vouches for logged_in_customer_id (it is under the signature); an email alone
    // reaches the customer with that address, or a new local row for it
    const customerId = /^\d{1,20}$/.test(loggedIn)
      ? await ensureCustomerByGid(tx, scope, `gid://shopify/Customer/${loggedIn}`, email)
      : await ensureCustomerByEmail(tx, scope, email, { locale });
    if (!customerId) return "invalid";
    const customer = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { email: true, emailConsent: true, emailConsentAt: true, redactedAt: true, locale: true } });
    if (customer.emailConsent !== "SUBSCRIBED" && !UPGRADABLE.has(customer.emailConsent)) return "unsubscribed";
    const suppressed = await tx.suppression.findFirst({ where: { shopId: shop.id, emailNormalized, reason: "unsubscribe" }, select: { id: true } });
    if (suppressed) return "unsubscribed";
    if (!customer.email) await tx.customer.update({ where: { id: customerId }, data: { email, emailNormalized, ...(customer.locale ? {} : { locale }) } });
    if (customer.emailConsent !== "SUBSCRIBED") {
      await applyEmailConsent(tx, scope, customerId, { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: input.now }, BACK_IN_STOCK_SOURCE, customer);
    }
    const existing = await tx.backInStockSubscription.findUnique({ where: { shopId_customerId_variantGid: { shopId: shop.id, customerId, variantGid } }, select: { id: true } });
    if (existing) return "already";
    await tx.backInStockSubscription.create({
      data: { shopId: shop.id, customerId, productGid: variant.product.gid, variantGid, source: BACK_IN_STOCK_SOURCE, consentAt: input.now, locale },
    });
    return "subscribed";
  });
}
