// The storefront forms behind the app proxy (birthday, back in stock) answer the same way: a
// flood guard per client address (429), the body read within a bound (413 above 64 KiB, drained
// first so the client reads the answer), the signature verified by the library (400 when missing,
// wrong or expired), the body validated, and the outcome sent back as JSON for the block's script
// or, for a plain form post, as a confirmation page Shopify renders inside the shop's theme
// (application/liquid) with a link back to the form's page (a path on the shop's own storefront,
// never another site), or a small bilingual error page. Not a redirect back with a query marker:
// Liquid has no request.query_string, so the page could never show it (ADR 0013).
import { InvalidShopError } from "@shopify/shopify-api";
import type { z } from "zod";
import { getDb, type Db } from "~/db.server";
import { CONNECTION_CLOSE, readBodyAtMost } from "~/lib/request-body.server";
import { clientIp } from "~/modules/platform/rate-limit/endpoint-rate-limit";
import { appNow } from "~/modules/platform/time/clock.server";
import { escapeHtml } from "~/lib/escape-html";
import { authenticate } from "~/shopify.server";
import { ProxyFormRateLimiter } from "./proxy-form-rate-limit";

/** A form is a few short fields; 64 KiB is plenty. */
export const MAX_FORM_BODY_BYTES = 64 * 1024;

export type FormLocale = "ja" | "en";

export function formLocale(value: unknown): FormLocale {
  return typeof value === "string" && value.toLowerCase().startsWith("ja") ? "ja" : "en";
}

export interface ProxyFormSpec<S extends z.ZodType<{ locale?: string; return_to?: string }>, O extends string> {
  schema: S;
  /** what the form does for a valid body; the proxy's shop and logged-in customer come from its query */
  handle(
    db: Db,
    input: { form: z.output<S>; shopDomain: string | null; loggedInCustomerId: string | null; now: Date },
  ): Promise<O>;
  /** the outcome for a body that fails validation */
  invalid: O;
  status: Record<O, number>;
  messages: Record<O, Record<FormLocale, string>>;
  /** where a plain form post returns when the form names no page */
  defaultReturnPath: string;
  /** names the form: its rate-limit bucket and the confirmation's data-joren-outcome, e.g. joren_birthday */
  outcomeParam: string;
}

/** Refusals before the form is read: the same for every form. */
const REFUSALS = {
  unverified: {
    ja: "このリクエストを確認できませんでした。ページを再読み込みしてお試しください。",
    en: "This request could not be verified. Please reload the page and try again.",
  },
  too_large: { ja: "送信内容が大きすぎます。", en: "The form sent is too large." },
  rate_limited: {
    ja: "リクエストが多すぎます。しばらく待ってからもう一度お試しください。",
    en: "Too many requests. Please wait a moment and try again.",
  },
} satisfies Record<string, Record<FormLocale, string>>;

const processLimiter = new ProxyFormRateLimiter();

export function methodNotAllowed(): Response {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

/**
 * A path on the shop's own storefront for a plain form post to return to, or `fallback`.
 * Everything outside visible ASCII is percent-encoded: browsers drop tabs and newlines from a
 * URL, so "/\t/evil.example" would lead to //evil.example, and a header cannot carry them.
 */
export function storefrontPath(requested: string | undefined, fallback: string): string {
  if (!requested) return fallback;
  const encoded = requested.replace(/[^\x21-\x7e]+/g, (run) =>
    Array.from(new TextEncoder().encode(run), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(
      "",
    ),
  );
  return /^\/(?![/\\])[^\\]*$/.test(encoded) ? encoded : fallback;
}

interface Answer {
  wantsJson: boolean;
  locale: FormLocale;
  /** the storefront path the error page links back to */
  back: string;
}

function refuse(
  answer: Answer,
  status: number,
  outcome: string,
  message: Record<FormLocale, string>,
  headers: Record<string, string> = {},
): Response {
  if (answer.wantsJson)
    return Response.json(
      { ok: false, outcome, message: message[answer.locale], messages: message },
      { status, headers },
    );
  const { locale, back } = answer;
  const body = `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(message[locale])}</title></head><body><p>${escapeHtml(message.ja)}</p><p>${escapeHtml(message.en)}</p><p><a href="${escapeHtml(back)}">← ${locale === "ja" ? "戻る" : "Back"}</a></p></body></html>`;
  return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });
}

/**
 * Text for a page Shopify renders as Liquid: HTML-escaped, and braces and percent signs as
 * entities, so nothing a visitor sent (the return path) can become a Liquid tag or output.
 */
function liquidText(value: string): string {
  return escapeHtml(value).replace(/[{}%]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The plain form post's answer: the outcome inside the shop's theme, with the way back. */
function confirmationPage(
  formName: string,
  outcome: string,
  locale: FormLocale,
  message: Record<FormLocale, string>,
  back: string,
): Response {
  const backLabel = locale === "ja" ? "元のページに戻る" : "Back to the page";
  const body = `<div class="joren-confirmation" data-joren-outcome="${liquidText(`${formName}=${outcome}`)}" style="margin: 2em auto; max-width: 40em">
  <p role="status">${liquidText(message[locale])}</p>
  <p><a href="${liquidText(back)}">${backLabel}</a></p>
</div>
`;
  return new Response(body, { status: 200, headers: { "Content-Type": "application/liquid; charset=utf-8" } });
}

function parseFields(text: string, contentType: string): Record<string, unknown> {
  try {
    const value: unknown = contentType.includes("application/json")
      ? JSON.parse(text)
      : Object.fromEntries(new URLSearchParams(text));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export async function handleProxyForm<S extends z.ZodType<{ locale?: string; return_to?: string }>, O extends string>(
  request: Request,
  spec: ProxyFormSpec<S, O>,
): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();
  const now = appNow();
  const early: Answer = {
    wantsJson: (request.headers.get("accept") ?? "").includes("application/json"),
    locale: formLocale(request.headers.get("accept-language")),
    back: spec.defaultReturnPath,
  };

  const limited = processLimiter.take(spec.outcomeParam, clientIp(request), now.getTime());
  if (!limited.ok)
    return refuse(early, 429, "rate_limited", REFUSALS.rate_limited, {
      "Retry-After": String(limited.retryAfterSeconds),
      ...(request.body ? CONNECTION_CLOSE : {}),
    });

  const body = await readBodyAtMost(request, MAX_FORM_BODY_BYTES);
  if (!body.ok) return refuse(early, 413, "too_large", REFUSALS.too_large, body.headers);

  try {
    await authenticate.public.appProxy(request);
  } catch (error) {
    // the library answers an unverifiable request with an empty 400, and throws for a signed
    // one naming no shop domain (it cannot name its session): both get the form's refusal
    if ((error instanceof Response && error.status === 400) || error instanceof InvalidShopError)
      return refuse(early, 400, "unverified", REFUSALS.unverified);
    throw error;
  }
  // The library verifies the last of repeated parameters; Shopify never repeats these, and acting
  // on another copy than the signed one would let the visitor choose the shop or the customer.
  const url = new URL(request.url);
  const shops = url.searchParams.getAll("shop");
  const customers = url.searchParams.getAll("logged_in_customer_id");
  if (shops.length > 1 || customers.length > 1) return refuse(early, 400, "unverified", REFUSALS.unverified);

  const fields = parseFields(new TextDecoder().decode(body.bytes), request.headers.get("content-type") ?? "");
  const form = spec.schema.safeParse(fields);
  const locale = formLocale(form.success ? form.data.locale : fields.locale);
  const outcome = form.success
    ? await spec.handle(await getDb(), {
        form: form.data,
        shopDomain: shops[0] ?? null,
        loggedInCustomerId: customers[0] ?? null,
        now,
      })
    : spec.invalid;
  const status = spec.status[outcome];
  const message = spec.messages[outcome];
  const back = storefrontPath(form.success ? form.data.return_to : undefined, spec.defaultReturnPath);
  if (early.wantsJson)
    return Response.json({ ok: status < 300, outcome, message: message[locale], messages: message }, { status });
  if (status >= 400) return refuse({ ...early, locale, back }, status, outcome, message);
  return confirmationPage(spec.outcomeParam, outcome, locale, message, back);
}
