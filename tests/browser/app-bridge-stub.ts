// TESTS ONLY. Shopify admin loads App Bridge from cdn.shopify.com, which a test machine cannot
// reach. Playwright answers that one request with the demo's stand-in
// (app/cli/app-bridge-stand-in.ts): the Authorization header on the app's own fetches, and the
// title bar, contextual save bar and leave confirmation drawn in the page as App Bridge's web
// components would have Shopify admin draw them; the nav menu stays out of the page, as in
// Shopify admin where it is drawn outside the app's iframe. The session tokens come from the
// test (`__jorenSessionToken`, exposed by Playwright), signed like Shopify's.
import { appBridgeStandIn } from "~/cli/app-bridge-stand-in";

export const APP_BRIDGE_STUB = appBridgeStandIn({ idToken: "() => window.__jorenSessionToken()", navMenu: "hidden" });
