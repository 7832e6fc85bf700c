// Rule 8 and delivery: claim each row (a conditional update, so two instances never both send
// it), create its coupon once, render it, hand the batch to the transport, and record the result.
import { createHash } from "node:crypto";
import type { Customer, Message, Shop } from "@prisma/client";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { awardBonusPoints } from "~/modules/mirror/points/points-ledger.server";
import { listUnsubscribeHeaders } from "~/modules/delivery/mail/headers";
import { loadShopEmailLook, type ShopEmailLook } from "~/modules/engine/scenarios/email-content.server";
import { brandStyle, emailShopName } from "~/modules/delivery/mail/content/email-brand.server";
import { buildMessageLinks } from "~/modules/delivery/mail/links.server";
import { chooseLocale } from "~/modules/delivery/mail/templates/locale";
import { renderMessage, type TemplateScenarioKey } from "~/modules/engine/scenarios/render-message";
import type { MessageIncentive } from "~/modules/delivery/mail/templates/types";
import type { OutgoingMessage, SendResult } from "~/modules/delivery/mail/transport";
import type { MessageContent } from "~/modules/engine/scenarios/scenario-definition";
import type { ShopSettings } from "~/modules/platform/settings/shop-settings";
import { isAdminApiError } from "~/modules/platform/shopify/admin-port";
import {
  assignCoupon,
  claimForSending,
  deferSending,
  markFailed,
  markSent,
  type LedgerStatus,
} from "./message-ledger.server";
import type { EngineDeps } from "./tick.server";

export interface Dispatchable {
  row: Message;
  customer: Customer;
  content: MessageContent;
  /** recorded with the row, e.g. "first-purchase offer withheld" */
  note: string | null;
}

interface DispatchContext {
  shop: Shop;
  settings: ShopSettings;
  timezone: string;
  now: Date;
  deps: EngineDeps;
  workerId: string;
}

const CLAIM_MS = 10 * 60_000;
const COUPON_RETRY_MS = 15 * 60_000;
const SEND_CHUNK = 100;
const DAY = 86_400_000;

/** The same ledger row always gets the same code, so a retry never creates a second one. */
export function couponCodeFor(messageId: string): string {
  return `JOREN-${createHash("sha256").update(messageId).digest("hex").slice(0, 10).toUpperCase()}`;
}

type Result = { id: string; scenario: string; status: LedgerStatus };

export async function dispatchMessages(db: Db, ctx: DispatchContext, items: Dispatchable[]): Promise<Result[]> {
  const results: Result[] = [];
  const outgoing: (Prepared & { item: Dispatchable })[] = [];
  const claimed = await claimForSending(
    db,
    ctx.shop.id,
    items.map((i) => i.row.id),
    ctx.workerId,
    new Date(ctx.now.getTime() + CLAIM_MS),
  );
  // the merchant's wording and brand, read once for the whole batch
  const look = claimed.size > 0 ? await loadShopEmailLook(db, ctx.shop.id) : null;
  for (const item of items) {
    if (!claimed.has(item.row.id) || !look) continue;
    try {
      const prepared = await prepare(db, ctx, item, look);
      if ("defer" in prepared) {
        await deferSending(db, item.row.id, prepared.defer, new Date(ctx.now.getTime() + COUPON_RETRY_MS));
        results.push({ id: item.row.id, scenario: item.row.scenario, status: "deferred" });
      } else outgoing.push({ item, ...prepared });
    } catch (error) {
      const reason = `could not prepare the email: ${(error as Error).message}`.slice(0, 500);
      await markFailed(db, item.row.id, reason);
      results.push({ id: item.row.id, scenario: item.row.scenario, status: "failed" });
    }
  }
  for (let i = 0; i < outgoing.length; i += SEND_CHUNK) {
    const chunk = outgoing.slice(i, i + SEND_CHUNK);
    const sendResults = await ctx.deps.transport.send(chunk.map((c) => c.message));
    const byId = new Map(sendResults.map((r) => [r.messageId, r]));
    const sent = chunk.filter((entry) => byId.get(entry.item.row.id)?.status === "sent");
    await markSent(
      db,
      ctx.shop.id,
      sent.map((entry) => ({
        id: entry.item.row.id,
        email: entry.message.to.email,
        locale: entry.locale,
        subject: entry.subject,
        couponCode: entry.couponCode,
        // the audience says whether a code was a first-purchase one (the guard's counters)
        incentive: entry.incentive
          ? JSON.stringify(
              { ...entry.incentive, audience: entry.item.content.incentive?.audience ?? null },
              (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
            )
          : null,
        providerId: providerIdOf(byId.get(entry.item.row.id)),
        reason: entry.note,
      })),
      ctx.now,
    );
    for (const entry of chunk) {
      const result = byId.get(entry.item.row.id);
      const id = entry.item.row.id;
      if (result?.status === "sent") {
        results.push({ id, scenario: entry.item.row.scenario, status: "sent" });
      } else if (result?.status === "retry") {
        await deferSending(
          db,
          id,
          "mail provider unavailable; retrying",
          new Date(ctx.now.getTime() + result.retryAfterMs),
        );
        results.push({ id, scenario: entry.item.row.scenario, status: "deferred" });
      } else {
        const reason = result?.status === "failed" ? result.error : "the transport returned no result";
        await markFailed(db, id, reason.slice(0, 500));
        results.push({ id, scenario: entry.item.row.scenario, status: "failed" });
      }
    }
  }
  return results;
}

function providerIdOf(result: SendResult | undefined): string | null {
  return result?.status === "sent" ? (result.providerId ?? null) : null;
}

interface Prepared {
  message: OutgoingMessage;
  couponCode: string | null;
  incentive: MessageIncentive | null;
  locale: string;
  subject: string;
  note: string | null;
}

async function prepare(
  db: Db,
  ctx: DispatchContext,
  item: Dispatchable,
  look: ShopEmailLook,
): Promise<Prepared | { defer: string }> {
  const { row, customer, content } = item;
  const notes = item.note ? [item.note] : [];
  let incentive: MessageIncentive | null = null;
  let couponCode: string | null = null;
  const wanted = content.incentive;
  if (wanted && (wanted.kind === "percent" || wanted.kind === "amount")) {
    if (!customer.gid) {
      notes.push("no coupon: a code can only be bound to a customer account");
    } else {
      couponCode = row.couponCode ?? couponCodeFor(row.id);
      if (!row.couponCode) await assignCoupon(db, row.id, couponCode);
      const endsAt = new Date(ctx.now.getTime() + wanted.expiresDays * DAY);
      try {
        await ctx.deps.admin.createCustomerDiscountCode({
          code: couponCode,
          title: `Joren ${row.scenario} ${couponCode}`,
          customerGid: customer.gid,
          ...(wanted.kind === "percent" ? { percentage: wanted.value } : { amount: wanted.value }),
          startsAt: ctx.now,
          endsAt,
        });
      } catch (error) {
        // A retry after the code was created: Shopify says it is taken (userError code TAKEN,
        // "Code must be unique"), which is what we want — the code is this row's own.
        const taken =
          isAdminApiError(error) &&
          (error.codes.includes("TAKEN") || /taken|already|must be unique/i.test(error.message));
        if (!taken) {
          log("warn", "coupon creation failed; the send is deferred", {
            messageId: row.id,
            error: (error as Error).message,
          });
          return { defer: `coupon could not be created: ${(error as Error).message}`.slice(0, 500) };
        }
      }
      incentive =
        wanted.kind === "percent"
          ? { kind: "coupon", code: couponCode, percentOff: wanted.value, expiresAt: endsAt }
          : { kind: "coupon", code: couponCode, amountOff: BigInt(Math.round(wanted.value * 1000)), expiresAt: endsAt };
    }
  } else if (wanted?.kind === "points") {
    // Keyed by the ledger row, so a retry after a crash never credits twice.
    await awardBonusPoints(db, ctx.shop.id, customer.id, wanted.value, `${row.scenario} bonus`, row.id, ctx.now);
    incentive = { kind: "points", points: wanted.value };
  }
  const locale = chooseLocale(customer.locale, ctx.shop.locale);
  const links = buildMessageLinks({
    appUrl: ctx.deps.appUrl,
    secret: ctx.deps.mailSecret,
    shopId: ctx.shop.id,
    messageId: row.id,
    customerId: customer.id,
    now: ctx.now,
  });
  const sender = ctx.settings.sender;
  const rendered = renderMessage(row.scenario as TemplateScenarioKey, {
    locale,
    shop: {
      name: emailShopName(ctx.shop, look.brand),
      currency: ctx.shop.currency,
      url: `https://${ctx.shop.domain}`,
      timezone: ctx.timezone,
    },
    customer: { firstName: customer.firstName },
    products: content.products,
    recoveryUrl: content.recoveryUrl,
    incentive,
    extra: content.extra ?? {},
    sender: { name: sender.name ?? "", postalAddress: sender.postalAddress ?? "", contact: sender.contact ?? "" },
    links,
    content: look.content(row.scenario, locale),
    brand: brandStyle(look.brand, locale),
  });
  const message: OutgoingMessage = {
    messageId: row.id,
    to: { email: customer.email!, ...(customer.firstName ? { name: customer.firstName } : {}) },
    from: { email: sender.email ?? "", name: sender.name ?? ctx.shop.domain },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: { ...listUnsubscribeHeaders(links.unsubscribeUrl) },
    customArgs: { joren_message_id: row.id, shop_id: ctx.shop.id, scenario: row.scenario },
    categories: ["joren", row.scenario],
  };
  return {
    message,
    couponCode,
    incentive,
    locale,
    subject: rendered.subject,
    note: notes.length ? notes.join("; ") : null,
  };
}
