// POST /pixel/events: the Web Pixel's collector. Public and unsigned (docs/pixel.md): every
// answer is decided here, and no exception leaves this function. A valid request is accepted
// into the pixel queue and answered at once; the queue applies it behind the answer
// (pixel-buffer.server.ts, docs/decisions/0020).
import type { Db } from "~/db.server";
import { parseJsonLossless } from "~/lib/json";
import { log } from "~/lib/log.server";
import { readBodyAtMost } from "~/lib/request-body.server";
import { clientIp } from "../../platform/rate-limit/endpoint-rate-limit";
import { parsePixelRequest } from "../../ingest/pixel/pixel-event-schema";
import { describeError, type PixelBuffer } from "../../ingest/pixel/pixel-buffer.server";
import { getPixelBuffer } from "./pixel-intake.server";
import { PixelRateLimiter } from "../../platform/rate-limit/pixel-rate-limit";
import { appNow } from "../../platform/time/clock.server";

export const MAX_BODY_BYTES = 64 * 1024;

export const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "POST, OPTIONS",
  "Access-Control-Allow-Headers": "content-type",
  "Access-Control-Max-Age": "86400",
};

export interface PixelEndpointDeps {
  /** reads only: is the shop installed */
  db: Db;
  /** defaults to the process-wide queue */
  buffer?: PixelBuffer;
  /** the app's clock (platform/time/clock.server) by default */
  now?: () => Date;
  /** defaults to one limiter per process */
  rateLimiter?: PixelRateLimiter;
}

const processLimiter = new PixelRateLimiter();

// Shops rarely change, and at storefront rates every request would read the same row. Cached
// per client: a test's database (or a broken one) never answers from another's cache.
const SHOP_CACHE_MS = 2_000;
const installedShops = new WeakMap<Db, Map<string, number>>();

async function shopInstalled(db: Db, domain: string, nowMs: number): Promise<boolean> {
  let cache = installedShops.get(db);
  if (!cache) installedShops.set(db, (cache = new Map()));
  if ((cache.get(domain) ?? 0) > nowMs) return true;
  const shop = await db.shop.findUnique({ where: { domain }, select: { uninstalledAt: true } });
  // only an installed shop is cached, so a shop installed a moment ago is accepted at once
  if (!shop || shop.uninstalledAt) return false;
  if (cache.size > 10_000) cache.clear();
  cache.set(domain, nowMs + SHOP_CACHE_MS);
  return true;
}

function respond(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: {
      ...CORS_HEADERS,
      "Cache-Control": "no-store",
      ...(body === null ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
  });
}

function reject(
  status: number,
  error: string,
  fields: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Response {
  log("warn", "pixel request rejected", { status, reason: error, ...fields });
  return respond(status, { error }, headers);
}

type BodyResult = { ok: true; text: string } | { ok: false; response: Response };

async function readBody(request: Request): Promise<BodyResult> {
  const body = await readBodyAtMost(request, MAX_BODY_BYTES);
  if (!body.ok)
    return { ok: false, response: reject(413, `body larger than ${MAX_BODY_BYTES} bytes`, {}, body.headers) };
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(body.bytes) };
  } catch {
    return { ok: false, response: reject(400, "body is not UTF-8 text") };
  }
}

async function handlePost(request: Request, deps: PixelEndpointDeps): Promise<Response> {
  const now = (deps.now ?? appNow)();
  const body = await readBody(request);
  if (!body.ok) return body.response;

  let json: unknown;
  try {
    json = parseJsonLossless(body.text);
  } catch {
    return reject(400, "body is not valid JSON");
  }
  const parsed = parsePixelRequest(json, now);
  if (!parsed.success) return reject(400, parsed.error);
  const { shopDomain, customer, events, ignored } = parsed.data;
  const clientIds = [...new Set(events.map((e) => e.clientId))];

  const limited = (deps.rateLimiter ?? processLimiter).take({
    shop: shopDomain,
    clientIds,
    ip: clientIp(request),
    events: events.length,
    nowMs: now.getTime(),
  });
  if (!limited.ok) {
    return reject(
      429,
      "too many events",
      { shop: shopDomain, clientIds },
      { "Retry-After": String(limited.retryAfterSeconds) },
    );
  }

  if (!(await shopInstalled(deps.db, shopDomain, Date.now()))) return reject(404, "unknown shop", { shop: shopDomain });
  if (events.length > 0) {
    const taken = (deps.buffer ?? (await getPixelBuffer())).offer({ shopDomain, customer, events, now });
    if (!taken.ok) {
      return reject(
        503,
        "busy, retry later",
        { shop: shopDomain, events: events.length },
        { "Retry-After": String(taken.retryAfterSeconds) },
      );
    }
  }
  return respond(200, { accepted: events.length, ignored });
}

/** The whole HTTP behaviour of the pixel endpoint; see docs/pixel.md for the contract. */
export async function handlePixelRequest(request: Request, deps: PixelEndpointDeps): Promise<Response> {
  try {
    if (request.method === "OPTIONS") return respond(204, null);
    if (request.method !== "POST")
      return reject(405, "method not allowed", { method: request.method }, { Allow: "POST, OPTIONS" });
    return await handlePost(request, deps);
  } catch (error) {
    log("error", "pixel request failed", { error: describeError(error) });
    return respond(500, { error: "internal error" });
  }
}
