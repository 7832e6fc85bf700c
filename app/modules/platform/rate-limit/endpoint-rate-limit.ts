// A flood guard for public endpoints, checked before any token, signature or body is looked at,
// so a flood of garbage costs a map lookup. Per instance (with N instances a sender gets N times
// the rate — fine for a flood guard). Two buckets per request: the client address (the first
// X-Forwarded-For entry, which the load balancer or Shopify's proxy sets) and the whole endpoint
// on this instance, which also bounds requests with no address or with invented ones.
import { TokenBuckets, type BucketLimit, type TakeResult } from "./token-buckets";

export interface EndpointLimit {
  perIp: BucketLimit;
  perEndpoint: BucketLimit;
}

export class EndpointRateLimiter<E extends string> {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limitOf: (endpoint: E) => EndpointLimit,
    maxKeys?: number,
  ) {
    this.buckets = new TokenBuckets(maxKeys);
  }

  take(endpoint: E, ip: string | null, nowMs: number): TakeResult {
    const limit = this.limitOf(endpoint);
    return this.buckets.take(
      [
        { key: `endpoint|${endpoint}`, limit: limit.perEndpoint },
        ...(ip ? [{ key: `ip|${endpoint}|${ip}`, limit: limit.perIp }] : []),
      ],
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
