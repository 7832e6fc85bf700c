import { TokenBuckets, type BucketLimit, type TakeResult } from "./token-buckets";

export function perMinute(events: number): BucketLimit {
  return { capacity: events, refillPerSecond: events / 60 };
}

export interface PixelRateLimits {
  /** one browser (the pixel's clientId) */
  perClient: BucketLimit;
  /** one address: client ids are free to invent, an address is not */
  perIp: BucketLimit;
  /** everything for one shop: bounds what any number of clients can write */
  perShop: BucketLimit;
}

export const DEFAULT_PIXEL_RATE_LIMITS: PixelRateLimits = {
  perClient: perMinute(120),
  perIp: perMinute(600),
  perShop: perMinute(5000),
};

/** Charges one token per event to the client, its address and its shop, all or nothing. */
export class PixelRateLimiter {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly limits: PixelRateLimits = DEFAULT_PIXEL_RATE_LIMITS,
    maxKeys?: number,
  ) {
    this.buckets = new TokenBuckets(maxKeys);
  }

  take(input: { shop: string; clientIds: string[]; ip: string | null; events: number; nowMs: number }): TakeResult {
    const { shop, clientIds, ip } = input;
    const requests = [
      { key: `shop|${shop}`, limit: this.limits.perShop },
      ...[...new Set(clientIds)].map((clientId) => ({
        key: `client|${shop}|${clientId}`,
        limit: this.limits.perClient,
      })),
      ...(ip ? [{ key: `ip|${shop}|${ip}`, limit: this.limits.perIp }] : []),
    ];
    return this.buckets.take(requests, input.events, input.nowMs);
  }
}
