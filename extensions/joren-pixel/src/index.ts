// Joren's Web Pixel: forwards four storefront events to the app (docs/pixel.md).
import { register } from "@shopify/web-pixels-extension";
import { buildPixelRequestBody, eventsEndpoint, TRACKED_EVENTS } from "./build-body";
import type { TrackedEvent } from "./types";

register(({ analytics, init, settings }) => {
  const endpoint = eventsEndpoint(settings.appUrl);
  const shopDomain = settings.accountID || init.data.shop.myshopifyDomain;
  if (!endpoint || !shopDomain) return;

  const send = (event: TrackedEvent): void => {
    const body = JSON.stringify(buildPixelRequestBody({ shopDomain, customer: init.data.customer, event }));
    // text/plain keeps this a CORS "simple" request: no preflight round trip, and keepalive
    // lets it finish while the shopper navigates away (the product page unloads at checkout).
    fetch(endpoint, {
      method: "POST",
      mode: "cors",
      keepalive: true,
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body,
    }).catch(() => undefined);
  };

  for (const name of TRACKED_EVENTS) analytics.subscribe(name, send);
});
