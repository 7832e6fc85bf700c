// The message ledger's one writer. A Message row moves through the states below only by these
// named transitions, each a guarded UPDATE (WHERE status = the state it leaves) that reports
// whether it happened, so two instances racing for a row cannot both move it. Every other module
// reads the ledger freely and writes it only through here (an ESLint rule and
// tests/unit/message-ledger-owner.test.ts hold the line). The state machine: docs/engine-rules.md.
import { randomUUID } from "node:crypto";
import { Prisma, type Db, type Tx } from "~/db.server";
import { chunked } from "~/lib/chunks";
import { dateParam, dialectOf, executeSql, insertIgnoringConflicts } from "~/lib/raw-sql.server";
import type { Candidate } from "~/modules/engine/scenarios/scenario-definition";

export type LedgerStatus = "planned" | "deferred" | "sending" | "sent" | "held_out" | "skipped" | "failed";

/** The states a due row can be decided or claimed from. */
const WAITING = ["planned", "deferred"] as const;

/**
 * While an interrupted SendGrid row waits for SendGrid's events to say whether it went out, it
 * stays "sending" under this claim, so no tick claims it and no report counts it as sent.
 */
export const AWAITING_PROVIDER_EVENTS = "awaiting-provider-events";

const unclaimed = { claimedBy: null, claimedUntil: null } as const;

// two IN lists per query: 2 × 400 stays under SQLite's 999 bound parameters
const PLAN_CHUNK = 400;

/**
 * (none) → planned: new trigger instances, one row per shop, scenario, customer and trigger key —
 * unique in the database, so a row another instance planned meanwhile stays the one row
 * (ON CONFLICT DO NOTHING). Returns how many rows were created. A row is created at the planning
 * tick's now (`plannedAt`): the reports and the admin range the ledger by it, so a tick on a test
 * clock or the demo's simulated time dates its rows on that clock, not the wall clock's.
 */
export async function planMessages(
  db: Db,
  shopId: string,
  scenario: string,
  candidates: Candidate[],
  plannedAt: Date = new Date(),
): Promise<number> {
  let created = 0;
  for (let i = 0; i < candidates.length; i += PLAN_CHUNK) {
    const fresh = candidates.slice(i, i + PLAN_CHUNK);
    const dialect = dialectOf(db);
    const now = dateParam(dialect, plannedAt);
    created += await insertIgnoringConflicts(
      db,
      "Message",
      [
        "id",
        "shopId",
        "scenario",
        "customerId",
        "triggerKey",
        "dueAt",
        "latestUsefulAt",
        "data",
        "createdAt",
        "updatedAt",
      ],
      fresh.map((c) => [
        Prisma.sql`${randomUUID()}`,
        Prisma.sql`${shopId}`,
        Prisma.sql`${scenario}`,
        Prisma.sql`${c.customerId}`,
        Prisma.sql`${c.triggerKey}`,
        dateParam(dialect, c.dueAt),
        c.latestUsefulAt ? dateParam(dialect, c.latestUsefulAt) : Prisma.sql`NULL`,
        Prisma.sql`${JSON.stringify(c.data)}`,
        now,
        now,
      ]),
      ["shopId", "scenario", "customerId", "triggerKey"],
    );
  }
  return created;
}

/** planned → planned: the trigger moved (e.g. more checkout activity), so the row is due at a new time. */
export async function reschedulePlanned(
  db: Pick<Db, "message">,
  id: string,
  dueAt: Date,
  latestUsefulAt: Date | null,
): Promise<boolean> {
  const { count } = await db.message.updateMany({ where: { id, status: "planned" }, data: { dueAt, latestUsefulAt } });
  return count > 0;
}

export type DueDecision = { status: "skipped" | "deferred" | "held_out"; reason: string; until?: Date };

/**
 * planned | deferred → skipped | deferred | held_out: the send rules' verdict for due rows that
 * will not be sent now. Returns how many rows moved (a row claimed meanwhile does not).
 */
export async function decideDue(
  db: Pick<Db, "message">,
  shopId: string,
  ids: string[],
  decision: DueDecision,
): Promise<number> {
  let moved = 0;
  for (const chunk of chunked(ids)) {
    const { count } = await db.message.updateMany({
      where: { shopId, id: { in: chunk }, status: { in: [...WAITING] } },
      data: {
        status: decision.status,
        reason: decision.reason,
        holdout: decision.status === "held_out",
        deferredUntil: decision.until ?? null,
      },
    });
    moved += count;
  }
  return moved;
}

/**
 * planned | deferred → sending (rule 8's claim): marks the rows still waiting as this worker's;
 * reading back which rows carry its id tells what it won (another instance's concurrent claim
 * leaves its own id).
 */
export async function claimForSending(
  db: Pick<Db, "message">,
  shopId: string,
  ids: string[],
  workerId: string,
  claimedUntil: Date,
): Promise<Set<string>> {
  const won = new Set<string>();
  for (const chunk of chunked(ids)) {
    await db.message.updateMany({
      where: { shopId, id: { in: chunk }, status: { in: [...WAITING] } },
      data: { status: "sending", claimedBy: workerId, claimedUntil, attempts: { increment: 1 } },
    });
    const mine = await db.message.findMany({
      where: { shopId, id: { in: chunk }, status: "sending", claimedBy: workerId },
      select: { id: true },
    });
    for (const row of mine) won.add(row.id);
  }
  return won;
}

/** sending → sending: the row's coupon code, stored before the code is created so a retry reuses it. */
export async function assignCoupon(db: Pick<Db, "message">, id: string, couponCode: string): Promise<boolean> {
  const { count } = await db.message.updateMany({
    where: { id, status: "sending", couponCode: null },
    data: { couponCode },
  });
  return count > 0;
}

export const SENT_DETAIL_COLUMNS = [
  "email",
  "locale",
  "subject",
  "couponCode",
  "incentive",
  "providerId",
  "reason",
] as const;
export type SentDetails = { id: string } & Record<(typeof SENT_DETAIL_COLUMNS)[number], string | null>;
/** 7 CASE columns × 2 parameters per row + the IN list stays under SQLite's 999 bound parameters */
const SENT_DETAIL_CHUNK = 60;

/**
 * sending → sent, with what was sent. Two statements per chunk instead of one per row (each
 * Prisma statement costs about a millisecond of compilation here): the per-row details with one
 * CASE update, the shared fields with updateMany, both in one transaction.
 */
export async function markSent(db: Db, shopId: string, rows: SentDetails[], sentAt: Date): Promise<number> {
  let moved = 0;
  for (let i = 0; i < rows.length; i += SENT_DETAIL_CHUNK) {
    const chunk = rows.slice(i, i + SENT_DETAIL_CHUNK);
    const ids = chunk.map((r) => r.id);
    const sets = SENT_DETAIL_COLUMNS.map(
      (column) =>
        Prisma.sql`${Prisma.raw(`"${column}"`)} = CASE "id" ${Prisma.join(
          chunk.map((r) => Prisma.sql`WHEN ${r.id} THEN ${r[column]}`),
          " ",
        )} END`,
    );
    const [, marked] = await db.$transaction([
      executeSql(
        db,
        Prisma.sql`UPDATE "Message" SET ${Prisma.join(sets, ", ")} WHERE "shopId" = ${shopId} AND "status" = 'sending' AND "id" IN (${Prisma.join(ids)})`,
      ),
      db.message.updateMany({
        where: { shopId, id: { in: ids }, status: "sending" },
        data: { status: "sent", sentAt, ...unclaimed },
      }),
    ]);
    moved += marked.count;
  }
  return moved;
}

/** sending → deferred: not sent now (coupon not created, provider unavailable); due again at `until`. */
export async function deferSending(db: Pick<Db, "message">, id: string, reason: string, until: Date): Promise<boolean> {
  const { count } = await db.message.updateMany({
    where: { id, status: "sending" },
    data: { status: "deferred", reason, deferredUntil: until, ...unclaimed },
  });
  return count > 0;
}

/** sending → failed: the email could not be prepared or the provider refused it for good. */
export async function markFailed(db: Pick<Db, "message">, id: string, reason: string): Promise<boolean> {
  const { count } = await db.message.updateMany({
    where: { id, status: "sending" },
    data: { status: "failed", reason, deferredUntil: null, ...unclaimed },
  });
  return count > 0;
}

/** What recovery decided for a row left in "sending" past its claim (recover-sends.server.ts). */
export type InterruptedOutcome =
  | { to: "sent"; reason: string; sentAt: Date }
  | { to: "deferred"; reason: string; deferredUntil: Date }
  | { to: "failed"; reason: string }
  | { to: "awaiting-provider-events"; reason: string; until: Date };

/**
 * sending (under `claimedBy`) → sent | deferred | failed, or → sending awaiting SendGrid's events:
 * settles a row whose process died between claiming and recording. Guarded by the claim it
 * found, so a row settled meanwhile is left alone.
 */
export async function settleInterrupted(
  db: Pick<Db, "message">,
  id: string,
  claimedBy: string | null,
  outcome: InterruptedOutcome,
): Promise<boolean> {
  const data: Prisma.MessageUpdateManyMutationInput =
    outcome.to === "sent"
      ? { status: "sent", reason: outcome.reason, sentAt: outcome.sentAt, ...unclaimed }
      : outcome.to === "deferred"
        ? { status: "deferred", reason: outcome.reason, deferredUntil: outcome.deferredUntil, ...unclaimed }
        : outcome.to === "failed"
          ? { status: "failed", reason: outcome.reason, ...unclaimed }
          : { reason: outcome.reason, claimedBy: AWAITING_PROVIDER_EVENTS, claimedUntil: outcome.until };
  const { count } = await db.message.updateMany({ where: { id, status: "sending", claimedBy }, data });
  return count > 0;
}

/** sending (awaiting provider events) → sent: an event from SendGrid proves it went out, at its first event. */
export async function confirmAwaitingSend(
  tx: Pick<Db, "message">,
  id: string,
  reason: string,
  firstEventAt: Date,
): Promise<boolean> {
  const { count } = await tx.message.updateMany({
    where: { id, status: "sending", claimedBy: AWAITING_PROVIDER_EVENTS },
    data: { status: "sent", reason, sentAt: firstEventAt, ...unclaimed },
  });
  return count > 0;
}

export type EngagementTimestamp = "deliveredAt" | "openedAt" | "clickedAt" | "bouncedAt" | "complainedAt";

/**
 * What happened to a sent email (delivered, opened, clicked, bounced, reported as spam): keeps
 * the earliest time of each; the status does not change. True when the time was recorded or moved
 * earlier.
 */
export async function recordEngagement(
  tx: Pick<Tx, "message">,
  id: string,
  field: EngagementTimestamp,
  at: Date,
): Promise<boolean> {
  const { count } = await tx.message.updateMany({
    where: { id, OR: [{ [field]: null }, { [field]: { gt: at } }] },
    data: { [field]: at },
  });
  return count > 0;
}

/** The recipient unsubscribed from this email; only the first time counts. */
export async function recordUnsubscribe(tx: Pick<Tx, "message">, id: string, at: Date): Promise<boolean> {
  const { count } = await tx.message.updateMany({ where: { id, unsubscribedAt: null }, data: { unsubscribedAt: at } });
  return count > 0;
}

/** Compliance redaction: the rows stay (counts and reports), the address and subject go. */
export async function forgetRecipient(tx: Pick<Tx, "message">, shopId: string, ids: string[]): Promise<number> {
  const { count } = await tx.message.updateMany({
    where: { shopId, id: { in: ids } },
    data: { email: null, subject: null },
  });
  return count;
}
