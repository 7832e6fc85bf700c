// The storefront forms behind the app proxy (birthday, back in stock) answer the same way: the
// signature is verified by the library (400 when missing or wrong), the body is read within a
// bound and validated, and the outcome goes back as JSON for the block's script or, for a plain
// form post, as a redirect to a path on the shop's own storefront (never an open redirect) or a
// small bilingual error page.
import type { z } from "zod";
import { getDb, type Db } from "~/db.server";
import { escapeHtml } from "~/modules/mail/templates/escape-html";
import { authenticate } from "~/shopify.server";

const MAX_BODY = 4096;

export type FormLocale = "ja" | "en";

export function formLocale(value: unknown): FormLocale {
  return typeof value === "string" && value.toLowerCase().startsWith("ja") ? "ja" : "en";
}

export interface ProxyFormSpec<S extends z.ZodType<{ locale?: string; return_to?: string }>, O extends string> {
  schema: S;
  /** what the form does for a valid body; the proxy's shop and logged-in customer come from its query */
  handle(db: Db, input: { form: z.output<S>; shopDomain: string | null; loggedInCustomerId: string | null; now: Date }): Promise<O>;
  /** the outcome for a body that fails validation */
  invalid: O;
  status: Record<O, number>;
  messages: Record<O, Record<FormLocale, string>>;
  /** where a plain form post returns when the form names no page */
  defaultReturnPath: string;
  /** the query parameter that tells the page the outcome, e.g. joren_birthday */
  outcomeParam: string;
}

export function methodNotAllowed(): Response {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

export async function handleProxyForm<S extends z.ZodType<{ locale?: string; return_to?: string }>, O extends string>(
  request: Request,
  spec: ProxyFormSpec<S, O>,
): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();
  await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const wantsJson = (request.headers.get("accept") ?? "").includes("application/json");
  const text = await request.text();
  let fields: Record<string, unknown> = {};
  if (text.length <= MAX_BODY) {
    try {
      fields = (request.headers.get("content-type") ?? "").includes("application/json")
        ? (JSON.parse(text) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(text));
    } catch {
      fields = {};
    }
  }
  const form = spec.schema.safeParse(fields);
  const locale = formLocale(form.success ? form.data.locale : fields.locale);
  const outcome = form.success
    ? await spec.handle(await getDb(), {
        form: form.data,
        shopDomain: url.searchParams.get("shop"),
        loggedInCustomerId: url.searchParams.get("logged_in_customer_id"),
        now: new Date(),
      })
    : spec.invalid;
  const status = spec.status[outcome];
  const message = spec.messages[outcome];
  if (wantsJson) return Response.json({ ok: status < 300, outcome, message: message[locale], messages: message }, { status });
  const requested = form.success ? form.data.return_to : undefined;
  const back = requested && /^\/(?!\/)[^\\]*$/.test(requested) ? requested : spec.defaultReturnPath;
  if (status >= 400) {
    const body = `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(message[locale])}</title></head><body><p>${escapeHtml(message.ja)}</p><p>${escapeHtml(message.en)}</p><p><a href="${escapeHtml(back)}">← ${locale === "ja" ? "戻る" : "Back"}</a></p></body></html>`;
    return new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  const target = `${back}${back.includes("?") ? "&" : "?"}${spec.outcomeParam}=${outcome}`;
  return new Response(null, { status: 303, headers: { Location: target } });
}
