// DEMO AND TESTS ONLY. Shopify admin loads App Bridge from cdn.shopify.com and draws its title
// bar, contextual save bar and nav menu around the app's iframe. Offline (the demo's gateway,
// the browser tests) there is no Shopify admin, so this stand-in plays the part of App Bridge v4
// the app relies on, following the web components' contract
// (https://shopify.dev/docs/api/app-bridge-library/web-components):
// - `window.shopify`: idToken, loading, toast, saveBar (show/hide/toggle by id, leaveConfirmation);
// - every fetch to the app's own origin carries `Authorization: Bearer <session token>`;
// - `<ui-title-bar title>`: the title, a `variant="breadcrumb"` button before it, the other
//   buttons (and `<section label>` groups) as secondary actions and the `variant="primary"` one
//   last; clicking one clicks the app's own (hidden) button, as App Bridge relays it;
// - `<ui-save-bar>`: hidden until `show()`; "Unsaved changes" with Discard (the button without a
//   variant) and Save (`variant="primary"`), labelled by their text or the admin language's
//   default, disabled/loading as their attributes say; `show`/`hide` events, `showing`,
//   `discardConfirmation`;
// - `<ui-nav-menu>`: drawn as a bar (demo) or left out of the page (tests); a link click
//   dispatches `shopify:navigate` on the link, so the app navigates client-side.
// Each element draws into its own shadow root, so the app's React tree is never touched.

export interface StandInOptions {
  /** JavaScript: an expression for an async function returning a fresh session token */
  idToken: string;
  /** a path of the app's origin whose fetches get no token (the demo's token endpoint) */
  tokenPath?: string;
  /** the nav menu as a bar at the top (demo) or hidden (tests, as Shopify draws it outside the iframe) */
  navMenu: "bar" | "hidden";
}

export function appBridgeStandIn(options: StandInOptions): string {
  return `
(() => {
  const nativeFetch = window.fetch.bind(window);
  const idToken = ${options.idToken};
  const tokenPath = ${JSON.stringify(options.tokenPath ?? null)};
  // Shopify admin opens the app with its language in the URL; client navigations drop it.
  const ja = (new URLSearchParams(location.search).get("locale") || "").startsWith("ja");
  const words = ja
    ? { unsaved: "未保存の変更", save: "保存", discard: "破棄", discardConfirm: "変更を破棄しますか？", leaveTitle: "このページから移動しますか？", leaveBody: "保存していない変更は失われます。", leave: "移動する", stay: "このページに残る" }
    : { unsaved: "Unsaved changes", save: "Save", discard: "Discard", discardConfirm: "Discard all unsaved changes?", leaveTitle: "Leave page with unsaved changes?", leaveBody: "Leaving this page will delete all unsaved changes.", leave: "Leave page", stay: "Stay" };
  const toast = (message) => {
    const box = document.createElement("div");
    box.textContent = message;
    box.setAttribute("role", "status");
    box.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:8px;z-index:1000;font:14px system-ui";
    document.body.appendChild(box);
    setTimeout(() => box.remove(), 3000);
  };
  const FONT = "font:14px -apple-system,BlinkMacSystemFont,'San Francisco','Segoe UI',Roboto,'Noto Sans JP','Noto Sans CJK JP',sans-serif;";
  const BUTTON = "button{" + FONT + "border-radius:8px;padding:6px 12px;cursor:pointer;border:1px solid #c9c9c9;background:#fff;color:#303030;font-weight:550}" +
    "button[data-variant=primary]{background:#303030;color:#fff;border-color:#303030}button[data-tone=critical]{color:#8e0b21}" +
    "button:disabled{opacity:.5;cursor:default}button[aria-busy=true]::after{content:' …'}";
  const isAction = (el) => el.tagName === "BUTTON" || el.tagName === "A";
  const label = (el) => (el.textContent || "").trim();
  // A drawn button relays its click to the app's own element, as App Bridge does.
  const relay = (source, text, variant, confirmText) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    if (variant) button.dataset.variant = variant;
    if (source.getAttribute("tone")) button.dataset.tone = source.getAttribute("tone");
    const loading = source.hasAttribute("loading") && source.getAttribute("loading") !== "false";
    button.disabled = source.hasAttribute("disabled") || loading;
    if (loading) button.setAttribute("aria-busy", "true");
    button.addEventListener("click", () => { if (!confirmText || confirm(confirmText)) source.click(); });
    return button;
  };
  class ShadowDrawn extends HTMLElement {
    connectedCallback() {
      if (!this.shadowRoot) {
        this.attachShadow({ mode: "open" });
        new MutationObserver(() => this.draw()).observe(this, { childList: true, subtree: true, attributes: true, characterData: true });
      }
      this.draw();
    }
  }
  class TitleBar extends ShadowDrawn {
    draw() {
      const root = this.shadowRoot;
      if (!root) return;
      const style = document.createElement("style");
      style.textContent = ":host{display:block}.bar{display:flex;align-items:center;gap:8px;padding:12px 20px;background:#f1f1f1;border-bottom:1px solid #e3e3e3;" + FONT + "}" +
        "h1{font-size:16px;font-weight:650;margin:0;color:#303030}.crumb{color:#616161}.spacer{flex:1}.section{display:flex;gap:4px;align-items:center;color:#616161}" + BUTTON;
      const bar = document.createElement("div");
      bar.className = "bar";
      const children = [...this.children];
      const crumb = children.find((el) => isAction(el) && el.getAttribute("variant") === "breadcrumb");
      if (crumb) {
        const back = relay(crumb, label(crumb));
        back.className = "crumb";
        bar.append(back, "/");
      }
      const title = document.createElement("h1");
      title.textContent = this.getAttribute("title") || document.title;
      bar.append(title, Object.assign(document.createElement("span"), { className: "spacer" }));
      for (const el of children) {
        if (el.tagName === "SECTION") {
          const group = Object.assign(document.createElement("span"), { className: "section" });
          group.append(el.getAttribute("label") || "");
          for (const item of [...el.children].filter(isAction)) group.append(relay(item, label(item)));
          bar.append(group);
        } else if (isAction(el) && !el.getAttribute("variant")) bar.append(relay(el, label(el)));
      }
      const primary = children.find((el) => isAction(el) && el.getAttribute("variant") === "primary");
      if (primary) bar.append(relay(primary, label(primary), "primary"));
      root.replaceChildren(style, bar);
    }
  }
  class SaveBar extends ShadowDrawn {
    constructor() {
      super();
      this._showing = false;
    }
    get showing() { return this._showing; }
    get discardConfirmation() { return this.hasAttribute("discardConfirmation"); }
    set discardConfirmation(on) { this.toggleAttribute("discardConfirmation", Boolean(on)); }
    show() { return this._set(true); }
    hide() { return this._set(false); }
    toggle() { return this._set(!this._showing); }
    _set(showing) {
      if (showing !== this._showing) {
        this._showing = showing;
        this.draw();
        this.dispatchEvent(new CustomEvent(showing ? "show" : "hide"));
      }
      return Promise.resolve();
    }
    draw() {
      const root = this.shadowRoot;
      if (!root) return;
      if (!this._showing) return void root.replaceChildren();
      const style = document.createElement("style");
      style.textContent = ".bar{position:fixed;top:0;left:0;right:0;z-index:600;display:flex;align-items:center;gap:8px;padding:10px 20px;background:#1a1a1a;color:#fff;" + FONT + "}" +
        ".message{flex:1;font-weight:650}" + BUTTON + "button[data-variant=primary]{background:#fff;color:#303030;border-color:#fff}button:not([data-variant]){background:#303030;color:#fff;border-color:#616161}";
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.setAttribute("role", "region");
      bar.setAttribute("aria-label", words.unsaved);
      bar.append(Object.assign(document.createElement("span"), { className: "message", textContent: words.unsaved }));
      const buttons = [...this.children].filter((el) => el.tagName === "BUTTON");
      const discard = buttons.find((el) => !el.getAttribute("variant"));
      const save = buttons.find((el) => el.getAttribute("variant") === "primary");
      if (discard) bar.append(relay(discard, label(discard) || words.discard, undefined, this.discardConfirmation ? words.discardConfirm : undefined));
      if (save) bar.append(relay(save, label(save) || words.save, "primary"));
      root.replaceChildren(style, bar);
    }
  }
  // "Leave page with unsaved changes?": resolves when the merchant leaves, or at once when no
  // save bar shows; staying leaves it pending, as nothing should happen then.
  const leaveConfirmation = () => {
    if (![...document.querySelectorAll("ui-save-bar")].some((bar) => bar.showing)) return Promise.resolve();
    return new Promise((resolve) => {
      const host = document.createElement("div");
      const root = host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = ".backdrop{position:fixed;inset:0;background:rgba(0,0,0,.5);z-index:700;display:flex;align-items:center;justify-content:center;" + FONT + "}" +
        ".dialog{background:#fff;border-radius:12px;padding:20px;max-width:420px;display:flex;flex-direction:column;gap:12px}h2{margin:0;font-size:16px}p{margin:0}.actions{display:flex;gap:8px;justify-content:flex-end}" + BUTTON;
      const dialog = document.createElement("div");
      dialog.className = "dialog";
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-label", words.leaveTitle);
      const stay = Object.assign(document.createElement("button"), { type: "button", textContent: words.stay });
      const leave = Object.assign(document.createElement("button"), { type: "button", textContent: words.leave });
      leave.dataset.tone = "critical";
      stay.addEventListener("click", () => host.remove());
      leave.addEventListener("click", () => { host.remove(); resolve(); });
      const actions = Object.assign(document.createElement("div"), { className: "actions" });
      actions.append(stay, leave);
      dialog.append(Object.assign(document.createElement("h2"), { textContent: words.leaveTitle }), Object.assign(document.createElement("p"), { textContent: words.leaveBody }), actions);
      const backdrop = Object.assign(document.createElement("div"), { className: "backdrop" });
      backdrop.append(dialog);
      root.append(style, backdrop);
      document.body.appendChild(host);
    });
  };
  const byId = (id) => document.getElementById(id);
  window.shopify = {
    idToken,
    loading: () => {},
    toast: { show: toast, hide: () => {} },
    config: { apiKey: document.currentScript && document.currentScript.dataset.apiKey },
    saveBar: {
      show: (id) => (byId(id) ? byId(id).show() : Promise.resolve()),
      hide: (id) => (byId(id) ? byId(id).hide() : Promise.resolve()),
      toggle: (id) => (byId(id) ? byId(id).toggle() : Promise.resolve()),
      leaveConfirmation,
    },
  };
  window.fetch = async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(target, location.href);
    if (url.origin !== location.origin || url.pathname === tokenPath) return nativeFetch(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + (await idToken()));
    return nativeFetch(input, { ...(init || {}), headers });
  };
  class NavMenu extends HTMLElement {
    connectedCallback() {
      ${
        options.navMenu === "hidden"
          ? `this.style.display = "none";`
          : `const style = document.createElement("style");
      style.textContent = "ui-nav-menu{display:flex;gap:20px;padding:10px 20px;background:#1a1a1a;" + FONT + "position:sticky;top:0;z-index:500}ui-nav-menu a{color:#fff;text-decoration:none}ui-nav-menu a:hover{text-decoration:underline}";
      if (!document.getElementById("joren-nav-style")) document.head.appendChild(Object.assign(style, { id: "joren-nav-style" }));`
      }
      this.addEventListener("click", (event) => {
        const link = event.target instanceof Element ? event.target.closest("a") : null;
        if (!link) return;
        event.preventDefault();
        link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
      });
    }
  }
  const define = (name, element) => { if (!customElements.get(name)) customElements.define(name, element); };
  define("ui-nav-menu", NavMenu);
  define("ui-title-bar", TitleBar);
  define("ui-save-bar", SaveBar);
  define("ui-modal", class extends HTMLElement { connectedCallback() { this.style.display = "none"; } });
})();
`;
}
