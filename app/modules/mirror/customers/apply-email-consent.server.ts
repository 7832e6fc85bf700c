import type { Tx } from "~/db.server";
import type { NormalizedConsent, ShopScope } from "~/modules/mirror/types";

export interface ConsentSnapshot {
  emailConsent: string;
  emailConsentAt: Date | null;
  redactedAt: Date | null;
}

/**
 * Writes a consent state unless we already hold a newer one. Consent without its own
 * timestamp is dated by the delivery (scope.now), so a late-arriving old webhook cannot
 * re-subscribe someone who unsubscribed since.
 */
export async function applyEmailConsent(
  tx: Tx,
  scope: ShopScope,
  customerId: string,
  consent: NormalizedConsent,
  source: string,
  /** the stored consent when the caller has just read the row (saves a query on the hot path) */
  known?: ConsentSnapshot,
): Promise<boolean> {
  const at = consent.updatedAt ?? scope.now;
  const current =
    known ??
    (await tx.customer.findUniqueOrThrow({
      where: { id: customerId },
      select: { emailConsentAt: true, emailConsent: true, redactedAt: true },
    }));
  if (current.redactedAt) return false;
  if (current.emailConsentAt && current.emailConsentAt.getTime() > at.getTime()) return false;
  if (current.emailConsent === consent.state && current.emailConsentAt?.getTime() === at.getTime()) return false;
  await tx.customer.update({
    where: { id: customerId },
    data: {
      emailConsent: consent.state,
      emailConsentAt: at,
      emailConsentOptInLevel: consent.optInLevel,
      emailConsentSource: source,
    },
  });
  return true;
}
