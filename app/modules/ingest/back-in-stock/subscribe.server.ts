// The storefront "notify me when back in stock" form (theme block → app proxy →
// /proxy/back-in-stock). The route verifies the proxy signature; this module decides what the
// request may do (ADR 0023). A typed address is not proof of anything: unless the signed
// logged-in customer's own Shopify address is the one typed, the post records only an opt-in
// request and sends that address a confirmation email (opt-in.server.ts); the person, their
// consent and the subscription are recorded when the owner confirms. The logged-in owner is
// subscribed at once (Shopify vouches for who they are) and Shopify is told.
import { z } from "zod";
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";
import { normalizeEmail } from "~/lib/email";
import { log } from "~/lib/log.server";
import { applyEmailConsent } from "~/modules/mirror/customers/apply-email-consent.server";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";
import type { FormLocale } from "~/modules/ingest/storefront/proxy-form.server";
import {
  canSendConfirmations,
  openOptInRequest,
  sendOptInConfirmation,
  UPGRADABLE_CONSENT,
  writeBackSubscribe,
  type ConfirmationMailer,
  type ConsentWriteBackTarget,
} from "../../delivery/opt-in/opt-in.server";

export const BACK_IN_STOCK_SOURCE = "back_in_stock_form";
/** …when telling Shopify about a logged-in customer's subscription failed: a later sync looks for this value. */
export const BACK_IN_STOCK_PENDING_SYNC_SOURCE = "back_in_stock_form_pending_sync";

type Words = Record<FormLocale, string>;

export const BACK_IN_STOCK_MESSAGES = {
  subscribed: { ja: "再入荷したらメールでお知らせします。", en: "We will email you when it is back in stock." },
  already: {
    ja: "すでに登録済みです。再入荷したらメールでお知らせします。",
    en: "You are already on the list. We will email you when it is back.",
  },
  confirm: {
    ja: "確認メールをお送りしました。メール内のボタンを押して登録を確定してください。確定後、再入荷したらお知らせします。",
    en: "Check your inbox: we sent you an email to confirm. Once you confirm, we will email you when it is back in stock.",
  },
  too_many: {
    ja: "このメールアドレスには本日すでに確認メールを複数お送りしています。届いたメールから登録を確定するか、明日もう一度お試しください。",
    en: "We have already sent several confirmation emails to this address today. Please confirm from one of them, or try again tomorrow.",
  },
  in_stock: {
    ja: "この商品は現在ご購入いただけます。",
    en: "This product is in stock now: you can buy it right away.",
  },
  unsubscribed: {
    ja: "このメールアドレスは配信停止されています。通知を受け取るには、アカウントでメール配信を再度ご希望ください。",
    en: "This address has unsubscribed from our emails. To get notified, sign up for our emails again in your account.",
  },
  invalid: {
    ja: "メールアドレスを正しく入力し、メール受信への同意にチェックしてください。",
    en: "Please enter a valid email address and tick the box to agree to receive emails.",
  },
  unknown_product: {
    ja: "この商品が見つかりません。ページを再読み込みしてお試しください。",
    en: "We could not find this product. Please reload the page and try again.",
  },
  unavailable: {
    ja: "現在このショップでは再入荷通知を受け付けていません。",
    en: "Back-in-stock notifications are not available for this shop at the moment.",
  },
} satisfies Record<string, Words>;

export type BackInStockOutcome = keyof typeof BACK_IN_STOCK_MESSAGES;

export const BACK_IN_STOCK_STATUS: Record<BackInStockOutcome, number> = {
  subscribed: 200,
  already: 200,
  confirm: 202,
  too_many: 429,
  in_stock: 409,
  unsubscribed: 409,
  invalid: 400,
  unknown_product: 404,
  unavailable: 404,
};

const consentGiven = z.union([z.literal(true), z.literal("true"), z.literal("on"), z.literal("1"), z.literal("yes")]);

export const backInStockFormSchema = z.object({
  email: z.string().trim().max(254).pipe(z.email()),
  /** the variant's numeric id (what Liquid's variant.id prints) */
  variant: z
    .string()
    .trim()
    .regex(/^\d{1,20}$/),
  /** the box "email me when it's back; I agree to receive emails from this shop" */
  consent: consentGiven,
  locale: z.string().max(20).optional(),
  return_to: z.string().max(500).optional(),
});

export type BackInStockForm = z.output<typeof backInStockFormSchema>;

/** What the form needs beyond the database: the shop's mail and Admin API (engineDepsForShop). */
export interface BackInStockDeps {
  mailer(shopDomain: string): Promise<ConfirmationMailer>;
  admin(shopDomain: string): Promise<AdminPort>;
}

type Decision =
  | { outcome: BackInStockOutcome; send?: undefined; writeBack?: undefined }
  | { outcome: "confirm"; send: string | null; writeBack?: undefined }
  | { outcome: "subscribed"; writeBack: ConsentWriteBackTarget | null; send?: undefined };

export async function subscribeBackInStock(
  db: Db,
  input: { shopDomain: string | null; loggedInCustomerId: string | null; form: BackInStockForm; now: Date },
  deps: BackInStockDeps,
): Promise<BackInStockOutcome> {
  const shop = input.shopDomain
    ? await db.shop.findUnique({
        where: { domain: input.shopDomain },
        select: { id: true, domain: true, uninstalledAt: true, settings: true },
      })
    : null;
  if (!shop || shop.uninstalledAt) return "unavailable";
  const variantGid = `gid://shopify/ProductVariant/${input.form.variant}`;
  const variant = await db.variant.findUnique({
    where: { shopId_gid: { shopId: shop.id, gid: variantGid } },
    select: { available: true, inventoryPolicy: true, product: { select: { gid: true, deletedAt: true } } },
  });
  if (!variant || variant.product.deletedAt) return "unknown_product";
  if (variant.inventoryPolicy === "continue" || variant.available === null || variant.available > 0) return "in_stock";
  const email = input.form.email.trim();
  const emailNormalized = normalizeEmail(email);
  if (!emailNormalized) return "invalid";
  const loggedIn = input.loggedInCustomerId?.trim() ?? "";
  const scope = { shopId: shop.id, now: input.now };
  const locale = input.form.locale ?? null;

  const decide = () =>
    db.$transaction(async (tx): Promise<Decision> => {
      // A recorded "no" is never overridden from the storefront, whoever asks.
      const refused = await tx.customer.findFirst({
        where: { shopId: shop.id, emailNormalized, redactedAt: null, emailConsent: { notIn: [...UPGRADABLE_CONSENT] } },
        select: { id: true },
      });
      const suppressed = await tx.suppression.findFirst({
        where: { shopId: shop.id, emailNormalized, reason: "unsubscribe" },
        select: { id: true },
      });
      if (refused || suppressed) return { outcome: "unsubscribed" };
      // Shopify signs logged_in_customer_id: when the address typed is that customer's own (as
      // Shopify told us through webhooks or the import), the owner is asking and needs no email.
      const owner = /^\d{1,20}$/.test(loggedIn)
        ? await tx.customer.findFirst({
            where: {
              shopId: shop.id,
              gid: `gid://shopify/Customer/${loggedIn}`,
              emailNormalized,
              redactedAt: null,
              deletedAt: null,
            },
            select: { id: true, gid: true, emailConsent: true, emailConsentAt: true, redactedAt: true, locale: true },
          })
        : null;
      if (owner) {
        let writeBack: ConsentWriteBackTarget | null = null;
        if (owner.emailConsent !== "SUBSCRIBED") {
          const changed = await applyEmailConsent(
            tx,
            scope,
            owner.id,
            { state: "SUBSCRIBED", optInLevel: "SINGLE_OPT_IN", updatedAt: input.now },
            BACK_IN_STOCK_SOURCE,
            owner,
          );
          if (changed && owner.gid) {
            writeBack = {
              shopId: shop.id,
              customerId: owner.id,
              customerGid: owner.gid,
              optInLevel: "SINGLE_OPT_IN",
              source: BACK_IN_STOCK_SOURCE,
              pendingSource: BACK_IN_STOCK_PENDING_SYNC_SOURCE,
            };
          }
        }
        const existing = await tx.backInStockSubscription.findUnique({
          where: { shopId_customerId_variantGid: { shopId: shop.id, customerId: owner.id, variantGid } },
          select: { id: true },
        });
        if (existing) return writeBack ? { outcome: "subscribed", writeBack } : { outcome: "already" };
        await tx.backInStockSubscription.create({
          data: {
            shopId: shop.id,
            customerId: owner.id,
            productGid: variant.product.gid,
            variantGid,
            source: BACK_IN_STOCK_SOURCE,
            consentAt: input.now,
            locale,
          },
        });
        return { outcome: "subscribed", writeBack };
      }
      // Anyone else: nothing about the person yet, only the request and one confirmation email.
      if (!canSendConfirmations(shop.settings)) return { outcome: "unavailable" };
      const opened = await openOptInRequest(tx, {
        shopId: shop.id,
        email,
        emailNormalized,
        variantGid,
        productGid: variant.product.gid,
        locale,
        now: input.now,
      });
      if (opened.outcome === "too_many") return { outcome: "too_many" };
      return { outcome: "confirm", send: opened.outcome === "opened" ? opened.id : null };
    });

  let decision: Decision;
  for (let attempt = 1; ; attempt += 1) {
    try {
      decision = await decide();
      break;
    } catch (error) {
      // The same form posted twice at once: the loser's insert hits the unique key; retried, it
      // finds the open request and sends nothing.
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
  if (decision.send) {
    try {
      await sendOptInConfirmation(db, {
        shopId: shop.id,
        requestId: decision.send,
        now: input.now,
        mailer: await deps.mailer(shop.domain),
      });
    } catch (error) {
      // the request stands: the tick sends what is still pending
      log("warn", "opt-in: the confirmation email could not be sent now; the tick retries", {
        shopId: shop.id,
        error: error instanceof Error ? error.name : typeof error,
      });
    }
  }
  if (decision.writeBack) await writeBackSubscribe(db, () => deps.admin(shop.domain), decision.writeBack);
  return decision.outcome;
}
