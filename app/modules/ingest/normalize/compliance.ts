import { z } from "zod";
import { toGid } from "~/lib/gid";
import { idValue, optionalText } from "./primitives";

export const customerRedactPayload = z
  .object({
    shop_domain: z.string().max(255).nullish(),
    customer: z.object({ id: idValue.nullish(), email: optionalText(320) }).nullish(),
    orders_to_redact: z.array(idValue).max(100_000).nullish(),
  })
  .transform((r) => ({
    customerGid: toGid("Customer", r.customer?.id ?? null),
    email: r.customer?.email ?? null,
    orderGids: (r.orders_to_redact ?? []).flatMap((id) => toGid("Order", id) ?? []),
  }));

export const dataRequestPayload = z
  .object({
    customer: z.object({ id: idValue.nullish(), email: optionalText(320) }).nullish(),
    data_request: z.object({ id: idValue.nullish() }).nullish(),
  })
  .transform((r) => ({ customerGid: toGid("Customer", r.customer?.id ?? null), email: r.customer?.email ?? null }));

export const anyPayload = z.unknown();
