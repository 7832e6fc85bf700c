// Building blocks for webhook payload schemas. Payloads are parsed losslessly (app/lib/json.ts),
// so an id arrives as a safe number or, above 2^53, as its exact digits in a string.
import { z } from "zod";
import { toGid, type ShopifyResource } from "~/lib/gid";
import { parseMoney } from "~/lib/money";

export const idValue = z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]);
export const gidString = z
  .string()
  .max(200)
  .regex(/^gid:\/\/shopify\/[A-Za-z]+\/\d+/);

// Values that parse but can never be a real record (year 0001 or 9999, a 15-digit total) are
// refused here, at validation, so the inbox records them as rejected with the reason instead of
// retrying a write that fails every time — and the reports never meet them (docs/security.md).
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
/** Larger than any real order, small enough that sums over millions of them fit in 64 bits. */
export const MAX_AMOUNT_MILLI = 1_000_000_000_000n * 1000n;

const isoDate = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date")
  .refine(
    (v) => Date.parse(v) >= EARLIEST && Date.parse(v) < LATEST,
    "a date outside 1970–2099 cannot be a real record",
  );
export const date = isoDate.transform((v) => new Date(v));
export const optionalDate = isoDate.nullish().transform((v) => (v ? new Date(v) : null));

export const text = (max = 1000) => z.string().max(max);
export const optionalText = (max = 1000) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v ?? null);

export const money = z
  .union([z.string().max(32), z.number()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === "") return 0n;
    const parsed = parseMoney(v);
    if (parsed === null) {
      ctx.addIssue({ code: "custom", message: `not an amount: ${String(v).slice(0, 32)}` });
      return z.NEVER;
    }
    if (parsed > MAX_AMOUNT_MILLI || parsed < -MAX_AMOUNT_MILLI) {
      ctx.addIssue({ code: "custom", message: "an amount of 1,000,000,000,000 or more cannot be a real order" });
      return z.NEVER;
    }
    return parsed;
  });

/** The record's GID: admin_graphql_api_id when present, else built from the exact id text. */
export function resolveGid(resource: ShopifyResource, gid: string | null | undefined, id: unknown): string | null {
  if (gid) {
    const fromGid = toGid(resource, gid);
    if (fromGid) return fromGid;
  }
  return toGid(resource, typeof id === "number" ? id : typeof id === "string" ? id : null);
}

export const consentStates = [
  "SUBSCRIBED",
  "NOT_SUBSCRIBED",
  "PENDING",
  "UNSUBSCRIBED",
  "REDACTED",
  "INVALID",
] as const;

export const emailMarketingConsent = z
  .object({
    // Shopify's own examples (API 2023-07 to 2025-10) send "state": null: no consent is known
    state: z.string().max(40).nullish(),
    opt_in_level: z.string().max(40).nullish(),
    consent_updated_at: isoDate.nullish(),
  })
  .nullish()
  .transform((c) => {
    if (!c?.state) return null;
    const state = c.state.toUpperCase();
    if (!(consentStates as readonly string[]).includes(state)) return null;
    return {
      state: state as (typeof consentStates)[number],
      optInLevel: c.opt_in_level?.toUpperCase() ?? null,
      updatedAt: c.consent_updated_at ? new Date(c.consent_updated_at) : null,
    };
  });
