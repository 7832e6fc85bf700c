// Flood guards for the public mail endpoints (unsubscribe, click, open, SendGrid events), before
// the token or the signature is verified (an HMAC or an ECDSA verification and a log line).
// The limits sit far above what people do (one person clicks a few links a minute; SendGrid posts
// batches of up to 1,000 events every few seconds), so only floods meet them.
import { EndpointRateLimiter, type EndpointLimit } from "~/modules/platform/rate-limit/endpoint-rate-limit";
import { perMinute } from "~/modules/platform/rate-limit/pixel-rate-limit";

export type MailEndpoint = "unsubscribe" | "click" | "open" | "confirm" | "sendgrid_events";

export type MailRateLimits = Record<MailEndpoint, EndpointLimit>;

const PEOPLE: EndpointLimit = { perIp: perMinute(120), perEndpoint: perMinute(30_000) };

export const DEFAULT_MAIL_RATE_LIMITS: MailRateLimits = {
  unsubscribe: PEOPLE,
  click: PEOPLE,
  confirm: PEOPLE,
  // mail clients and proxies (Gmail's image proxy) fetch opens from a few shared addresses
  open: { perIp: perMinute(1_200), perEndpoint: perMinute(30_000) },
  sendgrid_events: { perIp: perMinute(600), perEndpoint: perMinute(3_000) },
};

export class MailRateLimiter extends EndpointRateLimiter<MailEndpoint> {
  constructor(limits: MailRateLimits = DEFAULT_MAIL_RATE_LIMITS, maxKeys?: number) {
    super((endpoint) => limits[endpoint], maxKeys);
  }
}
