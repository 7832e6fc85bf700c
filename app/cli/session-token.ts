// A Shopify session token as App Bridge hands it to an embedded app: an HS256 JWT signed with the
// app's API secret (https://shopify.dev/docs/apps/build/authentication-authorization/session-tokens).
// The offline demo mints them with its own local app secret to open the admin of its local shop;
// the app validates them exactly as it validates Shopify's (docs/decisions/0005).
import { createHmac, randomUUID } from "node:crypto";

export function mintSessionToken(options: {
  shop: string;
  apiKey: string;
  secret: string;
  userId?: string;
  now?: Date;
  lifetimeSeconds?: number;
}): string {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = encode({ alg: "HS256", typ: "JWT" });
  const payload = encode({
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: options.userId ?? "42",
    exp: now + (options.lifetimeSeconds ?? 60),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID().replace(/-/g, ""),
  });
  const signature = createHmac("sha256", options.secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The `host` query parameter Shopify admin adds: base64 of the admin's host and path for the store. */
export function adminHostParam(shop: string): string {
  return Buffer.from(`admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}`)
    .toString("base64")
    .replace(/=+$/, "");
}

/** The embedded admin's address for a shop, as Shopify admin loads it in its iframe. */
export function embeddedAdminUrl(options: {
  appUrl: string;
  shop: string;
  apiKey: string;
  secret: string;
  path?: string;
  locale?: string;
  lifetimeSeconds?: number;
}): string {
  const params = new URLSearchParams({
    embedded: "1",
    shop: options.shop,
    host: adminHostParam(options.shop),
    ...(options.locale ? { locale: options.locale } : {}),
    id_token: mintSessionToken({
      shop: options.shop,
      apiKey: options.apiKey,
      secret: options.secret,
      lifetimeSeconds: options.lifetimeSeconds,
    }),
  });
  return `${options.appUrl}${options.path ?? "/app"}?${params}`;
}
