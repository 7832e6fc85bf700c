// Expiring offline access tokens (Shopify refuses non-expiring ones for public apps from
// 2027-01-01). The library stores the offline session with its expiry and refresh token
// (future flag expiringOfflineAccessTokens); background Admin API calls — history import,
// discounts, consent write-back, metafields, pixel registration — take their token from here:
// refreshed shortly before it expires, or when Shopify answers 401, through Shopify's token
// endpoint (POST https://{shop}/admin/oauth/access_token, grant_type=refresh_token).
import { z } from "zod";
import type { Db } from "~/db.server";

/** A token that may be replaced: what the Admin API transport asks before each call. */
export interface AccessTokenSource {
  current(): Promise<string>;
  /** a new token after Shopify refused `rejected` (401) */
  refresh(rejected: string): Promise<string>;
}

/** Refresh this long before the expiry, so a call never starts with a token about to lapse. */
const EARLY_MS = 60_000;

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().int().positive().optional(),
  scope: z.string().optional(),
});

export class OfflineTokenError extends Error {}

export function offlineTokenSource(options: {
  db: Db;
  shop: string;
  credentials: () => { clientId: string; clientSecret: string };
  fetch?: typeof fetch;
  now?: () => Date;
}): AccessTokenSource {
  const { db, shop } = options;
  const id = `offline_${shop}`;
  const now = options.now ?? (() => new Date());
  const read = () =>
    db.session.findUnique({
      where: { id },
      select: { accessToken: true, expires: true, refreshToken: true, refreshTokenExpires: true },
    });
  const again = `open Joren from the shop's admin once so it can authenticate again, then retry`;

  async function refreshFrom(session: NonNullable<Awaited<ReturnType<typeof read>>>): Promise<string> {
    if (!session.refreshToken)
      throw new OfflineTokenError(
        `The Admin API access token for ${shop} expired and there is no refresh token: ${again}.`,
      );
    if (session.refreshTokenExpires && session.refreshTokenExpires.getTime() <= now().getTime()) {
      throw new OfflineTokenError(
        `The Admin API access token for ${shop} expired and so did its refresh token: ${again}.`,
      );
    }
    const { clientId, clientSecret } = options.credentials();
    const response = await (options.fetch ?? globalThis.fetch)(`https://${shop}/admin/oauth/access_token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: "refresh_token",
        refresh_token: session.refreshToken,
      }),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new OfflineTokenError(
        `Shopify refused to refresh the Admin API access token for ${shop} (HTTP ${response.status}: ${text.slice(0, 200)}): ${again}.`,
      );
    }
    let parsed: z.infer<typeof tokenAnswer>;
    try {
      parsed = tokenAnswer.parse(JSON.parse(text));
    } catch {
      throw new OfflineTokenError(
        `Shopify's token endpoint answered ${shop}'s refresh with something unexpected: retry later; if it persists, ${again}.`,
      );
    }
    const at = now().getTime();
    // only over the token it refreshed: a concurrent refresh elsewhere wins and is reused
    const stored = await db.session.updateMany({
      where: { id, refreshToken: session.refreshToken },
      data: {
        accessToken: parsed.access_token,
        expires: parsed.expires_in ? new Date(at + parsed.expires_in * 1000) : null,
        refreshToken: parsed.refresh_token ?? session.refreshToken,
        refreshTokenExpires: parsed.refresh_token_expires_in
          ? new Date(at + parsed.refresh_token_expires_in * 1000)
          : session.refreshTokenExpires,
        ...(parsed.scope ? { scope: parsed.scope } : {}),
      },
    });
    if (stored.count === 0) return (await read())?.accessToken ?? parsed.access_token;
    return parsed.access_token;
  }

  return {
    async current() {
      const session = await read();
      if (!session?.accessToken) throw new OfflineTokenError(`${shop} has no offline session: ${again}.`);
      if (session.expires && session.expires.getTime() - EARLY_MS <= now().getTime()) return refreshFrom(session);
      return session.accessToken;
    },
    async refresh(rejected) {
      const session = await read();
      if (!session?.accessToken) throw new OfflineTokenError(`${shop} has no offline session: ${again}.`);
      // another call already replaced the refused token
      if (session.accessToken !== rejected) return session.accessToken;
      return refreshFrom(session);
    },
  };
}
