// The message ledger as the merchant's outbox view and the CLI's `outbox` see it: one shop's
// rows, oldest first, with the customer's GID.
//
// One findMany with a nested select: Prisma reads the page of ledger rows (index
// [shopId, scenario, createdAt] or [shopId, status, …]) and then their customers' GIDs in one
// batched `id IN (…)` query — two statements whatever the page size, no N+1. A single SQL join
// would need the relationJoins preview feature (relationLoadStrategy: "join"); raw SQL is not
// used because it bypasses the PostgreSQL client's schema qualification (?schema=, as in tests).
import type { Tx } from "~/db.server";

export const LEDGER_STATUSES = ["planned", "deferred", "sending", "sent", "held_out", "skipped", "failed"] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export const DEFAULT_LEDGER_LIMIT = 100;
export const MAX_LEDGER_LIMIT = 10_000;

export interface OutboxEntry {
  id: string;
  scenario: string;
  /** the customer's GID; null for a guest known only by email */
  customerId: string | null;
  email: string | null;
  status: string;
  reason: string | null;
  holdout: boolean;
  subject: string | null;
  couponCode: string | null;
  /** when the scenario wants it sent (Message.dueAt), ISO 8601 */
  plannedAt: string;
  sentAt: string | null;
  locale: string | null;
}

export interface ListLedgerOptions {
  /** the most recent rows to return (default 100, at most 10,000) */
  limit?: number;
  scenario?: string;
  status?: string;
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LEDGER_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`limit must be a whole number of at least 1, got ${limit}`);
  return Math.min(limit, MAX_LEDGER_LIMIT);
}

/**
 * One shop's ledger rows ordered by createdAt, then id. With more rows than `limit`, the most
 * recent ones are returned (still oldest first), like `tail`.
 */
export async function listLedger(db: Tx, shopId: string, options: ListLedgerOptions = {}): Promise<OutboxEntry[]> {
  const rows = await db.message.findMany({
    where: {
      shopId,
      ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
      ...(options.status === undefined ? {} : { status: options.status }),
    },
    select: {
      id: true,
      scenario: true,
      email: true,
      status: true,
      reason: true,
      holdout: true,
      subject: true,
      couponCode: true,
      dueAt: true,
      sentAt: true,
      locale: true,
      customer: { select: { gid: true } },
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: clampLimit(options.limit),
  });
  return rows.reverse().map((row) => ({
    id: row.id,
    scenario: row.scenario,
    customerId: row.customer.gid,
    email: row.email,
    status: row.status,
    reason: row.reason,
    holdout: row.holdout,
    subject: row.subject,
    couponCode: row.couponCode,
    plannedAt: row.dueAt.toISOString(),
    sentAt: row.sentAt ? row.sentAt.toISOString() : null,
    locale: row.locale,
  }));
}
