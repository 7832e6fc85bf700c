// Double opt-in for the storefront notify-me form (ADR 0023). A visitor's post names an address
// nobody has proved they own, so it records only an OptInRequest and sends that address one
// transactional confirmation email with a signed, expiring link. Only the owner's confirmation
// (POST /email/confirm) creates the person, raises their consent (CONFIRMED_OPT_IN, written back
// to Shopify), and records the subscription; the welcome scenario may then greet them.
// Exactly once: one row per shop, address and variant (a unique key), the email claimed like a
// ledger row (a conditional update), the confirmation gated by a conditional update.
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "~/db.server";
import { log } from "~/lib/log.server";
import { applyEmailConsent } from "~/modules/mirror/customers/apply-email-consent.server";
import { ensureCustomerByEmail } from "~/modules/mirror/customers/upsert-customer.server";
import { emailShopName, getEmailBrand } from "~/modules/delivery/mail/content/email-brand.server";
import { buildConfirmUrl } from "~/modules/delivery/mail/links.server";
import { chooseLocale } from "~/modules/delivery/mail/templates/locale";
import { renderOptInConfirmation } from "~/modules/delivery/mail/templates/opt-in-confirmation";
import type { MailTransport, OutgoingMessage } from "~/modules/delivery/mail/transport";
import { isSenderIdentityComplete, parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { isAdminApiError, type AdminPort, type EmailOptInLevel } from "~/modules/platform/shopify/admin-port";

export const OPT_IN_PURPOSE_BACK_IN_STOCK = "back_in_stock";
/** Customer.emailConsentSource after the owner confirmed a notify-me request by email. */
export const OPT_IN_CONFIRMED_SOURCE = "back_in_stock_confirmed";
/** …and when telling Shopify failed: a later sync looks for this value. */
export const OPT_IN_PENDING_SYNC_SOURCE = "back_in_stock_confirmed_pending_sync";
/** How long a confirmation link works. */
export const OPT_IN_TTL_HOURS = 72;
/** Confirmation emails one address may be sent per shop in 24 hours (a typed address cannot be mail-bombed). */
export const MAX_CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3;
/** Requests, open or not, are deleted this long after their link expired (they hold an address). */
export const OPT_IN_KEEP_DAYS = 30;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CLAIM_MS = 10 * 60_000;

/** What sending a confirmation needs: the shop's transport and where links point. */
export interface ConfirmationMailer {
  transport: MailTransport;
  appUrl: string;
  mailSecret: string;
}

/** States from which a storefront confirmation may subscribe an address; a recorded "no" stays. */
export const UPGRADABLE_CONSENT = new Set(["NOT_SUBSCRIBED", "PENDING", "SUBSCRIBED"]);

export function confirmationMessageId(requestId: string): string {
  return `optin-${requestId}`;
}

/**
 * Inside the form's transaction: opens a request for this address and variant, or finds the one
 * still open (a repeated post sends nothing). `too_many` when the address already got its daily
 * share of confirmation emails from this shop.
 */
export async function openOptInRequest(
  tx: Tx,
  input: {
    shopId: string;
    email: string;
    emailNormalized: string;
    variantGid: string;
    productGid: string;
    locale: string | null;
    now: Date;
  },
): Promise<{ outcome: "opened"; id: string } | { outcome: "open_already" | "too_many" }> {
  const key = {
    shopId: input.shopId,
    emailNormalized: input.emailNormalized,
    purpose: OPT_IN_PURPOSE_BACK_IN_STOCK,
    variantGid: input.variantGid,
  };
  const existing = await tx.optInRequest.findUnique({
    where: { shopId_emailNormalized_purpose_variantGid: key },
    select: { id: true, status: true, expiresAt: true },
  });
  if (existing && existing.status !== "confirmed" && existing.status !== "failed" && existing.expiresAt > input.now)
    return { outcome: "open_already" };
  const recent = await tx.optInRequest.count({
    where: {
      shopId: input.shopId,
      emailNormalized: input.emailNormalized,
      requestedAt: { gt: new Date(input.now.getTime() - DAY) },
      ...(existing ? { id: { not: existing.id } } : {}),
    },
  });
  if (recent >= MAX_CONFIRMATIONS_PER_ADDRESS_PER_DAY) return { outcome: "too_many" };
  // an expired, failed or already confirmed request starts again with a new id (a new link)
  if (existing) await tx.optInRequest.delete({ where: { id: existing.id } });
  const created = await tx.optInRequest.create({
    data: {
      ...key,
      email: input.email.trim(),
      productGid: input.productGid,
      locale: input.locale,
      requestedAt: input.now,
      nextAttemptAt: input.now,
      expiresAt: new Date(input.now.getTime() + OPT_IN_TTL_HOURS * HOUR),
    },
    select: { id: true },
  });
  return { outcome: "opened", id: created.id };
}

/** Whether the shop can send a confirmation at all (a From address and the legal sender identity). */
export function canSendConfirmations(shopSettings: string | null | undefined): boolean {
  return isSenderIdentityComplete(parseShopSettings(shopSettings ?? "{}"));
}

export type ConfirmationSendOutcome = "sent" | "retry" | "failed" | "not_claimed";

/**
 * Claims the request's email (pending → sending, a conditional update: one instance wins), renders
 * and sends it, and records the result. A provider that asks to wait leaves it pending for the
 * tick; an unknown outcome is `failed`, never resent (the person may ask again).
 */
export async function sendOptInConfirmation(
  db: Db,
  input: { shopId: string; requestId: string; now: Date; mailer: ConfirmationMailer; workerId?: string },
): Promise<ConfirmationSendOutcome> {
  const workerId = input.workerId ?? randomUUID();
  const claimed = await db.optInRequest.updateMany({
    where: { id: input.requestId, shopId: input.shopId, status: "pending", expiresAt: { gt: input.now } },
    data: {
      status: "sending",
      claimedBy: workerId,
      claimedUntil: new Date(input.now.getTime() + CLAIM_MS),
      attempts: { increment: 1 },
    },
  });
  if (claimed.count === 0) return "not_claimed";
  const finish = async (
    status: "sent" | "pending" | "failed",
    extra: { reason?: string; nextAttemptAt?: Date; sentAt?: Date },
  ) => {
    await db.optInRequest.updateMany({
      where: { id: input.requestId, status: "sending", claimedBy: workerId },
      data: {
        status,
        claimedBy: null,
        claimedUntil: null,
        reason: extra.reason ?? null,
        nextAttemptAt: extra.nextAttemptAt ?? null,
        ...(extra.sentAt ? { sentAt: extra.sentAt } : {}),
      },
    });
  };
  let message: OutgoingMessage;
  try {
    message = await confirmationMessage(db, input.shopId, input.requestId, input.now, input.mailer);
  } catch (error) {
    await finish("failed", { reason: `could not prepare the confirmation: ${(error as Error).message}`.slice(0, 500) });
    return "failed";
  }
  const [result] = await input.mailer.transport.send([message]);
  if (result?.status === "sent") {
    await finish("sent", { sentAt: input.now });
    return "sent";
  }
  if (result?.status === "retry") {
    await finish("pending", {
      reason: "mail provider unavailable; retrying",
      nextAttemptAt: new Date(input.now.getTime() + result.retryAfterMs),
    });
    return "retry";
  }
  await finish("failed", {
    reason: (result?.status === "failed" ? result.error : "the transport returned no result").slice(0, 500),
  });
  return "failed";
}

async function confirmationMessage(
  db: Db,
  shopId: string,
  requestId: string,
  now: Date,
  mailer: ConfirmationMailer,
): Promise<OutgoingMessage> {
  const request = await db.optInRequest.findFirstOrThrow({ where: { id: requestId, shopId } });
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { name: true, domain: true, locale: true, settings: true },
  });
  const settings = parseShopSettings(shop.settings);
  if (!isSenderIdentityComplete(settings)) throw new Error("sender identity is not configured (Settings → Sender)");
  const product = request.productGid
    ? await db.product.findUnique({
        where: { shopId_gid: { shopId, gid: request.productGid } },
        select: { title: true },
      })
    : null;
  const locale = chooseLocale(request.locale, shop.locale);
  const rendered = renderOptInConfirmation({
    locale,
    shopName: emailShopName(shop, await getEmailBrand(db, shopId)),
    email: request.email,
    productTitle: product?.title ?? null,
    confirmUrl: buildConfirmUrl({
      appUrl: mailer.appUrl,
      secret: mailer.mailSecret,
      shopId,
      requestId,
      expiresAt: request.expiresAt,
    }),
    validHours: Math.max(1, Math.round((request.expiresAt.getTime() - now.getTime()) / HOUR)),
    sender: {
      name: settings.sender.name ?? "",
      postalAddress: settings.sender.postalAddress ?? "",
      contact: settings.sender.contact ?? "",
    },
  });
  const messageId = confirmationMessageId(requestId);
  return {
    messageId,
    to: { email: request.email },
    from: { email: settings.sender.email ?? "", name: settings.sender.name ?? shop.domain },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: {},
    transactional: true,
    customArgs: { joren_message_id: messageId, shop_id: shopId, scenario: "opt_in_confirmation" },
    categories: ["joren", "opt_in_confirmation"],
  };
}

/**
 * The tick's share: confirmations a provider asked to retry, sends interrupted by a crash (sent
 * when the local outbox holds them, else failed: never sent twice), and requests whose link
 * expired long ago (deleted: they hold an address nobody confirmed).
 */
export async function sweepOptInRequests(
  db: Db,
  shopId: string,
  now: Date,
  mailer: ConfirmationMailer,
): Promise<{ sent: number; recovered: number; deleted: number }> {
  const stale = await db.optInRequest.findMany({
    where: { shopId, status: "sending", claimedUntil: { lt: now } },
    select: { id: true },
    take: 500,
  });
  let recovered = 0;
  for (const row of stale) {
    const stored = mailer.transport.recordsDelivery
      ? await db.outboxEmail.findUnique({ where: { messageId: confirmationMessageId(row.id) }, select: { id: true } })
      : null;
    const moved = await db.optInRequest.updateMany({
      where: { id: row.id, status: "sending", claimedUntil: { lt: now } },
      data: stored
        ? { status: "sent", sentAt: now, claimedBy: null, claimedUntil: null }
        : {
            status: "failed",
            reason: "interrupted while sending; the person may ask again",
            claimedBy: null,
            claimedUntil: null,
          },
    });
    recovered += moved.count;
  }
  const due = await db.optInRequest.findMany({
    where: { shopId, status: "pending", nextAttemptAt: { lte: now }, expiresAt: { gt: now } },
    select: { id: true },
    orderBy: { nextAttemptAt: "asc" },
    take: 100,
  });
  let sent = 0;
  for (const row of due) {
    if ((await sendOptInConfirmation(db, { shopId, requestId: row.id, now, mailer })) === "sent") sent += 1;
  }
  const { count: deleted } = await db.optInRequest.deleteMany({
    where: { shopId, expiresAt: { lt: new Date(now.getTime() - OPT_IN_KEEP_DAYS * DAY) } },
  });
  return { sent, recovered, deleted };
}

export type ConfirmOutcome = "confirmed" | "already" | "not_found" | "unsubscribed";

export interface ConsentWriteBackTarget {
  shopId: string;
  customerId: string;
  customerGid: string;
  optInLevel: EmailOptInLevel;
  /** the source to mark when Shopify could not be told */
  pendingSource: string;
  /** the source the consent carries while it is ours */
  source: string;
}

/**
 * The owner pressed "confirm": in one transaction the request is marked confirmed (a conditional
 * update, so two presses or two instances confirm once), the person found or created, their
 * consent raised to SUBSCRIBED (CONFIRMED_OPT_IN) and the subscription recorded. Shopify is told
 * after the commit.
 */
export async function confirmOptInRequest(
  db: Db,
  input: { shopId: string; requestId: string; now: Date; admin: () => Promise<AdminPort> },
): Promise<{ outcome: ConfirmOutcome; consentChanged: boolean; shopifySync: "synced" | "pending" | "not_needed" }> {
  const result = await db.$transaction(async (tx) => {
    const request = await tx.optInRequest.findFirst({ where: { id: input.requestId, shopId: input.shopId } });
    if (!request) return { outcome: "not_found" as const, writeBack: null };
    if (request.status === "confirmed") return { outcome: "already" as const, writeBack: null };
    const shop = await tx.shop.findUnique({ where: { id: input.shopId }, select: { uninstalledAt: true } });
    if (!shop || shop.uninstalledAt) return { outcome: "not_found" as const, writeBack: null };
    // a "no" recorded since the request (an unsubscribe, Shopify's consent) is not overridden here
    const suppressed = await tx.suppression.findFirst({
      where: { shopId: input.shopId, emailNormalized: request.emailNormalized, reason: "unsubscribe" },
      select: { id: true },
    });
    const refused = await tx.customer.findFirst({
      where: {
        shopId: input.shopId,
        emailNormalized: request.emailNormalized,
        emailConsent: { notIn: [...UPGRADABLE_CONSENT] },
      },
      select: { id: true },
    });
    if (suppressed || refused) return { outcome: "unsubscribed" as const, writeBack: null };
    const marked = await tx.optInRequest.updateMany({
      where: { id: request.id, status: { not: "confirmed" } },
      data: { status: "confirmed", confirmedAt: input.now, claimedBy: null, claimedUntil: null },
    });
    if (marked.count === 0) return { outcome: "already" as const, writeBack: null };
    const scope = { shopId: input.shopId, now: input.now };
    const customerId = await ensureCustomerByEmail(tx, scope, request.email, { locale: request.locale });
    if (!customerId) return { outcome: "not_found" as const, writeBack: null };
    const customer = await tx.customer.findUniqueOrThrow({
      where: { id: customerId },
      select: { gid: true, emailConsent: true, emailConsentAt: true, redactedAt: true, deletedAt: true, locale: true },
    });
    let consentChanged = false;
    if (customer.emailConsent !== "SUBSCRIBED") {
      consentChanged = await applyEmailConsent(
        tx,
        scope,
        customerId,
        { state: "SUBSCRIBED", optInLevel: "CONFIRMED_OPT_IN", updatedAt: input.now },
        OPT_IN_CONFIRMED_SOURCE,
        customer,
      );
    }
    if (!customer.locale && request.locale)
      await tx.customer.update({ where: { id: customerId }, data: { locale: request.locale } });
    if (request.productGid) {
      await tx.backInStockSubscription.upsert({
        where: { shopId_customerId_variantGid: { shopId: input.shopId, customerId, variantGid: request.variantGid } },
        create: {
          shopId: input.shopId,
          customerId,
          productGid: request.productGid,
          variantGid: request.variantGid,
          source: OPT_IN_CONFIRMED_SOURCE,
          consentAt: input.now,
          locale: request.locale,
        },
        update: {},
      });
    }
    const writeBack: ConsentWriteBackTarget | null =
      consentChanged && customer.gid && !customer.deletedAt
        ? {
            shopId: input.shopId,
            customerId,
            customerGid: customer.gid,
            optInLevel: "CONFIRMED_OPT_IN",
            source: OPT_IN_CONFIRMED_SOURCE,
            pendingSource: OPT_IN_PENDING_SYNC_SOURCE,
          }
        : null;
    return { outcome: "confirmed" as const, writeBack, consentChanged };
  });
  const shopifySync = result.writeBack ? await writeBackSubscribe(db, input.admin, result.writeBack) : "not_needed";
  return {
    outcome: result.outcome,
    consentChanged: "consentChanged" in result ? result.consentChanged === true : false,
    shopifySync,
  };
}

/**
 * Tells Shopify the customer subscribed (with how). On failure the consent's source becomes the
 * target's pendingSource so a later sync can find it; never throws.
 */
export async function writeBackSubscribe(
  db: Db,
  admin: () => Promise<AdminPort>,
  target: ConsentWriteBackTarget,
): Promise<"synced" | "pending"> {
  try {
    const port = await admin();
    await port.updateEmailConsent(target.customerGid, "SUBSCRIBED", target.optInLevel);
    return "synced";
  } catch (error) {
    log("warn", "opt-in: writing consent back to Shopify failed; marked for a later sync", {
      shopId: target.shopId,
      customerId: target.customerId,
      ...(isAdminApiError(error)
        ? { errorKind: error.kind, status: error.status, codes: error.codes }
        : { errorKind: error instanceof Error ? error.name : typeof error }),
    });
    try {
      await db.customer.updateMany({
        where: {
          id: target.customerId,
          shopId: target.shopId,
          emailConsent: "SUBSCRIBED",
          emailConsentSource: target.source,
        },
        data: { emailConsentSource: target.pendingSource },
      });
    } catch {
      // the warning above already names the customer
    }
    return "pending";
  }
}
