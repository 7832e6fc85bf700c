// Flood guard for the storefront forms behind the app proxy (birthday, back in stock). Checked
// before the body is read or the signature verified, like the mail endpoints' guard
// (mail-rate-limit.ts), and per instance like it. Two buckets per request: the shopper's address
// (Shopify's proxy passes it as the first X-Forwarded-For entry) and the form on this instance,
// which also bounds requests with no address or invented ones. A person sends a form a few times
// a minute; only floods meet the limits.
import { perMinute } from "~/modules/behaviour/pixel-rate-limit";
import { TokenBuckets, type BucketLimit, type TakeResult } from "~/modules/behaviour/token-buckets";

export interface ProxyFormLimits {
  perIp: BucketLimit;
  perForm: BucketLimit;
}

export const DEFAULT_PROXY_FORM_LIMITS: ProxyFormLimits = { perIp: perMinute(120), perForm: perMinute(30_000) };

export class ProxyFormRateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limits: ProxyFormLimits = DEFAULT_PROXY_FORM_LIMITS,
    maxKeys?: number,
  ) {
    this.buckets = new TokenBuckets(maxKeys);
  }

  take(form: string, ip: string | null, nowMs: number): TakeResult {
    return this.buckets.take(
      [{ key: `form|${form}`, limit: this.limits.perForm }, ...(ip ? [{ key: `ip|${form}|${ip}`, limit: this.limits.perIp }] : [])],
      1,
      nowMs,
    );
  }
}
