// The tombstone customers/redact leaves: keyed hashes of the person's customer GID and email per
// shop (never the values), so a late redelivery of an older webhook about them is skipped
// instead of bringing them back. Why keyed and why "not newer than": ADR 0014.
import { createHmac, hkdfSync } from "node:crypto";
import type { Db, Tx } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import { dialectOf } from "~/lib/raw-sql.server";
import { normalizeEmail } from "~/lib/email";
import { encryptionKey } from "~/modules/platform/secrets/sendgrid-key.server";

let key: Buffer | undefined;
function tombstoneKey(): Buffer {
  key ??= Buffer.from(hkdfSync("sha256", encryptionKey(), "", "joren-redaction-tombstones", 32));
  return key;
}

function hashes(shopId: string, ref: { customerGid: string | null; email: string | null }): string[] {
  const email = normalizeEmail(ref.email);
  return [...(ref.customerGid ? [`gid:${ref.customerGid}`] : []), ...(email ? [`email:${email}`] : [])].map((value) =>
    createHmac("sha256", tombstoneKey()).update(`${shopId}\n${value}`).digest("base64url"),
  );
}

export async function writeTombstones(
  tx: Tx,
  shopId: string,
  ref: { customerGid: string | null; email: string | null },
  at: Date,
): Promise<void> {
  for (const hash of hashes(shopId, ref)) {
    await tx.redactionTombstone.upsert({
      where: { shopId_hash: { shopId, hash } },
      create: { shopId, hash, redactedAt: at },
      update: { redactedAt: at },
    });
  }
}

/**
 * True when the record names a person redacted in this shop and is not newer than that
 * redaction (`at`: the payload's own updated/created time; unknown counts as older).
 */
export async function isCustomerTombstoned(
  tx: Tx,
  shopId: string,
  ref: { customerGid: string | null; email: string | null; at: Date | null },
): Promise<boolean> {
  const candidates = hashes(shopId, ref);
  if (candidates.length === 0) return false;
  const found = await tx.redactionTombstone.findFirst({
    where: { shopId, hash: { in: candidates }, ...(ref.at ? { redactedAt: { gte: ref.at } } : {}) },
    select: { hash: true },
  });
  return found !== null;
}

/** Who a record (order, checkout) is about, as of its version's time. */
export type PersonRef = { customerGid: string | null; email: string | null; at: Date | null };

export const personOfRecord = (r: {
  customerGid: string | null;
  email: string | null;
  updatedAt: Date | null;
  createdAt: Date | null;
}): PersonRef => ({ customerGid: r.customerGid, email: r.email, at: r.updatedAt ?? r.createdAt });

/**
 * `isCustomerTombstoned` for many records with one query: for each, true when it names a person
 * redacted in this shop and is not newer than that redaction.
 */
export async function tombstonedRecords(tx: Tx, shopId: string, refs: readonly PersonRef[]): Promise<boolean[]> {
  // most shops never redacted anyone: then there is nothing to hash (nor a key needed to hash it)
  if (refs.length === 0 || !(await tx.redactionTombstone.findFirst({ where: { shopId }, select: { hash: true } })))
    return refs.map(() => false);
  const candidates = refs.map((ref) => hashes(shopId, ref));
  const all = [...new Set(candidates.flat())];
  if (all.length === 0) return refs.map(() => false);
  const found = await queryInChunks(all, (chunk) =>
    tx.redactionTombstone.findMany({
      where: { shopId, hash: { in: chunk } },
      select: { hash: true, redactedAt: true },
    }),
  );
  if (found.length === 0) return refs.map(() => false);
  const redactedAt = new Map(found.map((t) => [t.hash, t.redactedAt]));
  return refs.map((ref, i) =>
    (candidates[i] ?? []).some((hash) => {
      const at = redactedAt.get(hash);
      return at !== undefined && (!ref.at || at.getTime() >= ref.at.getTime());
    }),
  );
}

/**
 * After an erasure commits: on SQLite, copy the write-ahead log into the database file and empty
 * it, so older log frames holding the person's data are gone too (secure_delete zeroes the file's
 * own free space). PostgreSQL keeps dead row versions until VACUUM reuses them; they are not
 * reachable through SQL (docs/security.md says what that means for disks and backups).
 */
export async function eraseFreedPages(db: Db): Promise<void> {
  if (dialectOf(db) !== "sqlite") return;
  // busy = 1 while a reader still uses older frames: try again shortly, a bounded number of times
  for (let attempt = 0; attempt < 20; attempt++) {
    const [result] = await db.$queryRawUnsafe<{ busy: number | bigint }[]>("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!result || Number(result.busy) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the write-ahead log could not be emptied after an erasure: readers kept it busy");
}
