// Suppression rows: addresses that get no more marketing mail from a shop, whatever Shopify's
// consent says later. One row per (shop, normalised address); the first reason recorded stays
// (any reason suppresses, and the first is the one that explains why mail stopped).
import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";

export type SuppressionReason = "bounce" | "spamreport" | "unsubscribe";

/** The distinct normalised addresses among `emails` (anything not an address is dropped). */
export function normalizedAddresses(emails: ReadonlyArray<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const email of emails) {
    const normalized = normalizeEmail(email);
    if (normalized) out.add(normalized);
  }
  return [...out];
}

/** Suppresses each address once; returns how many rows were created. */
export async function suppressEmails(
  tx: Tx,
  shopId: string,
  emails: ReadonlyArray<string | null | undefined>,
  reason: SuppressionReason,
  at: Date,
): Promise<number> {
  let created = 0;
  for (const emailNormalized of normalizedAddresses(emails)) {
    const existing = await tx.suppression.findUnique({
      where: { shopId_emailNormalized: { shopId, emailNormalized } },
      select: { id: true },
    });
    if (existing) continue;
    await tx.suppression.create({ data: { shopId, emailNormalized, reason, at } });
    created += 1;
  }
  return created;
}
