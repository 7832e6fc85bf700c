// The tombstone customers/redact leaves: keyed hashes of the person's customer GID and email per
// shop (never the values), so a late redelivery of an older webhook about them is skipped
// instead of bringing them back. Why keyed and why "not newer than": ADR 0014.
import { createHmac, hkdfSync } from "node:crypto";
import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { encryptionKey } from "~/modules/shops/sendgrid-key.server";

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

export async function writeTombstones(tx: Tx, shopId: string, ref: { customerGid: string | null; email: string | null }, at: Date): Promise<void> {
  for (const hash of hashes(shopId, ref)) {
    await tx.redactionTombstone.upsert({ where: { shopId_hash: { shopId, hash } }, create: { shopId, hash, redactedAt: at }, update: { redactedAt: at } });
  }
}

/**
 * True when the record names a person redacted in this shop and is not newer than that
 * redaction (`at`: the payload's own updated/created time; unknown counts as older).
 */
export async function isCustomerTombstoned(tx: Tx, shopId: string, ref: { customerGid: string | null; email: string | null; at: Date | null }): Promise<boolean> {
  const candidates = hashes(shopId, ref);
  if (candidates.length === 0) return false;
  const found = await tx.redactionTombstone.findFirst({
    where: { shopId, hash: { in: candidates }, ...(ref.at ? { redactedAt: { gte: ref.at } } : {}) },
    select: { hash: true },
  });
  return found !== null;
}
