// A named lease in the Lease table: at most one holder at a time until it expires. Used for
// node-cron's run coordination and per-shop ticks, across app instances on SQLite and PostgreSQL.
//
// Both steps are single statements the database serialises on the row (no read-then-write):
// the conditional UPDATE takes a lease that is ours or expired, the INSERT creates an absent one.
// When two instances race, the loser's UPDATE matches nothing (PostgreSQL re-checks the WHERE on
// the winner's new row) or its INSERT hits the primary key — both answer "not yours".
//
// `update` with a filtered unique where, not `updateMany`: Prisma runs updateMany inside a
// transaction, and on SQLite a second connection in the same process then blocks the event
// loop in its busy wait while the first cannot commit. `update` is one autocommit statement.
import type { Db } from "~/db.server";
import { isUniqueViolation } from "~/lib/db-errors";

function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2025";
}

// Not inside a transaction: on PostgreSQL the INSERT's expected unique violation would abort it.
type LeaseDb = Db;

export async function acquireLease(
  db: LeaseDb,
  key: string,
  holder: string,
  ttlMs: number,
  now: Date = new Date(),
): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  try {
    await db.lease.update({
      where: { key, OR: [{ holder }, { expiresAt: { lt: now } }] },
      data: { holder, expiresAt },
      select: { key: true },
    });
    return true;
  } catch (error) {
    if (!isRecordNotFound(error)) throw error;
  }
  try {
    await db.lease.create({ data: { key, holder, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Gives the lease up at once (only if we still hold it), so another holder need not wait for expiry. */
export async function releaseLease(db: LeaseDb, key: string, holder: string): Promise<boolean> {
  const released = await db.lease.deleteMany({ where: { key, holder } });
  return released.count > 0;
}

/**
 * Removes expired leases whose key starts with the prefix (per-slot keys would otherwise pile up).
 * Prisma matches the prefix with LIKE unescaped, so `_` and `%` in it are wildcards; harmless here,
 * since an expired lease is free anyway, but keep prefixes to plain characters.
 */
export async function pruneExpiredLeases(db: LeaseDb, keyPrefix: string, now: Date = new Date()): Promise<number> {
  const pruned = await db.lease.deleteMany({ where: { key: { startsWith: keyPrefix }, expiresAt: { lt: now } } });
  return pruned.count;
}
