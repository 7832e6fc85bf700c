// Flood guards for the public mail endpoints (unsubscribe, click, open, SendGrid events). Checked
// before the token or the signature is verified, so a flood of garbage costs a map lookup, not
// an HMAC or an ECDSA verification and a log line. Per instance, like the pixel's (not shared:
// with N instances a sender gets N times the rate — fine for a flood guard).
//
// Two buckets per request: the client address (the first X-Forwarded-For entry, which the load
// balancer sets) and the whole endpoint on this instance, which also bounds requests with no
// address or with invented ones. The limits sit far above what people do (one person clicks a
// few links a minute; SendGrid posts batches of up to 1,000 events every few seconds), so only
// floods meet them.
import { perMinute } from "~/modules/behaviour/pixel-rate-limit";
import { TokenBuckets, type BucketLimit, type TakeResult } from "~/modules/behaviour/token-buckets";

export type MailEndpoint = "unsubscribe" | "click" | "open" | "sendgrid_events";

export interface MailEndpointLimit {
  perIp: BucketLimit;
  perEndpoint: BucketLimit;
}

export type MailRateLimits = Record<MailEndpoint, MailEndpointLimit>;

const PEOPLE: MailEndpointLimit = { perIp: perMinute(120), perEndpoint: perMinute(30_000) };

export const DEFAULT_MAIL_RATE_LIMITS: MailRateLimits = {
  unsubscribe: PEOPLE,
  click: PEOPLE,
  // mail clients and proxies (Gmail's image proxy) fetch opens from a few shared addresses
  open: { perIp: perMinute(1_200), perEndpoint: perMinute(30_000) },
  sendgrid_events: { perIp: perMinute(600), perEndpoint: perMinute(3_000) },
};

export class MailRateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limits: MailRateLimits = DEFAULT_MAIL_RATE_LIMITS,
    maxKeys?: number,
  ) {
    this.buckets = new TokenBuckets(maxKeys);
  }

  take(endpoint: MailEndpoint, ip: string | null, nowMs: number): TakeResult {
    const limit = this.limits[endpoint];
    return this.buckets.take(
      [{ key: `endpoint|${endpoint}`, limit: limit.perEndpoint }, ...(ip ? [{ key: `ip|${endpoint}|${ip}`, limit: limit.perIp }] : [])],
      1,
      nowMs,
    );
  }
}

/** The client's address as the load balancer reports it (bounded: it is user input). */
export function clientIp(request: Request): string | null {
  const first = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return first ? first.slice(0, 64) : null;
}
