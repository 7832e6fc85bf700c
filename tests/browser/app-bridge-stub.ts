// TESTS ONLY. Shopify admin loads App Bridge from cdn.shopify.com, which a test machine cannot
// reach. Playwright answers that one request with this stand-in, which does the two things of
// App Bridge the app relies on: every fetch to the app's own origin carries
// `Authorization: Bearer <session token>` (App Bridge adds it to Remix's data requests and form
// posts), and the App Bridge custom elements (ui-nav-menu …) exist and stay out of the page, as
// in Shopify admin where the navigation is drawn outside the app's iframe. The session tokens
// come from the test (`__jorenSessionToken`, exposed by Playwright), signed like Shopify's.
export const APP_BRIDGE_STUB = `
(() => {
  const nativeFetch = window.fetch.bind(window);
  const idToken = () => window.__jorenSessionToken();
  window.shopify = {
    idToken,
    loading: () => {},
    toast: { show: () => {}, hide: () => {} },
    config: { apiKey: document.currentScript && document.currentScript.dataset.apiKey },
  };
  window.fetch = async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (new URL(target, location.href).origin !== location.origin) return nativeFetch(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + (await idToken()));
    return nativeFetch(input, { ...(init || {}), headers });
  };
  for (const name of ["ui-nav-menu", "ui-title-bar", "ui-save-bar", "ui-modal"]) {
    if (!customElements.get(name)) {
      customElements.define(name, class extends HTMLElement {
        connectedCallback() { this.style.display = "none"; }
      });
    }
  }
})();
`;
