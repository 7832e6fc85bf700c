// In-memory token buckets for the public pixel endpoint. Per instance, not shared: with N
// instances a client gets N times the rate, which is fine for a flood guard (it is not billing).

export interface BucketLimit {
  /** tokens a full bucket holds (the burst) */
  capacity: number;
  /** tokens added back per second */
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  limit: BucketLimit;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = 100_000) {}

  /**
   * Takes `cost` tokens from every listed bucket, or from none: a refused request must not
   * drain the buckets that did have room.
   */
  take(requests: { key: string; limit: BucketLimit }[], cost: number, nowMs: number): TakeResult {
    if (cost <= 0) return { ok: true };
    const buckets = requests.map(({ key, limit }) => this.refilled(key, limit, nowMs));
    const short = buckets.filter((b) => b.tokens < cost);
    if (short.length > 0) {
      const waitSeconds = Math.max(...short.map((b) => (cost - b.tokens) / b.limit.refillPerSecond));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
    }
    for (const bucket of buckets) bucket.tokens -= cost;
    return { ok: true };
  }

  private refilled(key: string, limit: BucketLimit, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.makeRoom(nowMs);
      bucket = { tokens: limit.capacity, updatedAt: nowMs, limit };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, nowMs - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + elapsed * limit.refillPerSecond);
    bucket.updatedAt = nowMs;
    return bucket;
  }

  // Keys come from unauthenticated input (client ids, addresses): the map must stay bounded.
  private makeRoom(nowMs: number): void {
    if (this.buckets.size < this.maxKeys) return;
    for (const [key, bucket] of this.buckets) {
      const elapsed = Math.max(0, nowMs - bucket.updatedAt) / 1000;
      if (bucket.tokens + elapsed * bucket.limit.refillPerSecond >= bucket.limit.capacity) this.buckets.delete(key);
    }
    // Still full: forget the oldest tenth at once (Map iterates in insertion order), so the
    // sweep above runs once per many new keys, not on every one.
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= target) break;
      this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
