// The Web Pixel's request body (extensions/joren-pixel/src/build-body.ts writes it). It comes
// from browsers, unsigned: every field is bounded here and nothing else reaches the database.
import { z } from "zod";
import { toGid } from "~/lib/gid";

export const PIXEL_EVENT_NAMES = [
  "page_viewed",
  "product_viewed",
  "product_added_to_cart",
  "checkout_started",
] as const;
export type PixelEventName = (typeof PIXEL_EVENT_NAMES)[number];

export const MAX_EVENTS_PER_REQUEST = 50;
export const MAX_URL_LENGTH = 2000;
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

export interface PixelLineItem {
  productGid: string | null;
  variantGid: string | null;
  quantity: number;
}

export interface ParsedPixelEvent {
  eventId: string;
  name: PixelEventName;
  clientId: string;
  occurredAt: Date;
  url: string | null;
  productGid: string | null;
  variantGid: string | null;
  quantity: number | null;
  checkout: { token: string | null; email: string | null; lineItems: PixelLineItem[] } | null;
}

export interface ParsedPixelRequest {
  shopDomain: string;
  customer: { id: string | number | null; email: string | null } | null;
  events: ParsedPixelEvent[];
  /** events whose name Joren does not record (a newer pixel may send more kinds) */
  ignored: number;
}

// Numbers arrive here already parsed losslessly (app/lib/json.ts): an id above 2^53 is a string.
const shopifyId = z.union([z.string().max(100), z.number()]);
const quantity = z.number().int().min(0).max(100_000);

const productVariant = z.object({
  id: shopifyId.nullish(),
  product: z.object({ id: shopifyId.nullish(), url: z.string().max(4000).nullish() }).nullish(),
});
type ProductVariantInput = z.infer<typeof productVariant>;

interface ExtractedData {
  productGid: string | null;
  variantGid: string | null;
  quantity: number | null;
  checkout: ParsedPixelEvent["checkout"];
  urls: (string | null | undefined)[];
}

function variantIds(variant: ProductVariantInput | null | undefined): {
  productGid: string | null;
  variantGid: string | null;
} {
  return {
    productGid: toGid("Product", variant?.product?.id),
    variantGid: toGid("ProductVariant", variant?.id),
  };
}

const none = { productGid: null, variantGid: null, quantity: null, checkout: null };
const dataUrl = z.string().max(4000).nullish();

// Each event kind reads only the fields Joren stores; everything else in `data` is dropped.
const dataSchemas: Record<PixelEventName, z.ZodType<ExtractedData>> = {
  page_viewed: z
    .object({ url: dataUrl })
    .nullish()
    .transform((d) => ({ ...none, urls: [d?.url] })),
  product_viewed: z
    .object({ productVariant: productVariant.nullish(), url: dataUrl })
    .transform((d) => ({ ...none, ...variantIds(d.productVariant), urls: [d.url, d.productVariant?.product?.url] })),
  product_added_to_cart: z
    .object({
      cartLine: z.object({ quantity: quantity.nullish(), merchandise: productVariant.nullish() }).nullish(),
      url: dataUrl,
    })
    .transform((d) => ({
      ...none,
      ...variantIds(d.cartLine?.merchandise),
      quantity: d.cartLine?.quantity ?? null,
      urls: [d.url],
    })),
  checkout_started: z
    .object({
      checkout: z.object({
        token: z.string().max(256).nullish(),
        email: z.string().max(320).nullish(),
        lineItems: z
          .array(z.object({ quantity: quantity.nullish(), variant: productVariant.nullish() }))
          .max(500)
          .nullish(),
      }),
      url: dataUrl,
    })
    .transform((d) => {
      const lineItems = (d.checkout.lineItems ?? []).map((line) => ({
        ...variantIds(line.variant),
        quantity: line.quantity ?? 0,
      }));
      return {
        ...none,
        // One row per event: the lines themselves are the checkouts/* webhooks' job (same token).
        quantity: lineItems.reduce((sum, line) => sum + line.quantity, 0),
        checkout: { token: d.checkout.token?.trim() || null, email: d.checkout.email ?? null, lineItems },
        urls: [d.url],
      };
    }),
};

const eventEnvelope = z.object({
  id: z.string().trim().min(1).max(128),
  clientId: z.string().trim().min(1).max(128),
  timestamp: z.iso.datetime({ offset: true }),
  context: z
    .object({ document: z.object({ location: z.object({ href: z.string().nullish() }).nullish() }).nullish() })
    .nullish(),
});

const customerSchema = z
  .object({ id: z.union([z.string().max(100), z.number()]).nullish(), email: z.string().max(320).nullish() })
  .nullish();

export const pixelBodySchema = z.object({
  shop: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(255)
    .regex(/^[a-z0-9][a-z0-9.-]*$/, "shop must be a shop domain"),
  customer: customerSchema,
  event: z.unknown().optional(),
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_REQUEST).optional(),
});

const eventName = z.object({ name: z.string().min(1).max(64) });

function describe(error: z.ZodError, prefix: (string | number)[]): string {
  const [issue] = error.issues;
  if (!issue) return prefix.join(".") || "invalid"; // zod reports at least one issue
  const path = [...prefix, ...issue.path].join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

function isTracked(name: string): name is PixelEventName {
  return (PIXEL_EVENT_NAMES as readonly string[]).includes(name);
}

// Only web addresses are kept: a stored "javascript:" URL would be a trap in any admin link.
function cleanUrl(...candidates: (string | null | undefined)[]): string | null {
  for (const candidate of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed && /^https?:\/\//i.test(trimmed)) return trimmed.slice(0, MAX_URL_LENGTH);
  }
  return null;
}

type EventResult = { ok: true; event: ParsedPixelEvent | null } | { ok: false; error: string };

function parseEvent(raw: unknown, path: (string | number)[], now: Date): EventResult {
  const named = eventName.safeParse(raw);
  if (!named.success) return { ok: false, error: describe(named.error, path) };
  if (!isTracked(named.data.name)) return { ok: true, event: null };
  const name = named.data.name;

  const envelope = eventEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, error: describe(envelope.error, path) };
  const occurredAt = new Date(envelope.data.timestamp);
  const age = now.getTime() - occurredAt.getTime();
  if (age > MAX_AGE_MS || -age > MAX_FUTURE_MS) {
    return {
      ok: false,
      error: `${[...path, "timestamp"].join(".")}: outside the accepted window (30 days back, 1 day ahead)`,
    };
  }

  const data = z.object({ data: dataSchemas[name] }).safeParse(raw);
  if (!data.success) return { ok: false, error: describe(data.error, path) };
  const { urls, ...extracted } = data.data.data;
  const event: ParsedPixelEvent = {
    eventId: envelope.data.id,
    name,
    clientId: envelope.data.clientId,
    occurredAt,
    url: cleanUrl(envelope.data.context?.document?.location?.href, ...urls),
    ...extracted,
  };
  return { ok: true, event };
}

export type PixelParseResult = { success: true; data: ParsedPixelRequest } | { success: false; error: string };

/** Validates a decoded body against the contract; `now` bounds the accepted timestamps. */
export function parsePixelRequest(body: unknown, now: Date): PixelParseResult {
  const outer = pixelBodySchema.safeParse(body);
  if (!outer.success) return { success: false, error: describe(outer.error, []) };
  const { shop, customer, event, events } = outer.data;
  if ((event === undefined) === (events === undefined)) {
    return { success: false, error: "send exactly one of `event` or `events`" };
  }

  const raws: [unknown, (string | number)[]][] =
    events !== undefined ? events.map((raw, i) => [raw, ["events", i]]) : [[event, ["event"]]];
  const parsed: ParsedPixelEvent[] = [];
  let ignored = 0;
  for (const [raw, path] of raws) {
    const result = parseEvent(raw, path, now);
    if (!result.ok) return { success: false, error: result.error };
    if (result.event) parsed.push(result.event);
    else ignored += 1;
  }
  return {
    success: true,
    data: {
      shopDomain: shop,
      customer: customer ? { id: customer.id ?? null, email: customer.email ?? null } : null,
      events: parsed,
      ignored,
    },
  };
}
