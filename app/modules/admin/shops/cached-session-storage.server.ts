import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

/**
 * Session storage with a short in-memory cache of loaded sessions. Every webhook loads the
 * shop's offline session; during a storm that lookup would cost more than storing the webhook.
 * Writes and deletes through this instance invalidate at once; another instance's writes are
 * seen after the TTL.
 */
export class CachedSessionStorage implements SessionStorage {
  private readonly cache = new Map<string, { session: Session | undefined; expires: number }>();

  constructor(
    private readonly inner: SessionStorage,
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    return this.inner.storeSession(session);
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.expires > Date.now()) return hit.session;
    const session = await this.inner.loadSession(id);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(id, { session, expires: Date.now() + this.ttlMs });
    return session;
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }
}
