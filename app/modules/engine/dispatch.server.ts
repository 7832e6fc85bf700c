// Rule 8 and delivery: claim each row (a conditional update, so two instances never both send
// it), create its coupon once, render it, hand the batch to the transport, and record the result.
import { createHash } from "node:crypto";
import type { Customer, Message, Shop } from "@prisma/client";
import { Prisma, type Db } from "~/db.server";
import { chunked } from "~/lib/chunks";
import { log } from "~/lib/log.server";
import { executeSql } from "~/lib/raw-sql.server";
import { awardBonusPoints } from "~/modules/points/points-ledger.server";
import { listUnsubscribeHeaders } from "~/modules/mail/headers";
import { brandStyle, emailShopName, loadShopEmailLook, type ShopEmailLook } from "~/modules/mail/content/email-content.server";
import { buildMessageLinks } from "~/modules/mail/links.server";
import { chooseLocale, renderMessage, type MessageIncentive, type TemplateScenarioKey } from "~/modules/mail/render-message";
import type { OutgoingMessage, SendResult } from "~/modules/mail/transport";
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
  const claimed = await claimRows(db, ctx, items.map((i) => i.row.id));
  // the merchant's wording and brand, read once for the whole batch
  const look = claimed.size > 0 ? await loadShopEmailLook(db, ctx.shop.id) : null;
  for (const item of items) {
    if (!claimed.has(item.row.id) || !look) continue;
    try {
      const prepared = await prepare(db, ctx, item, look);
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
    const sent = chunk.filter((entry) => byId.get(entry.item.row.id)?.status === "sent");
    await recordSent(db, ctx, sent.map((entry) => ({
      id: entry.item.row.id,
      email: entry.message.to.email,
      locale: entry.locale,
      subject: entry.subject,
      couponCode: entry.couponCode,
      // the audience says whether a code was a first-purchase one (the guard's counters)
      incentive: entry.incentive
        ? JSON.stringify({ ...entry.incentive, audience: entry.item.content.incentive?.audience ?? null }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))
        : null,
      providerId: providerIdOf(byId.get(entry.item.row.id)),
      reason: entry.note,
    })));
    for (const entry of chunk) {
      const result = byId.get(entry.item.row.id);
      const id = entry.item.row.id;
      if (result?.status === "sent") {
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

/**
 * Rule 8's claim, for many rows at once: a conditional update marks the rows still planned or
 * deferred as ours; reading back which rows carry our worker id tells what we won (another
 * instance's concurrent claim leaves its own id).
 */
type SentDetails = { id: string } & Record<(typeof SENT_DETAIL_COLUMNS)[number], string | null>;

const SENT_DETAIL_COLUMNS = ["email", "locale", "subject", "couponCode", "incentive", "providerId", "reason"] as const;
/** 7 CASE columns × 2 parameters per row + the IN list stays under SQLite's 999 bound parameters */
const SENT_DETAIL_CHUNK = 60;

/**
 * Marks sent rows in two statements per chunk instead of one per row (each Prisma statement
 * costs about a millisecond of compilation here): the shared fields with updateMany, the
 * per-row details with one CASE update, both in one transaction.
 */
async function recordSent(db: Db, ctx: DispatchContext, rows: SentDetails[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SENT_DETAIL_CHUNK) {
    const chunk = rows.slice(i, i + SENT_DETAIL_CHUNK);
    const ids = chunk.map((r) => r.id);
    const sets = SENT_DETAIL_COLUMNS.map(
      (column) => Prisma.sql`${Prisma.raw(`"${column}"`)} = CASE "id" ${Prisma.join(chunk.map((r) => Prisma.sql`WHEN ${r.id} THEN ${r[column]}`), " ")} END`,
    );
    await db.$transaction([
      executeSql(db, Prisma.sql`UPDATE "Message" SET ${Prisma.join(sets, ", ")} WHERE "shopId" = ${ctx.shop.id} AND "status" = 'sending' AND "id" IN (${Prisma.join(ids)})`),
      db.message.updateMany({
        where: { shopId: ctx.shop.id, id: { in: ids }, status: "sending" },
        data: { status: "sent", sentAt: ctx.now, claimedBy: null, claimedUntil: null },
      }),
    ]);
  }
}

function providerIdOf(result: SendResult | undefined): string | null {
  return result?.status === "sent" ? (result.providerId ?? null) : null;
}

async function claimRows(db: Db, ctx: DispatchContext, ids: string[]): Promise<Set<string>> {
  const won = new Set<string>();
  for (const chunk of chunked(ids)) {
    await db.message.updateMany({
      where: { shopId: ctx.shop.id, id: { in: chunk }, status: { in: ["planned", "deferred"] } },
      data: { status: "sending", claimedBy: ctx.workerId, claimedUntil: new Date(ctx.now.getTime() + CLAIM_MS), attempts: { increment: 1 } },
    });
    const mine = await db.message.findMany({ where: { shopId: ctx.shop.id, id: { in: chunk }, status: "sending", claimedBy: ctx.workerId }, select: { id: true } });
    for (const row of mine) won.add(row.id);
  }
  return won;
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

async function prepare(db: Db, ctx: DispatchContext, item: Dispatchable, look: ShopEmailLook): Promise<Prepared | { defer: string }> {
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
        // A retry after the code was created: Shopify says it is taken (userError code TAKEN,
        // "Code must be unique"), which is what we want — the code is this row's own.
        const taken = isAdminApiError(error) && (error.codes.includes("TAKEN") || /taken|already|must be unique/i.test(error.message));
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
    shop: { name: emailShopName(ctx.shop, look.brand), currency: ctx.shop.currency, url: `https://${ctx.shop.domain}`, timezone: ctx.timezone },
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
  return { message, couponCode, incentive, locale, subject: rendered.subject, note: notes.length ? notes.join("; ") : null };
}
