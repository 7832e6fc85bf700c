import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { isOlder, storedNotNewerThan } from "~/lib/newer-wins";
import type { NormalizedConsent, NormalizedCustomer, ShopScope } from "~/modules/mirror/types";
import { applyEmailConsent } from "./apply-email-consent.server";

/**
 * Finds or creates the person behind a Shopify customer account. A guest row with the same
 * normalised email is adopted (guest orders and the account become one person). Profile
 * fields are written only when the payload is not older than what we hold; a redacted
 * customer is never written again.
 */
export async function upsertCustomer(
  tx: Tx,
  scope: ShopScope,
  customer: NormalizedCustomer,
  options: { consentSource?: string } = {},
): Promise<{ id: string; applied: boolean }> {
  const emailNormalized = normalizeEmail(customer.email);
  let existing = await tx.customer.findUnique({ where: { shopId_gid: { shopId: scope.shopId, gid: customer.gid } } });
  if (!existing && emailNormalized) {
    existing = await tx.customer.findFirst({
      where: { shopId: scope.shopId, gid: null, emailNormalized, redactedAt: null },
      orderBy: { createdAt: "asc" },
    });
  }
  if (existing?.redactedAt) return { id: existing.id, applied: false };

  const profile = {
    email: customer.email?.trim() || null,
    emailNormalized,
    firstName: customer.firstName,
    lastName: customer.lastName,
    phone: customer.phone,
    locale: customer.locale,
    state: customer.state,
    tags: customer.tags,
    ...(customer.birthDate ? { birthDate: customer.birthDate } : {}),
    shopifyCreatedAt: customer.createdAt,
    shopifyUpdatedAt: customer.updatedAt,
  };

  let id: string;
  let applied = true;
  const storedConsent = existing
    ? { emailConsent: existing.emailConsent, emailConsentAt: existing.emailConsentAt, redactedAt: existing.redactedAt }
    : { emailConsent: "NOT_SUBSCRIBED", emailConsentAt: null, redactedAt: null };
  if (!existing) {
    id = (await tx.customer.create({ data: { shopId: scope.shopId, gid: customer.gid, ...profile } })).id;
  } else if (isOlder(customer.updatedAt, existing.shopifyUpdatedAt)) {
    id = existing.id;
    applied = false;
    if (!existing.gid) await tx.customer.update({ where: { id }, data: { gid: customer.gid } });
  } else {
    id = existing.id;
    const written = await tx.customer.updateMany({
      where: { id, ...storedNotNewerThan(customer.updatedAt) },
      data: { gid: customer.gid, ...profile },
    });
    // a newer version was written by another worker since the read above
    if (written.count === 0) {
      applied = false;
      if (!existing.gid) await tx.customer.update({ where: { id }, data: { gid: customer.gid } });
    }
  }
  if (customer.consent) {
    await applyEmailConsent(tx, scope, id, customer.consent, options.consentSource ?? "shopify", storedConsent);
  }
  return { id, applied };
}

/** A customer known only by GID (e.g. an order's partial customer object): found or created bare. */
export async function ensureCustomerByGid(
  tx: Tx,
  scope: ShopScope,
  gid: string,
  email: string | null,
): Promise<string> {
  const found = await tx.customer.findUnique({
    where: { shopId_gid: { shopId: scope.shopId, gid } },
    select: { id: true },
  });
  if (found) return found.id;
  const bare: NormalizedCustomer = {
    gid,
    email,
    firstName: null,
    lastName: null,
    phone: null,
    locale: null,
    state: null,
    tags: null,
    consent: null,
    birthDate: null,
    createdAt: null,
    updatedAt: null,
  };
  return (await upsertCustomer(tx, scope, bare)).id;
}

/**
 * The person behind a guest order or checkout: the customer with that email (an account
 * before a guest row), or a new guest row. Returns null when there is no usable email.
 */
export async function ensureCustomerByEmail(
  tx: Tx,
  scope: ShopScope,
  email: string | null,
  details: { locale?: string | null; consent?: NormalizedConsent | null; consentSource?: string } = {},
): Promise<string | null> {
  const emailNormalized = normalizeEmail(email);
  if (!emailNormalized) return null;
  const candidates = await tx.customer.findMany({
    where: { shopId: scope.shopId, emailNormalized, redactedAt: null },
    select: { id: true, gid: true },
    orderBy: { createdAt: "asc" },
  });
  const match = candidates.find((c) => c.gid) ?? candidates[0];
  const id =
    match?.id ??
    (
      await tx.customer.create({
        data: {
          shopId: scope.shopId,
          gid: null,
          email: email?.trim() ?? null,
          emailNormalized,
          locale: details.locale ?? null,
        },
      })
    ).id;
  if (details.consent) await applyEmailConsent(tx, scope, id, details.consent, details.consentSource ?? "checkout");
  return id;
}
