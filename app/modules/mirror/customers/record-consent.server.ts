import type { Tx } from "~/db.server";
import type { NormalizedConsent, ShopScope } from "~/modules/mirror/types";
import { applyEmailConsent } from "./apply-email-consent.server";
import { ensureCustomerByGid } from "./upsert-customer.server";

/** customers_email_marketing_consent/update: the source of truth for consent since API 2025-01. */
export async function recordEmailConsent(
  tx: Tx,
  scope: ShopScope,
  input: { customerGid: string; email: string | null; consent: NormalizedConsent },
): Promise<boolean> {
  const customerId = await ensureCustomerByGid(tx, scope, input.customerGid, input.email);
  return applyEmailConsent(tx, scope, customerId, input.consent, "shopify");
}
