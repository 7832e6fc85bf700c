// Consent Joren changed but could not tell Shopify at the time (an unsubscribe, a confirmed or
// single opt-in while the Admin API was down) is marked with a `…_pending_sync` source. Each shop
// tick retries a few of them, so Shopify's record catches up without the merchant doing anything
// and Shopify's next customers/update does not undo the customer's own choice.
import type { Db } from "~/db.server";
import { log } from "~/lib/log.server";
import { OPT_IN_CONFIRMED_SOURCE, OPT_IN_PENDING_SYNC_SOURCE } from "~/modules/delivery/opt-in/opt-in.server";
import {
  BACK_IN_STOCK_PENDING_SYNC_SOURCE,
  BACK_IN_STOCK_SOURCE,
} from "~/modules/ingest/back-in-stock/subscribe.server";
import type { AdminPort, EmailMarketingStateInput, EmailOptInLevel } from "~/modules/platform/shopify/admin-port";
import { isAdminApiError } from "~/modules/platform/shopify/admin-port";
import { UNSUBSCRIBE_PENDING_SYNC_SOURCE, UNSUBSCRIBE_SOURCE } from "~/modules/tracking/unsubscribe.server";

interface PendingKind {
  pending: string;
  synced: string;
  state: EmailMarketingStateInput;
  optInLevel?: EmailOptInLevel;
}

export const PENDING_CONSENT_SYNCS: readonly PendingKind[] = [
  { pending: UNSUBSCRIBE_PENDING_SYNC_SOURCE, synced: UNSUBSCRIBE_SOURCE, state: "UNSUBSCRIBED" },
  {
    pending: OPT_IN_PENDING_SYNC_SOURCE,
    synced: OPT_IN_CONFIRMED_SOURCE,
    state: "SUBSCRIBED",
    optInLevel: "CONFIRMED_OPT_IN",
  },
  {
    pending: BACK_IN_STOCK_PENDING_SYNC_SOURCE,
    synced: BACK_IN_STOCK_SOURCE,
    state: "SUBSCRIBED",
    optInLevel: "SINGLE_OPT_IN",
  },
];

/** A tick's share: a backlog after an Admin API outage drains over a few minutes, never in one burst. */
export const CONSENT_SYNCS_PER_TICK = 25;

export interface ConsentSyncResult {
  synced: number;
  /** true when Shopify refused or failed: the rest waits for the next tick */
  stopped: boolean;
}

export async function syncPendingConsent(
  db: Db,
  shopId: string,
  admin: AdminPort,
  limit: number = CONSENT_SYNCS_PER_TICK,
): Promise<ConsentSyncResult> {
  const bySource = new Map(PENDING_CONSENT_SYNCS.map((kind) => [kind.pending, kind]));
  const pending = await db.customer.findMany({
    // a mark whose state a newer consent from Shopify replaced has nothing to tell, and is never picked
    where: {
      shopId,
      redactedAt: null,
      gid: { not: null },
      OR: PENDING_CONSENT_SYNCS.map((kind) => ({ emailConsentSource: kind.pending, emailConsent: kind.state })),
    },
    select: { id: true, gid: true, emailConsent: true, emailConsentSource: true },
    orderBy: { id: "asc" },
    take: limit,
  });
  let synced = 0;
  for (const customer of pending) {
    const kind = customer.emailConsentSource ? bySource.get(customer.emailConsentSource) : undefined;
    if (!kind || customer.emailConsent !== kind.state || !customer.gid) continue;
    try {
      await admin.updateEmailConsent(customer.gid, kind.state, kind.optInLevel);
    } catch (error) {
      log("warn", "consent sync: Shopify did not take the pending consent; retrying next tick", {
        shopId,
        customerId: customer.id,
        ...(isAdminApiError(error)
          ? { errorKind: error.kind, status: error.status }
          : { errorKind: error instanceof Error ? error.name : typeof error }),
      });
      return { synced, stopped: true };
    }
    // only while the mark is still there: a customers/update that arrived meanwhile wins
    const { count } = await db.customer.updateMany({
      where: { id: customer.id, shopId, emailConsent: kind.state, emailConsentSource: kind.pending },
      data: { emailConsentSource: kind.synced },
    });
    synced += count;
  }
  if (synced) log("info", "consent sync: pending consent written back to Shopify", { shopId, synced });
  return { synced, stopped: false };
}
