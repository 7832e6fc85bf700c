// The points ledger (docs/product.md "Points", docs/points.md). Entries are the history, one per
// source and unique in the database; lots are what is left to spend, with an expiry. Every write
// keeps sum(entries) = sum(lots.remaining): a grant creates an entry and its lot, a deduction an
// entry and the matching decrements, taken from the lots that expire first.
import { randomUUID } from "node:crypto";
import { timeOrderedId } from "~/lib/time-ordered-id";
import type { Db, Tx } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import { isUniqueViolation } from "~/lib/db-errors";
import { normalizeEmail } from "~/lib/email";
import { parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { insertRows } from "~/lib/raw-sql.server";
import { orderTargetPoints, pointsForAmount } from "./earn-rule";

const DAY = 86_400_000;

export type PointsEntryKind = "earn" | "refund" | "cancel" | "adjust" | "bonus" | "spend" | "expire" | "move";

export class PointsError extends Error {
  constructor(
    message: string,
    readonly code: "insufficient" | "customer_not_found" | "invalid",
  ) {
    super(message);
  }
}

interface EntryInput {
  shopId: string;
  customerId: string;
  key: string;
  kind: PointsEntryKind;
  reason: string | null;
  occurredAt: Date;
  orderGid?: string | null;
  basePoints?: number | null;
}

/** A grant: the entry and the lot it opens, expiring `expiryDays` after it was earned. */
async function grant(tx: Tx, input: EntryInput, points: number, expiresAt: Date): Promise<void> {
  const entry = await tx.pointsEntry.create({
    data: { ...input, orderGid: input.orderGid ?? null, basePoints: input.basePoints ?? null, points },
  });
  await tx.pointsLot.create({
    data: {
      shopId: input.shopId,
      customerId: input.customerId,
      entryId: entry.id,
      points,
      remaining: points,
      earnedAt: input.occurredAt,
      expiresAt,
    },
  });
}

/**
 * A deduction of `points` (> 0) from the live lots: first the preferred ones (an order's own lots
 * when its points are reversed), then the ones expiring soonest. What the customer no longer has
 * is recorded as the entry's shortfall unless `strict`, which refuses the whole deduction.
 */
async function deduct(
  tx: Tx,
  input: EntryInput,
  points: number,
  now: Date,
  options: { preferEntryIds?: string[]; strict?: boolean } = {},
): Promise<number> {
  const lots = await tx.pointsLot.findMany({
    where: { shopId: input.shopId, customerId: input.customerId, remaining: { gt: 0 }, expiresAt: { gt: now } },
    orderBy: [{ expiresAt: "asc" }, { earnedAt: "asc" }, { id: "asc" }],
  });
  const preferred = new Set(options.preferEntryIds ?? []);
  lots.sort((a, b) => Number(preferred.has(b.entryId)) - Number(preferred.has(a.entryId)));
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (options.strict && available < points) {
    throw new PointsError(`the customer has ${available} points; ${points} cannot be taken`, "insufficient");
  }
  let left = points;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.remaining);
    // conditional, so a concurrent deduction can never take the same points twice
    const moved = await tx.pointsLot.updateMany({
      where: { id: lot.id, remaining: { gte: take } },
      data: { remaining: { decrement: take } },
    });
    if (moved.count === 0) throw new Error(`points lot ${lot.id} changed concurrently; retry`);
    left -= take;
  }
  const taken = points - left;
  await tx.pointsEntry.create({
    data: {
      ...input,
      orderGid: input.orderGid ?? null,
      basePoints: input.basePoints ?? null,
      points: -taken,
      shortfall: left,
    },
  });
  return taken;
}

async function keyTaken(tx: Tx, shopId: string, key: string): Promise<boolean> {
  return (await tx.pointsEntry.findUnique({ where: { shopId_key: { shopId, key } }, select: { id: true } })) !== null;
}

export async function pointsSettings(tx: Tx, shopId: string) {
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  return parseShopSettings(shop.settings).points;
}

export type OrderRef = { orderId: string } | { gid: string };

/**
 * Brings the points an order has booked in line with what it earns now (paid, not cancelled,
 * voided or test, minus the refunded share; nothing once deleted). Called inside the order and
 * refund writes' transactions. Idempotent: a redelivered webhook finds nothing left to book.
 */
export async function syncOrderPoints(tx: Tx, scope: { shopId: string; now: Date }, ref: OrderRef): Promise<number> {
  const { shopId, now } = scope;
  const order = await tx.order.findFirst({
    where: "orderId" in ref ? { shopId, id: ref.orderId } : { shopId, gid: ref.gid },
    include: { refunds: { select: { gid: true, refundedAt: true }, orderBy: [{ refundedAt: "asc" }, { gid: "asc" }] } },
  });
  const gid = order?.gid ?? ("gid" in ref ? ref.gid : null);
  if (!gid) return 0;
  const entries = await tx.pointsEntry.findMany({ where: { shopId, orderGid: gid }, orderBy: { createdAt: "asc" } });
  if (!order?.customerId && entries.length === 0) return 0;

  const settings = entries.length === 0 || !order ? await pointsSettings(tx, shopId) : null;
  const base =
    entries.find((e) => e.basePoints !== null)?.basePoints ??
    (order && settings ? pointsForAmount(order.subtotalPrice, settings) : 0);
  const status = order?.financialStatus?.toLowerCase() ?? null;
  const target = order
    ? orderTargetPoints(base, {
        paid: order.paidAt !== null,
        cancelled: order.cancelledAt !== null,
        excluded: order.test || status === "voided" || !order.customerId,
        totalPrice: order.totalPrice,
        totalRefunded: order.totalRefunded,
      })
    : 0;

  const booked = new Map<string, number>();
  for (const e of entries) booked.set(e.customerId, (booked.get(e.customerId) ?? 0) + e.points - e.shortfall);
  const ownEntryIds = (customerId: string) => entries.filter((e) => e.customerId === customerId).map((e) => e.id);
  const taken = new Set(entries.map((e) => e.key));
  let seq = entries.length;
  const freshKey = (preferred: string) => (taken.has(preferred) ? `order:${gid}:${++seq}` : preferred);
  const common = { shopId, orderGid: gid, basePoints: base };
  let applied = 0;

  // The order moved to another person (a guest joined to an account) or was deleted: the old
  // holder gives its points back.
  for (const [customerId, points] of booked) {
    if (customerId === order?.customerId || points === 0) continue;
    const input = order
      ? {
          ...common,
          customerId,
          key: freshKey(`order:${gid}:move:${customerId}`),
          kind: "move" as const,
          reason: "order moved to another customer",
          occurredAt: now,
        }
      : {
          ...common,
          customerId,
          key: freshKey(`order:${gid}:delete`),
          kind: "cancel" as const,
          reason: "order deleted",
          occurredAt: now,
        };
    if (points > 0) applied -= await deduct(tx, input, points, now, { preferEntryIds: ownEntryIds(customerId) });
    else
      await grant(
        tx,
        input,
        -points,
        new Date(now.getTime() + (settings ?? (await pointsSettings(tx, shopId))).expiryDays * DAY),
      );
  }
  if (!order?.customerId) return applied;

  const earnedAt = order.paidAt ?? order.shopifyCreatedAt;
  const expiresAt = new Date(earnedAt.getTime() + (settings ?? (await pointsSettings(tx, shopId))).expiryDays * DAY);
  const earn = (points: number) =>
    grant(
      tx,
      {
        ...common,
        customerId: order.customerId!,
        key: freshKey(`order:${gid}:earn`),
        kind: "earn",
        reason: `order ${order.name ?? gid}`,
        occurredAt: earnedAt,
      },
      points,
      expiresAt,
    );
  let held = booked.get(order.customerId) ?? 0;
  // First seen already refunded or cancelled (e.g. orders/updated before orders/paid): the history
  // shows the earn and its reversal, as it happened. Not for points long expired (a history
  // import), whose reversal would otherwise eat into newer points.
  const paidOnce = order.paidAt !== null && !order.test && status !== "voided";
  if (
    held === 0 &&
    !entries.some((e) => e.customerId === order.customerId) &&
    paidOnce &&
    base > target &&
    expiresAt > now
  ) {
    await earn(base);
    applied += base;
    held = base;
  }
  const delta = target - held;
  if (delta > 0) {
    await earn(delta);
    applied += delta;
  } else if (delta < 0) {
    const voided = order.cancelledAt !== null || order.test || status === "voided" || order.paidAt === null;
    const refund = order.refunds.find((r) => !taken.has(`refund:${r.gid}`));
    const input = voided
      ? {
          key: freshKey(`order:${gid}:cancel`),
          kind: "cancel" as const,
          reason: `order ${order.name ?? gid} cancelled`,
          occurredAt: order.cancelledAt ?? now,
        }
      : refund
        ? {
            key: `refund:${refund.gid}`,
            kind: "refund" as const,
            reason: `refund on order ${order.name ?? gid}`,
            occurredAt: refund.refundedAt,
          }
        : {
            key: freshKey(`order:${gid}:refund`),
            kind: "refund" as const,
            reason: `refund on order ${order.name ?? gid}`,
            occurredAt: now,
          };
    const own = [
      ...ownEntryIds(order.customerId),
      ...(
        await tx.pointsEntry.findMany({
          where: { shopId, orderGid: gid, customerId: order.customerId, kind: "earn" },
          select: { id: true },
        })
      ).map((e) => e.id),
    ];
    applied -= await deduct(tx, { ...common, customerId: order.customerId, ...input }, -delta, now, {
      preferEntryIds: own,
    });
  }
  return applied;
}

/** customers/merge: the kept account takes over the deleted one's points (history and lots). */
export async function movePointsToCustomer(
  tx: Tx,
  shopId: string,
  fromCustomerId: string,
  toCustomerId: string,
): Promise<void> {
  const moved = { where: { shopId, customerId: fromCustomerId }, data: { customerId: toCustomerId } };
  await tx.pointsEntry.updateMany(moved);
  await tx.pointsLot.updateMany(moved);
}

function inTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return "$transaction" in db ? (db as Db).$transaction(work) : work(db);
}

export interface AdjustResult {
  entryKey: string;
  /** the change applied */
  points: number;
  balance: number;
}

/**
 * A merchant's manual correction (CLI, admin). A positive one opens a lot with the shop's expiry;
 * a negative one is refused when the customer does not have that many points.
 */
export async function adjustPoints(
  db: Db | Tx,
  shopId: string,
  customerId: string,
  points: number,
  reason: string,
  options: { now?: Date; key?: string } = {},
): Promise<AdjustResult> {
  if (!Number.isSafeInteger(points) || points === 0)
    throw new PointsError("the adjustment must be a whole number other than 0, e.g. 100 or -50", "invalid");
  const trimmed = reason.trim();
  if (!trimmed)
    throw new PointsError("give a reason for the adjustment (it is kept in the customer's points history)", "invalid");
  const now = options.now ?? new Date();
  const key = options.key ?? `adjust:${randomUUID()}`;
  return inTransaction(db, async (tx) => {
    await assertCustomer(tx, shopId, customerId);
    const input = { shopId, customerId, key, kind: "adjust" as const, reason: trimmed.slice(0, 500), occurredAt: now };
    if (points > 0) {
      const { expiryDays } = await pointsSettings(tx, shopId);
      await grant(tx, input, points, new Date(now.getTime() + expiryDays * DAY));
    } else {
      await deduct(tx, input, -points, now, { strict: true });
    }
    return {
      entryKey: key,
      points,
      balance: (await balancesAt(tx, shopId, [customerId], now)).get(customerId)!.balance,
    };
  });
}

/**
 * Bonus points (the loyalty variant of an offer, a campaign). Once per idempotency key: a retry
 * of the same send answers `awarded: false` and books nothing.
 */
export async function awardBonusPoints(
  db: Db | Tx,
  shopId: string,
  customerId: string,
  points: number,
  reason: string,
  idempotencyKey: string,
  now: Date = new Date(),
): Promise<{ awarded: boolean }> {
  if (!Number.isSafeInteger(points) || points <= 0)
    throw new PointsError("bonus points must be a whole number of at least 1", "invalid");
  const key = `bonus:${idempotencyKey}`;
  try {
    return await inTransaction(db, async (tx) => {
      if (await keyTaken(tx, shopId, key)) return { awarded: false };
      await assertCustomer(tx, shopId, customerId);
      const { expiryDays } = await pointsSettings(tx, shopId);
      await grant(
        tx,
        { shopId, customerId, key, kind: "bonus", reason: reason.slice(0, 500), occurredAt: now },
        points,
        new Date(now.getTime() + expiryDays * DAY),
      );
      return { awarded: true };
    });
  } catch (error) {
    // a concurrent award with the same key won the unique constraint
    if (isUniqueViolation(error)) return { awarded: false };
    throw error;
  }
}

/** Spending (redemption, a later step): all or nothing, from the lots that expire first. */
export async function spendPoints(
  db: Db | Tx,
  shopId: string,
  customerId: string,
  points: number,
  key: string,
  reason: string,
  now: Date = new Date(),
): Promise<{ spent: boolean }> {
  if (!Number.isSafeInteger(points) || points <= 0)
    throw new PointsError("points to spend must be a whole number of at least 1", "invalid");
  return inTransaction(db, async (tx) => {
    if (await keyTaken(tx, shopId, `spend:${key}`)) return { spent: false };
    await deduct(tx, { shopId, customerId, key: `spend:${key}`, kind: "spend", reason, occurredAt: now }, points, now, {
      strict: true,
    });
    return { spent: true };
  });
}

/**
 * Books the expiry of every lot that ran out with points left (an "expire" entry per lot, once).
 * Balances never count an expired lot anyway; this writes the history.
 */
export async function expireDuePoints(db: Db, shopId: string, now: Date, limit = 1000): Promise<number> {
  const due = await db.pointsLot.findMany({
    where: { shopId, remaining: { gt: 0 }, expiresAt: { lte: now } },
    orderBy: { expiresAt: "asc" },
    take: limit,
  });
  let expired = 0;
  for (const lot of due) {
    try {
      await db.$transaction(async (tx) => {
        const moved = await tx.pointsLot.updateMany({
          where: { id: lot.id, remaining: lot.remaining },
          data: { remaining: 0 },
        });
        if (moved.count === 0) return;
        await tx.pointsEntry.create({
          data: {
            shopId,
            customerId: lot.customerId,
            key: `expire:${lot.id}`,
            kind: "expire",
            points: -lot.remaining,
            reason: "points expired",
            occurredAt: lot.expiresAt,
          },
        });
        expired += lot.remaining;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return expired;
}

export interface PointsBalance {
  balance: number;
  /** the soonest expiry among the live lots, and how many points expire then */
  nextExpiry: { points: number; at: Date } | null;
}

async function balancesAt(
  tx: Tx,
  shopId: string,
  customerIds: string[],
  now: Date,
): Promise<Map<string, PointsBalance>> {
  const lots = await queryInChunks(customerIds, (chunk) =>
    tx.pointsLot.findMany({
      where: { shopId, customerId: { in: chunk }, remaining: { gt: 0 }, expiresAt: { gt: now } },
      select: { customerId: true, remaining: true, expiresAt: true },
    }),
  );
  const out = new Map<string, PointsBalance>(customerIds.map((id) => [id, { balance: 0, nextExpiry: null }]));
  for (const lot of lots) {
    const b = out.get(lot.customerId)!;
    b.balance += lot.remaining;
    if (!b.nextExpiry || lot.expiresAt < b.nextExpiry.at) b.nextExpiry = { points: lot.remaining, at: lot.expiresAt };
    else if (lot.expiresAt.getTime() === b.nextExpiry.at.getTime()) b.nextExpiry.points += lot.remaining;
  }
  return out;
}

/** Balance and next expiry for a batch of customers (a fixed number of queries per 400 ids). */
export function pointsBalance(
  db: Db | Tx,
  shopId: string,
  customerIds: string[],
  now: Date = new Date(),
): Promise<Map<string, PointsBalance>> {
  return balancesAt(db, shopId, [...new Set(customerIds)], now);
}

export interface PointsHistoryEntry {
  key: string;
  kind: string;
  points: number;
  shortfall: number;
  reason: string | null;
  orderGid: string | null;
  occurredAt: string;
}

export async function pointsHistory(
  db: Db | Tx,
  shopId: string,
  customerId: string,
  limit = 200,
): Promise<PointsHistoryEntry[]> {
  const rows = await db.pointsEntry.findMany({
    where: { shopId, customerId },
    orderBy: [{ occurredAt: "desc" }, { createdAt: "desc" }],
    take: limit,
  });
  return rows.map((e) => ({
    key: e.key,
    kind: e.kind,
    points: e.points,
    shortfall: e.shortfall,
    reason: e.reason,
    orderGid: e.orderGid,
    occurredAt: e.occurredAt.toISOString(),
  }));
}

async function assertCustomer(tx: Tx, shopId: string, customerId: string): Promise<void> {
  const found = await tx.customer.findFirst({ where: { shopId, id: customerId }, select: { id: true } });
  if (!found) throw new PointsError("no such customer in this shop", "customer_not_found");
}

/** A customer by GID ("gid://shopify/Customer/…") or email, for the CLI and the admin. */
export async function findPointsCustomer(
  db: Db,
  shopId: string,
  ref: string,
): Promise<{ id: string; gid: string | null; email: string | null } | null> {
  const select = { id: true, gid: true, email: true } as const;
  if (ref.startsWith("gid://")) return db.customer.findFirst({ where: { shopId, gid: ref }, select });
  const email = normalizeEmail(ref);
  if (!email) return null;
  // an account wins over a guest row with the same address
  return db.customer.findFirst({
    where: { shopId, emailNormalized: email, deletedAt: null },
    select,
    orderBy: [{ gid: { sort: "desc", nulls: "last" } }],
  });
}

/** An order's first earn, booked by `grantFirstEarns` in one statement per table for a batch. */
export interface FirstEarn {
  customerId: string;
  orderGid: string;
  basePoints: number;
  points: number;
  reason: string;
  occurredAt: Date;
  expiresAt: Date;
}

/**
 * What `syncOrderPoints` books for an order stored for the first time, with no entries for its
 * GID and a customer: nothing ("none"), one earn, or null when the ledger's full path is needed
 * (first seen already cancelled or refunded, which books an earn and its reversal).
 */
export function firstOrderEarn(
  settings: { earnPoints: number; perCurrencyUnits: number; expiryDays: number },
  order: {
    gid: string;
    name: string | null;
    customerId: string;
    subtotalPrice: bigint;
    totalPrice: bigint;
    paidAt: Date | null;
    cancelledAt: Date | null;
    test: boolean;
    financialStatus: string | null;
    shopifyCreatedAt: Date;
  },
  now: Date,
): FirstEarn | "none" | null {
  const base = pointsForAmount(order.subtotalPrice, settings);
  const status = order.financialStatus?.toLowerCase() ?? null;
  const target = orderTargetPoints(base, {
    paid: order.paidAt !== null,
    cancelled: order.cancelledAt !== null,
    excluded: order.test || status === "voided",
    totalPrice: order.totalPrice,
    totalRefunded: 0n,
  });
  const earnedAt = order.paidAt ?? order.shopifyCreatedAt;
  const expiresAt = new Date(earnedAt.getTime() + settings.expiryDays * DAY);
  const paidOnce = order.paidAt !== null && !order.test && status !== "voided";
  if (paidOnce && base > target && expiresAt > now) return null;
  if (target <= 0) return "none";
  return {
    customerId: order.customerId,
    orderGid: order.gid,
    basePoints: base,
    points: target,
    reason: `order ${order.name ?? order.gid}`,
    occurredAt: earnedAt,
    expiresAt,
  };
}

/** Books first earns (entry + lot each) with one multi-row insert per table; a taken key throws. */
export async function grantFirstEarns(tx: Tx, shopId: string, earns: readonly FirstEarn[], now: Date): Promise<void> {
  if (earns.length === 0) return;
  const entries = earns.map((e) => ({ ...e, id: timeOrderedId(), lotId: timeOrderedId() }));
  await insertRows(
    tx,
    "PointsEntry",
    [
      { name: "id", type: "text" },
      { name: "shopId", type: "text" },
      { name: "customerId", type: "text" },
      { name: "key", type: "text" },
      { name: "kind", type: "text" },
      { name: "points", type: "integer" },
      { name: "orderGid", type: "text" },
      { name: "basePoints", type: "integer" },
      { name: "reason", type: "text" },
      { name: "occurredAt", type: "timestamp" },
      { name: "createdAt", type: "timestamp" },
    ],
    entries.map((e) => [
      e.id,
      shopId,
      e.customerId,
      `order:${e.orderGid}:earn`,
      "earn",
      e.points,
      e.orderGid,
      e.basePoints,
      e.reason,
      e.occurredAt,
      now,
    ]),
  );
  await insertRows(
    tx,
    "PointsLot",
    [
      { name: "id", type: "text" },
      { name: "shopId", type: "text" },
      { name: "customerId", type: "text" },
      { name: "entryId", type: "text" },
      { name: "points", type: "integer" },
      { name: "remaining", type: "integer" },
      { name: "earnedAt", type: "timestamp" },
      { name: "expiresAt", type: "timestamp" },
    ],
    entries.map((e) => [e.lotId, shopId, e.customerId, e.id, e.points, e.points, e.occurredAt, e.expiresAt]),
  );
}
