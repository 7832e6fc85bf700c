// The signed links of one email: unsubscribe, click-tracking redirects and the open pixel, all
// served by this app (app/routes/email.*.tsx, docs/mail.md → "Email endpoints").
import type { MessageLinks } from "./templates/types";
import { signToken, type TokenKind } from "./tokens";

export const EMAIL_PATHS = {
  unsubscribe: "/email/unsubscribe",
  click: "/email/click",
  open: "/email/open",
  confirm: "/email/confirm",
} as const satisfies Record<TokenKind, string>;

const DAY_SECONDS = 24 * 60 * 60;
export const DEFAULT_LINK_TTL_DAYS = 60;
// CAN-SPAM wants an opt-out to work for at least 30 days after sending, and people unsubscribe
// from old mail: unsubscribe links live a year unless the caller asks otherwise.
export const DEFAULT_UNSUBSCRIBE_TTL_DAYS = 365;

export interface BuildMessageLinksInput {
  /** the app's public URL (SHOPIFY_APP_URL): https, or http on 127.0.0.1 / localhost only */
  appUrl: string;
  /** mailTokenSecret() */
  secret: string;
  shopId: string;
  /** the ledger id (Message.id) */
  messageId: string;
  customerId: string;
  now: Date;
  /** how long click and open links work */
  ttlDays?: number;
  /** how long the unsubscribe link works (never shorter than ttlDays) */
  unsubscribeTtlDays?: number;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The base every link hangs off: origin plus path, without a trailing slash. Throws for
 * anything but https, except plain http to this machine (development and tests).
 */
export function linkBaseUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    throw new Error("the app URL for email links is not an absolute URL (check SHOPIFY_APP_URL)");
  }
  const local = url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !local) {
    throw new Error(
      `email links need an https app URL (got ${url.protocol.replace(/:$/, "")}://${url.host}); plain http is allowed only for 127.0.0.1 and localhost`,
    );
  }
  if (url.username || url.password) throw new Error("the app URL for email links must not carry credentials");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function positiveDays(name: string, days: number): number {
  if (!Number.isFinite(days) || days <= 0)
    throw new RangeError(`${name} must be a positive number of days, got ${days}`);
  return days;
}

export function buildMessageLinks(input: BuildMessageLinksInput): MessageLinks {
  const base = linkBaseUrl(input.appUrl);
  const ttlDays = positiveDays("ttlDays", input.ttlDays ?? DEFAULT_LINK_TTL_DAYS);
  const unsubscribeTtlDays = Math.max(
    ttlDays,
    positiveDays("unsubscribeTtlDays", input.unsubscribeTtlDays ?? DEFAULT_UNSUBSCRIBE_TTL_DAYS),
  );
  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  const ids = { shopId: input.shopId, messageId: input.messageId, customerId: input.customerId };

  const link = (kind: TokenKind, days: number, url?: string): string => {
    const token = signToken(input.secret, {
      kind,
      ...ids,
      ...(url === undefined ? {} : { url }),
      exp: nowSeconds + Math.round(days * DAY_SECONDS),
    });
    return `${base}${EMAIL_PATHS[kind]}?t=${token}`;
  };

  return {
    unsubscribeUrl: link("unsubscribe", unsubscribeTtlDays),
    openPixelUrl: link("open", ttlDays),
    /** throws for a target that is not an absolute http(s) URL of at most 2,000 characters */
    clickUrl: (target: string) => link("click", ttlDays, target),
  };
}

/** The double opt-in link of one OptInRequest (ADR 0023); it expires with the request. */
export function buildConfirmUrl(input: {
  appUrl: string;
  secret: string;
  shopId: string;
  requestId: string;
  expiresAt: Date;
}): string {
  const exp = Math.floor(input.expiresAt.getTime() / 1000);
  const token = signToken(input.secret, {
    kind: "confirm",
    shopId: input.shopId,
    messageId: input.requestId,
    customerId: input.requestId,
    exp,
  });
  return `${linkBaseUrl(input.appUrl)}${EMAIL_PATHS.confirm}?t=${token}`;
}
