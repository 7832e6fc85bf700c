import { z } from "zod";
import { validBirthDate } from "~/modules/ingest/import/normalize-bulk";
import type { NormalizedCustomer } from "../../mirror/types";
import { emailMarketingConsent, gidString, idValue, optionalDate, optionalText, resolveGid } from "./primitives";

const customerShape = z.object({
  id: idValue.nullish(),
  admin_graphql_api_id: gidString.nullish(),
  email: optionalText(320),
  first_name: optionalText(255),
  last_name: optionalText(255),
  phone: optionalText(64),
  locale: optionalText(16),
  state: optionalText(40),
  tags: z.union([z.string().max(5000), z.array(z.string().max(255))]).nullish(),
  email_marketing_consent: emailMarketingConsent,
  created_at: optionalDate,
  updated_at: optionalDate,
  // present only when the subscription asks for the "facts" metafield namespace (docs/scenarios.md, birthday)
  metafields: z
    .array(
      z.object({ namespace: z.string().max(255).nullish(), key: z.string().max(255).nullish(), value: z.unknown() }),
    )
    .max(250)
    .nullish()
    .catch(null),
});

/** The standard customer metafield facts.birth_date, when the payload carries it. */
function birthDateOf(
  metafields: { namespace?: string | null; key?: string | null; value: unknown }[] | null | undefined,
): string | null {
  const field = metafields?.find((m) => m.namespace === "facts" && m.key === "birth_date");
  return typeof field?.value === "string" ? validBirthDate(field.value) : null;
}

export function toNormalizedCustomer(c: z.infer<typeof customerShape>): NormalizedCustomer | null {
  const gid = resolveGid("Customer", c.admin_graphql_api_id, c.id);
  if (!gid) return null;
  return {
    gid,
    email: c.email,
    firstName: c.first_name,
    lastName: c.last_name,
    phone: c.phone,
    locale: c.locale,
    state: c.state,
    tags: Array.isArray(c.tags) ? c.tags.join(", ") : (c.tags ?? null),
    consent: c.email_marketing_consent,
    birthDate: birthDateOf(c.metafields),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

/** customers/create and customers/update: the record must have an id we can key by. */
export const customerPayload = customerShape.transform((c, ctx) => {
  const normalized = toNormalizedCustomer(c);
  if (!normalized) {
    ctx.addIssue({ code: "custom", message: "customer has no usable id" });
    return z.NEVER;
  }
  return normalized;
});

/** A customer object embedded in an order or checkout: absent, partial or usable. */
export const embeddedCustomer = customerShape.nullish().transform((c) => (c ? toNormalizedCustomer(c) : null));

export const customerDeletePayload = z
  .object({ id: idValue.nullish(), admin_graphql_api_id: gidString.nullish() })
  .transform((c, ctx) => {
    const gid = resolveGid("Customer", c.admin_graphql_api_id, c.id);
    if (!gid) {
      ctx.addIssue({ code: "custom", message: "customer delete has no usable id" });
      return z.NEVER;
    }
    return { gid };
  });

export const consentPayload = z
  .object({
    customer_id: idValue,
    email_address: optionalText(320),
    email_marketing_consent: emailMarketingConsent,
  })
  .transform((c, ctx) => {
    const gid = resolveGid("Customer", null, c.customer_id);
    if (!gid) {
      ctx.addIssue({ code: "custom", message: "consent update needs a customer id" });
      return z.NEVER;
    }
    // consent is null when the payload's state is null or one Joren does not know: nothing to change
    return { customerGid: gid, email: c.email_address, consent: c.email_marketing_consent };
  });

export const mergePayload = z
  .object({
    admin_graphql_api_customer_kept_id: gidString,
    admin_graphql_api_customer_deleted_id: gidString,
    status: z.string().max(40),
  })
  .transform((m) => ({
    keptGid: resolveGid("Customer", m.admin_graphql_api_customer_kept_id, null),
    deletedGid: resolveGid("Customer", m.admin_graphql_api_customer_deleted_id, null),
    status: m.status.toLowerCase(),
  }));
