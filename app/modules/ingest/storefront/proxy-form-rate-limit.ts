// Flood guard for the storefront forms behind the app proxy (birthday, back in stock), checked
// before the body is read or the signature verified. A person sends a form a few times a minute;
// only floods meet the limits.
import { EndpointRateLimiter, type EndpointLimit } from "~/modules/platform/rate-limit/endpoint-rate-limit";
import { perMinute } from "~/modules/platform/rate-limit/pixel-rate-limit";

export const DEFAULT_PROXY_FORM_LIMITS: EndpointLimit = { perIp: perMinute(120), perEndpoint: perMinute(30_000) };

/** One limit for every form; each form (named by its outcome parameter) has its own buckets. */
export class ProxyFormRateLimiter extends EndpointRateLimiter<string> {
  constructor(limits: EndpointLimit = DEFAULT_PROXY_FORM_LIMITS, maxKeys?: number) {
    super(() => limits, maxKeys);
  }
}
