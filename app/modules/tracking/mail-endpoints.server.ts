// The HTTP behaviour of the public email endpoints (docs/mail.md → "Email endpoints"); the routes
// in app/routes/ only call these. Every answer is decided here and no exception leaves a handler:
//   /email/unsubscribe  GET: confirmation page · POST: unsubscribe at once (RFC 8058 one-click)
//   /email/confirm      GET: double opt-in page with a button · POST: confirm the request (ADR 0023)
//   /email/click        GET: record the click, 302 to the URL inside the signed token
//   /email/open         GET: record the open, answer a 1×1 transparent GIF whatever happens
//   /sendgrid/events    POST: SendGrid's Signed Event Webhook
// Nothing is written for a request that is refused.
import type { Db } from "~/db.server";
import { isTransientDbError } from "~/lib/db-errors";
import { log } from "~/lib/log.server";
import { CONNECTION_CLOSE, readBodyAtMost, readBoundedBody } from "~/lib/request-body.server";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import {
  errorPage,
  invalidLinkPage,
  optInConfirmPage,
  optInDonePage,
  optInRefusedPage,
  PAGE_FORM_FIELD,
  pickPageLocale,
  problemText,
  UNSUBSCRIBED_TEXT,
  unsubscribedPage,
  unsubscribeConfirmPage,
  type LinkProblem,
} from "./email-pages";
import { clientIp } from "~/modules/platform/rate-limit/endpoint-rate-limit";
import { MailRateLimiter, type MailEndpoint } from "./mail-rate-limit";
import { mailTokenSecret } from "../delivery/mail/mail-secret.server";
import { recordMailEvents, trackingEventId, type RecordMailEventsResult } from "./record-mail-events.server";
import {
  MAX_BODY_BYTES,
  parseSendgridEvents,
  SendgridEventsError,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifySendgridSignature,
  type NormalizedMailEvent,
} from "./sendgrid-events.server";
import { isTokenError, verifyToken, type TokenKind, type TokenPayload } from "../delivery/mail/tokens";
import { unsubscribeByMessage, writeBackUnsubscribe } from "./unsubscribe.server";
import { confirmOptInRequest } from "~/modules/delivery/opt-in/opt-in.server";
import { appNow } from "~/modules/platform/time/clock.server";

export interface MailEndpointDeps {
  db: Db;
  /** the link-token secret; mailTokenSecret() by default */
  secret?: string;
  /** the app's clock (platform/time/clock.server) by default */
  now?: () => Date;
  /** the Admin API port for a shop (consent write-back); adminPortForShop by default */
  adminPortFor?: (shopId: string) => Promise<AdminPort>;
  /** SendGrid's verification key (base64 DER SPKI or PEM); SENDGRID_WEBHOOK_PUBLIC_KEY by default */
  sendgridPublicKey?: string | null;
  /** flood guard; one per process by default (mail-rate-limit.ts) */
  rateLimiter?: MailRateLimiter;
}

const processLimiter = new MailRateLimiter();

const RATE_LIMITED_TEXT =
  "Too many requests from your network. Please wait and try again; nothing was changed.\n" +
  "リクエストが多すぎます。しばらく待ってからもう一度お試しください（何も変更されていません）。";

/** A 429 with Retry-After when this request is over its endpoint's limit; null to go on. */
function rateLimited(request: Request, deps: MailEndpointDeps, endpoint: MailEndpoint): Response | null {
  const result = (deps.rateLimiter ?? processLimiter).take(endpoint, clientIp(request), nowOf(deps).getTime());
  if (result.ok) return null;
  log("warn", "mail endpoint rate limited", { endpoint, retryAfterSeconds: result.retryAfterSeconds });
  // an unread body would be taken for the next request on a keep-alive connection
  const headers = { "Retry-After": String(result.retryAfterSeconds), ...(request.body ? CONNECTION_CLOSE : {}) };
  if (endpoint === "sendgrid_events") return jsonResponse(429, { error: "too many requests" }, headers);
  if (endpoint === "open") {
    // still an image, so the email renders
    return new Response(TRANSPARENT_GIF, {
      status: 429,
      headers: { "Content-Type": "image/gif", "Cache-Control": "no-store", ...headers },
    });
  }
  return textResponse(429, RATE_LIMITED_TEXT, headers);
}

/** A 1×1 transparent GIF (43 bytes). */
export const TRANSPARENT_GIF = Buffer.from("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "base64");

// The confirmation page's POST carries one small form field; one-click POSTs carry
// "List-Unsubscribe=One-Click". Any body is accepted, but only its start is looked at.
const MAX_UNSUBSCRIBE_BODY_KEPT = 8 * 1024;
const MAX_UNSUBSCRIBE_BODY_BYTES = 1024 * 1024;

const PAGE_HEADERS: Record<string, string> = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  // The token is in the URL: keep it out of other sites' logs and out of search engines.
  "Referrer-Policy": "no-referrer",
  "X-Robots-Tag": "noindex",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  Vary: "Accept-Language",
};

function htmlResponse(status: number, html: string, locale: string, headers: Record<string, string> = {}): Response {
  return new Response(html, { status, headers: { ...PAGE_HEADERS, "Content-Language": locale, ...headers } });
}

function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text.endsWith("\n") ? text : `${text}\n`, {
    status,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", ...headers },
  });
}

function gifResponse(): Response {
  return new Response(TRANSPARENT_GIF, {
    status: 200,
    headers: {
      "Content-Type": "image/gif",
      "Content-Length": String(TRANSPARENT_GIF.length),
      "Cache-Control": "no-store, max-age=0",
      Pragma: "no-cache",
    },
  });
}

function methodNotAllowed(request: Request, allow: string): Response {
  // A body this answer leaves unread would stall the connection: close it instead.
  return textResponse(405, `method not allowed: use ${allow}`, {
    Allow: allow,
    ...(request.body ? { Connection: "close" } : {}),
  });
}

// Errors may quote query arguments: keep addresses out of the log.
function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[^\s@"'<>()]+@[^\s@"'<>()]+/g, "[email]").slice(0, 500);
}

function nowOf(deps: MailEndpointDeps): Date {
  return (deps.now ?? appNow)();
}

/** SendGrid's signature timestamp is on SendGrid's clock: its replay window is real time, never a test clock. */
function signatureNowOf(deps: MailEndpointDeps): Date {
  return deps.now ? deps.now() : new Date();
}

type TokenCheck = { ok: true; token: string; payload: TokenPayload } | { ok: false; problem: LinkProblem };

function checkToken(request: Request, deps: MailEndpointDeps, kind: TokenKind): TokenCheck {
  const token = new URL(request.url).searchParams.get("t");
  if (!token) return { ok: false, problem: "missing" };
  const result = verifyToken(deps.secret ?? mailTokenSecret(), token, nowOf(deps), kind);
  if (isTokenError(result)) return { ok: false, problem: result.error };
  return { ok: true, token, payload: result };
}

async function defaultAdminPortFor(db: Db, shopId: string): Promise<AdminPort> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { domain: true } });
  if (!shop) throw new Error(`no shop ${shopId}`);
  return (await adminPortForShop(db, shop.domain)).admin;
}

function adminPortGetter(deps: MailEndpointDeps, shopId: string): () => Promise<AdminPort> {
  return () => (deps.adminPortFor ? deps.adminPortFor(shopId) : defaultAdminPortFor(deps.db, shopId));
}

async function shopName(db: Db, shopId: string): Promise<string | null> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { name: true } });
  return shop?.name ?? null;
}

function isPageForm(body: string): boolean {
  try {
    return new URLSearchParams(body).get(PAGE_FORM_FIELD) === "1";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// /email/unsubscribe

async function unsubscribeGet(request: Request, deps: MailEndpointDeps): Promise<Response> {
  const locale = pickPageLocale(request.headers.get("accept-language"));
  const check = checkToken(request, deps, "unsubscribe");
  if (!check.ok) {
    log("info", "unsubscribe link refused", { reason: check.problem });
    return htmlResponse(400, invalidLinkPage(locale, check.problem, "unsubscribe"), locale);
  }
  const name = await shopName(deps.db, check.payload.shopId);
  return htmlResponse(200, unsubscribeConfirmPage(locale, { shopName: name, token: check.token }), locale);
}

async function unsubscribePost(request: Request, deps: MailEndpointDeps): Promise<Response> {
  const locale = pickPageLocale(request.headers.get("accept-language"));
  const body = await readBoundedBody(request, MAX_UNSUBSCRIBE_BODY_KEPT, MAX_UNSUBSCRIBE_BODY_BYTES);
  if (!body.complete) {
    log("info", "unsubscribe refused", { reason: "body too large" });
    return textResponse(
      413,
      `body larger than ${MAX_UNSUBSCRIBE_BODY_BYTES} bytes: a one-click unsubscribe sends "List-Unsubscribe=One-Click"`,
      CONNECTION_CLOSE,
    );
  }
  const fromPage = isPageForm(body.bytes.toString("utf8"));
  const check = checkToken(request, deps, "unsubscribe");
  if (!check.ok) {
    log("info", "unsubscribe refused", { reason: check.problem });
    return fromPage
      ? htmlResponse(400, invalidLinkPage(locale, check.problem, "unsubscribe"), locale)
      : textResponse(400, `${problemText(check.problem)} Nothing was changed; contact the shop that sent the email.`);
  }
  const { shopId, messageId, customerId } = check.payload;
  try {
    const result = await unsubscribeByMessage(deps.db, {
      shopId,
      messageId,
      customerId,
      now: nowOf(deps),
      admin: adminPortGetter(deps, shopId),
    });
    log("info", "unsubscribed", { shopId, messageId, changed: result.changed, shopifySync: result.shopifySync });
  } catch (error) {
    log("error", "unsubscribe failed", { shopId, messageId, error: describeError(error) });
    const retry = isTransientDbError(error) ? { "Retry-After": "30" } : undefined;
    const status = retry ? 503 : 500;
    return fromPage
      ? htmlResponse(status, errorPage(locale), locale, retry)
      : textResponse(status, "internal error: the unsubscribe was not recorded, please retry", retry);
  }
  if (!fromPage) return textResponse(200, UNSUBSCRIBED_TEXT);
  return htmlResponse(200, unsubscribedPage(locale, await shopName(deps.db, shopId)), locale);
}

/** GET: the confirmation page (never unsubscribes: link scanners fetch links). POST: unsubscribe now. */
export async function handleUnsubscribeRequest(request: Request, deps: MailEndpointDeps): Promise<Response> {
  try {
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "POST")
      return methodNotAllowed(request, "GET, POST");
    const limited = rateLimited(request, deps, "unsubscribe");
    if (limited) return limited;
    return request.method === "POST" ? await unsubscribePost(request, deps) : await unsubscribeGet(request, deps);
  } catch (error) {
    log("error", "unsubscribe request failed", { error: describeError(error) });
    return textResponse(500, "internal error");
  }
}

// ---------------------------------------------------------------------------------------------
// /email/confirm (double opt-in)

const MAX_CONFIRM_BODY_BYTES = 8 * 1024;

async function confirmPost(request: Request, deps: MailEndpointDeps): Promise<Response> {
  const locale = pickPageLocale(request.headers.get("accept-language"));
  const body = await readBodyAtMost(request, MAX_CONFIRM_BODY_BYTES);
  if (!body.ok) return textResponse(413, `body larger than ${MAX_CONFIRM_BODY_BYTES} bytes`, body.headers);
  const check = checkToken(request, deps, "confirm");
  if (!check.ok) {
    log("info", "opt-in confirmation refused", { reason: check.problem });
    return htmlResponse(400, invalidLinkPage(locale, check.problem, "confirm"), locale);
  }
  const { shopId, messageId: requestId } = check.payload;
  let outcome: Awaited<ReturnType<typeof confirmOptInRequest>>;
  try {
    outcome = await confirmOptInRequest(deps.db, {
      shopId,
      requestId,
      now: nowOf(deps),
      admin: adminPortGetter(deps, shopId),
    });
  } catch (error) {
    log("error", "opt-in confirmation failed", { shopId, error: describeError(error) });
    const retry = isTransientDbError(error) ? { "Retry-After": "30" } : undefined;
    return htmlResponse(retry ? 503 : 500, errorPage(locale), locale, retry);
  }
  log("info", "opt-in confirmation", { shopId, outcome: outcome.outcome, shopifySync: outcome.shopifySync });
  if (outcome.outcome === "not_found") return htmlResponse(410, invalidLinkPage(locale, "expired", "confirm"), locale);
  if (outcome.outcome === "unsubscribed") return htmlResponse(409, optInRefusedPage(locale), locale);
  return htmlResponse(200, optInDonePage(locale, await shopName(deps.db, shopId)), locale);
}

/** GET: the page with the confirm button (never confirms: link scanners fetch links). POST: confirm. */
export async function handleConfirmRequest(request: Request, deps: MailEndpointDeps): Promise<Response> {
  try {
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "POST")
      return methodNotAllowed(request, "GET, POST");
    const limited = rateLimited(request, deps, "confirm");
    if (limited) return limited;
    if (request.method === "POST") return await confirmPost(request, deps);
    const locale = pickPageLocale(request.headers.get("accept-language"));
    const check = checkToken(request, deps, "confirm");
    if (!check.ok) return htmlResponse(400, invalidLinkPage(locale, check.problem, "confirm"), locale);
    return htmlResponse(
      200,
      optInConfirmPage(locale, { shopName: await shopName(deps.db, check.payload.shopId), token: check.token }),
      locale,
    );
  } catch (error) {
    log("error", "opt-in confirmation request failed", { error: describeError(error) });
    return textResponse(500, "internal error");
  }
}

// ---------------------------------------------------------------------------------------------
// /email/click and /email/open

async function recordTracking(deps: MailEndpointDeps, payload: TokenPayload, kind: "open" | "click"): Promise<void> {
  try {
    await recordMailEvents(deps.db, payload.shopId, [
      {
        eventId: trackingEventId(kind, payload.messageId, payload.url),
        messageId: payload.messageId,
        shopId: payload.shopId,
        kind,
        at: nowOf(deps),
        ...(kind === "click" && payload.url !== undefined ? { url: payload.url } : {}),
      },
    ]);
  } catch (error) {
    // Tracking must never break the recipient's click or the email's rendering.
    log("warn", `${kind} tracking failed`, {
      shopId: payload.shopId,
      messageId: payload.messageId,
      error: describeError(error),
    });
  }
}

/**
 * GET: records the click and redirects to the URL signed into the token — never to anything
 * else in the request (no open redirect). HEAD (link checkers) redirects without recording.
 */
export async function handleClickRequest(request: Request, deps: MailEndpointDeps): Promise<Response> {
  try {
    if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(request, "GET");
    const limited = rateLimited(request, deps, "click");
    if (limited) return limited;
    const check = checkToken(request, deps, "click");
    if (!check.ok) {
      log("info", "click link refused", { reason: check.problem });
      const locale = pickPageLocale(request.headers.get("accept-language"));
      return htmlResponse(400, invalidLinkPage(locale, check.problem, "other"), locale);
    }
    const target = check.payload.url;
    if (target === undefined) return textResponse(400, "this link has no destination");
    if (request.method === "GET") await recordTracking(deps, check.payload, "click");
    return new Response(null, { status: 302, headers: { Location: target, "Cache-Control": "no-store" } });
  } catch (error) {
    log("error", "click request failed", { error: describeError(error) });
    return textResponse(500, "internal error");
  }
}

/** GET: records the open; always answers the transparent GIF (an image must never break). */
export async function handleOpenRequest(request: Request, deps: MailEndpointDeps): Promise<Response> {
  try {
    if (request.method !== "GET" && request.method !== "HEAD") return methodNotAllowed(request, "GET");
    const limited = rateLimited(request, deps, "open");
    if (limited) return limited;
    const check = checkToken(request, deps, "open");
    if (!check.ok) log("debug", "open pixel token refused", { reason: check.problem });
    else if (request.method === "GET") await recordTracking(deps, check.payload, "open");
  } catch (error) {
    log("warn", "open request failed", { error: describeError(error) });
  }
  return gifResponse();
}

// ---------------------------------------------------------------------------------------------
// /sendgrid/events

function rejectEvents(
  status: number,
  error: string,
  fields: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Response {
  log("warn", "sendgrid events rejected", { status, reason: error, ...fields });
  return jsonResponse(status, { error }, headers);
}

export interface SendgridEventsSummary {
  /** events stored now */
  applied: number;
  /** events without a known shop or message of that shop (including mail Joren did not send) */
  ignored: number;
  /** events stored by an earlier delivery */
  duplicates: number;
}

async function applySendgridEvents(
  deps: MailEndpointDeps,
  events: NormalizedMailEvent[],
): Promise<SendgridEventsSummary> {
  const byShop = new Map<string, NormalizedMailEvent[]>();
  let ignored = 0;
  for (const event of events) {
    if (!event.shopId || !event.messageId) {
      ignored += 1;
      continue;
    }
    const group = byShop.get(event.shopId);
    if (group) group.push(event);
    else byShop.set(event.shopId, [event]);
  }
  const summary: SendgridEventsSummary = { applied: 0, ignored, duplicates: 0 };
  const results: [string, RecordMailEventsResult][] = [];
  for (const [shopId, group] of byShop) {
    // recordMailEvents ignores a shop that does not exist: its messages cannot be found.
    const result = await recordMailEvents(deps.db, shopId, group);
    results.push([shopId, result]);
    summary.applied += result.applied;
    summary.ignored += result.ignored;
    summary.duplicates += result.duplicates;
  }
  // After every commit: Shopify is told about unsubscribes (rare: Joren's own link is the usual way).
  for (const [shopId, result] of results) {
    if (result.writeBacks.length === 0) continue;
    const admin = adminPortGetter(deps, shopId);
    let port: Promise<AdminPort> | null = null;
    const shared = () => (port ??= admin());
    for (const target of result.writeBacks) await writeBackUnsubscribe(deps.db, shared, target);
  }
  return summary;
}

async function sendgridPost(request: Request, deps: MailEndpointDeps): Promise<Response> {
  const body = await readBodyAtMost(request, MAX_BODY_BYTES);
  if (!body.ok) return rejectEvents(413, `body larger than ${MAX_BODY_BYTES} bytes`, {}, body.headers);
  const publicKey = (
    deps.sendgridPublicKey === undefined ? process.env.SENDGRID_WEBHOOK_PUBLIC_KEY : deps.sendgridPublicKey
  )?.trim();
  if (!publicKey) {
    return rejectEvents(
      503,
      "event webhook not configured: SENDGRID_WEBHOOK_PUBLIC_KEY is not set",
      {},
      { "Retry-After": "3600" },
    );
  }

  let check: ReturnType<typeof verifySendgridSignature>;
  try {
    check = verifySendgridSignature(
      publicKey,
      request.headers.get(SIGNATURE_HEADER),
      request.headers.get(TIMESTAMP_HEADER),
      body.bytes,
      signatureNowOf(deps),
    );
  } catch (error) {
    // The configured key itself is unusable: an operator problem, not the sender's.
    log("error", "sendgrid events: SENDGRID_WEBHOOK_PUBLIC_KEY is not a usable public key", {
      error: describeError(error),
    });
    return jsonResponse(500, { error: "event webhook misconfigured" });
  }
  if (!check.ok) {
    const messages: Record<typeof check.reason, string> = {
      missing: `signature missing: ${SIGNATURE_HEADER} and ${TIMESTAMP_HEADER} are required`,
      malformed: "signature or timestamp header is malformed",
      too_large: `body larger than ${MAX_BODY_BYTES} bytes`,
      stale: "timestamp is more than 10 minutes from now (replay?)",
      bad_signature: "signature does not match the body",
    };
    const status = check.reason === "missing" ? 401 : check.reason === "too_large" ? 413 : 403;
    return rejectEvents(status, messages[check.reason], { reason: check.reason });
  }

  let events: NormalizedMailEvent[];
  try {
    events = parseSendgridEvents(body.bytes);
  } catch (error) {
    if (error instanceof SendgridEventsError) {
      const shown = error.issues.slice(0, 3).join("; ");
      return rejectEvents(
        400,
        `invalid events: ${shown}${error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : ""}`,
      );
    }
    throw error;
  }
  const summary = await applySendgridEvents(deps, events);
  return jsonResponse(200, summary);
}

/** POST /sendgrid/events: SendGrid's Signed Event Webhook (docs/mail.md). */
export async function handleSendgridEventsRequest(request: Request, deps: MailEndpointDeps): Promise<Response> {
  try {
    if (request.method !== "POST") return methodNotAllowed(request, "POST");
    return rateLimited(request, deps, "sendgrid_events") ?? (await sendgridPost(request, deps));
  } catch (error) {
    log("error", "sendgrid events request failed", { error: describeError(error) });
    if (isTransientDbError(error))
      return jsonResponse(503, { error: "temporarily unavailable" }, { "Retry-After": "30" });
    return jsonResponse(500, { error: "internal error" });
  }
}
