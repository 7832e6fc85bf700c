// Rule 8 and delivery: claim each row (a conditional update, so two instances never both send
// it), create its coupon once, render it, hand the batch to the transport, and record the result.
import { createHash } from "node:crypto";
import type { Customer, Message, Shop } from "@prisma/client";
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { listUnsubscribeHeaders } from "~/modules/mail/headers";
import { buildMessageLinks } from "~/modules/mail/links.server";
import { chooseLocale, renderMessage, type MessageIncentive, type TemplateScenarioKey } from "~/modules/mail/render-message";
import type { OutgoingMessage } from "~/modules/mail/transport";
import type { MessageContent } from "~/modules/scenarios/scenario-definition";
import type { ShopSettings } from "~/modules/settings/shop-settings";
import { isAdminApiError } from "~/modules/shopify/admin-port";
import type { EngineDeps, LedgerStatus } from "./tick.server";

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
  for (const item of items) {
    const claimed = await db.message.updateMany({
      where: { id: item.row.id, status: { in: ["planned", "deferred"] } },
      data: { status: "sending", claimedBy: ctx.workerId, claimedUntil: new Date(ctx.now.getTime() + CLAIM_MS), attempts: { increment: 1 } },
    });
    if (claimed.count !== 1) continue;
    try {
      const prepared = await prepare(db, ctx, item);
      if ("defer" in prepared) {
        await release(db, item.row.id, "deferred", prepared.defer, new Date(ctx.now.getTime() + COUPON_RETRY_MS));
        results.push({ id: item.row.id, scenario: item.row.scenario, status: "deferred" });
      } else outgoing.push({ item, ...prepared });
    } catch (error) {
      const reason = `could not prepare the email: ${(error as Error).message}`.slice(0, 500);
      await release(db, item.row.id, "failed", reason, null);
      results.push({ id: item.row.id, scenario: item.row.scenario, status: "failed" });
    }
  }
  for (let i = 0; i < outgoing.length; i += SEND_CHUNK) {
    const chunk = outgoing.slice(i, i + SEND_CHUNK);
    const sendResults = await ctx.deps.transport.send(chunk.map((c) => c.message));
    const byId = new Map(sendResults.map((r) => [r.messageId, r]));
    for (const entry of chunk) {
      const result = byId.get(entry.item.row.id);
      const id = entry.item.row.id;
      if (result?.status === "sent") {
        await db.message.updateMany({
          where: { id, status: "sending" },
          data: {
            status: "sent",
            sentAt: ctx.now,
            email: entry.message.to.email,
            locale: entry.locale,
            subject: entry.subject,
            couponCode: entry.couponCode,
            incentive: entry.incentive ? JSON.stringify(entry.incentive, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) : null,
            providerId: result.providerId ?? null,
            reason: entry.note,
            claimedBy: null,
            claimedUntil: null,
          },
        });
        results.push({ id, scenario: entry.item.row.scenario, status: "sent" });
      } else if (result?.status === "retry") {
        await release(db, id, "deferred", "mail provider unavailable; retrying", new Date(ctx.now.getTime() + result.retryAfterMs));
        results.push({ id, scenario: entry.item.row.scenario, status: "deferred" });
      } else {
        const reason = result?.status === "failed" ? result.error : "the transport returned no result";
        await release(db, id, "failed", reason.slice(0, 500), null);
        results.push({ id, scenario: entry.item.row.scenario, status: "failed" });
      }
    }
  }
  return results;
}

async function release(db: Db, id: string, status: "deferred" | "failed", reason: string, until: Date | null): Promise<void> {
  await db.message.updateMany({
    where: { id, status: "sending" },
    data: { status, reason, deferredUntil: until, claimedBy: null, claimedUntil: null },
  });
}

interface Prepared {
  message: OutgoingMessage;
  couponCode: string | null;
  incentive: MessageIncentive | null;
  locale: string;
  subject: string;
  note: string | null;
}

async function prepare(db: Db, ctx: DispatchContext, item: Dispatchable): Promise<Prepared | { defer: string }> {
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
      if (!row.couponCode) await db.message.update({ where: { id: row.id }, data: { couponCode } });
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
        // A retry after the code was created: Shopify says it is taken, which is what we want.
        const taken = isAdminApiError(error) && /taken|already/i.test(error.message);
        if (!taken) {
          log("warn", "coupon creation failed; the send is deferred", { messageId: row.id, error: (error as Error).message });
          return { defer: `coupon could not be created: ${(error as Error).message}`.slice(0, 500) };
        }
      }
      incentive =
        wanted.kind === "percent"
          ? { kind: "coupon", code: couponCode, percentOff: wanted.value, expiresAt: endsAt }
          : { kind: "coupon", code: couponCode, amountOff: BigInt(Math.round(wanted.value * 1000)), expiresAt: endsAt };
    }
  } else if (wanted?.kind === "points") {
    notes.push("bonus points not offered: the points ledger is not available yet");
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
    shop: { name: ctx.shop.name ?? ctx.shop.domain, currency: ctx.shop.currency, url: `https://${ctx.shop.domain}`, timezone: ctx.timezone },
    customer: { firstName: customer.firstName },
    products: content.products,
    recoveryUrl: content.recoveryUrl,
    incentive,
    sender: { name: sender.name ?? "", postalAddress: sender.postalAddress ?? "", contact: sender.contact ?? "" },
    links,
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
  return { message, couponCode, incentive, locale, subject: rendered.subject, note: notes.length ? notes.join("; ") : null };
}
