import { chooseLocale } from "~/modules/delivery/mail/templates/locale";
import { renderMessage, TEMPLATE_SCENARIOS } from "~/modules/engine/scenarios/render-message";
import { SenderIdentityMissingError, UnsubscribeLinkMissingError } from "~/modules/delivery/mail/templates/errors";
import type { Locale } from "~/modules/delivery/mail/templates/types";
import { escapeHtml } from "~/lib/escape-html";
import { CLICK_PREFIX, PIXEL_URL, SHOP_URL, templateContext, UNSUBSCRIBE_URL } from "../../helpers/template-context";

const context = templateContext;

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
}

const LOCALES: Locale[] = ["ja", "en"];
const cases = TEMPLATE_SCENARIOS.flatMap((scenario) => LOCALES.map((locale) => [scenario, locale] as const));

describe.each(cases)("%s in %s", (scenario, locale) => {
  const rendered = renderMessage(scenario, context({}, locale));

  test("renders subject, preheader, html and text", () => {
    expect(rendered.subject.length).toBeGreaterThan(0);
    expect(rendered.subject).not.toMatch(/[\r\n]/);
    expect(rendered.preheader.length).toBeGreaterThan(0);
    expect(rendered.html).toMatch(/^<!DOCTYPE html>/);
    expect(rendered.html).toContain(`<html lang="${locale}">`);
    expect(rendered.text.length).toBeGreaterThan(0);
  });

  test("is written in its language", () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    if (locale === "ja") expect(rendered.subject + rendered.text).toMatch(japanese);
    else expect(rendered.subject + rendered.text).not.toMatch(japanese);
  });

  test("has the sender footer, a visible unsubscribe link and the open pixel", () => {
    for (const part of ["Tea &amp; Co K.K.", "1-2-3 Shibuya, Tokyo 150-0002", "support@tea.example"])
      expect(rendered.html).toContain(part);
    for (const part of ["Tea & Co K.K.", "1-2-3 Shibuya, Tokyo 150-0002", "support@tea.example", UNSUBSCRIBE_URL])
      expect(rendered.text).toContain(part);
    const unsubscribe = /<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g;
    const links = [...rendered.html.matchAll(unsubscribe)].filter(
      (m) => m[1]!.replaceAll("&amp;", "&") === UNSUBSCRIBE_URL,
    );
    expect(links).toHaveLength(1);
    expect(links[0]![2]).toBe(locale === "ja" ? "配信停止" : "Unsubscribe");
    expect(rendered.html).toContain(`<img src="${escapeHtml(PIXEL_URL)}" width="1" height="1"`);
  });

  test("every link to the shop is a click-tracking URL", () => {
    const links = hrefs(rendered.html);
    expect(links.length).toBeGreaterThan(2);
    for (const href of links) {
      expect(href === UNSUBSCRIBE_URL || href.startsWith(CLICK_PREFIX), href).toBe(true);
    }
    expect(rendered.html).not.toContain(SHOP_URL);
    const textUrls = rendered.text.match(/https?:\/\/\S+/g) ?? [];
    for (const url of textUrls) expect(url === UNSUBSCRIBE_URL || url.startsWith(CLICK_PREFIX), url).toBe(true);
  });

  test("shows the products with their images and prices in the shop currency", () => {
    expect(rendered.html).toContain('src="https://cdn.shopify.com/s/files/sencha.jpg"');
    expect(rendered.html).toContain(">Sencha</a>");
    expect(rendered.html).toContain(locale === "ja" ? "￥1,620" : "¥1,620");
    expect(rendered.html).toContain(locale === "ja" ? "￥3,240" : "¥3,240");
    expect(rendered.html).not.toMatch(/1,620\.00/);
    expect(rendered.html).toContain(CLICK_PREFIX + encodeURIComponent(`${SHOP_URL}/products/sencha`));
  });
});

describe("cart abandonment", () => {
  test("links the recovery URL and shows quantities", () => {
    const { html, text } = renderMessage("cart_abandonment", context());
    expect(hrefs(html)).toContain(CLICK_PREFIX + encodeURIComponent(`${SHOP_URL}/checkouts/abc/recover?key=k&x=1`));
    expect(html).toContain("Qty: 2");
    expect(text).toContain("Sencha (¥1,620) × 2");
  });

  test("falls back to the shop when there is no recovery URL", () => {
    const { html } = renderMessage("cart_abandonment", context({ recoveryUrl: null }));
    expect(html).toContain(
      `href="${escapeHtml(CLICK_PREFIX + encodeURIComponent(SHOP_URL))}" style="display:inline-block`,
    );
  });
});

describe("escaping", () => {
  const hostile = context({
    customer: { firstName: `<img src=x onerror="alert(1)">` },
    products: [
      {
        title: `<script>alert("x")</script> & 'tea'`,
        imageUrl: `https://cdn.example/a.jpg" onload="alert(1)`,
        price: 1_000n,
        url: `${SHOP_URL}/p`,
      },
    ],
    shop: { name: "<b>Shop</b>", currency: "USD", url: SHOP_URL, timezone: "UTC" },
    sender: { name: "<i>Sender</i>", postalAddress: "1 <Main> St", contact: `"x"@example.com` },
  });

  test.each(TEMPLATE_SCENARIOS)("%s escapes every interpolated value", (scenario) => {
    const { html } = renderMessage(scenario, hostile);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain(`" onload=`);
    expect(html).not.toContain("<b>Shop</b>");
    expect(html).not.toContain("<i>Sender</i>");
    expect(html).not.toContain("<Main>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;tea&#39;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&lt;b&gt;Shop&lt;/b&gt;");
    expect(html).toContain("1 &lt;Main&gt; St");
  });

  test("a non-http image URL is left out", () => {
    const { html } = renderMessage(
      "browse_abandonment",
      context({ products: [{ title: "T", imageUrl: "javascript:alert(1)", price: 1n, url: `${SHOP_URL}/p` }] }),
    );
    expect(html).not.toContain("javascript:");
  });

  test("escapeHtml", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("prices", () => {
  test("JPY has no decimals, USD has cents", () => {
    const jpy = renderMessage(
      "browse_abandonment",
      context({ products: [{ title: "T", imageUrl: null, price: 1_620_000n, url: `${SHOP_URL}/p` }] }),
    );
    expect(jpy.html).toContain("¥1,620</span>");
    const usd = renderMessage(
      "browse_abandonment",
      context({
        shop: { name: "S", currency: "USD", url: SHOP_URL, timezone: "UTC" },
        products: [{ title: "T", imageUrl: null, price: 19_990n, url: `${SHOP_URL}/p` }],
      }),
    );
    expect(usd.html).toContain("$19.99</span>");
    expect(usd.text).toContain("T ($19.99)");
  });
});

describe("incentives", () => {
  // 15:30 UTC on 31 May is already 1 June in Tokyo: the date shown is the shop's.
  const expiresAt = new Date("2026-05-31T15:30:00Z");

  test("a percentage coupon with its expiry in the shop's timezone", () => {
    const incentive = { kind: "coupon", code: "WELCOME-7Q2X", percentOff: 10, expiresAt } as const;
    expect(renderMessage("welcome", context({ incentive })).text).toContain(
      "Use code WELCOME-7Q2X for 10% off, valid until June 1, 2026.",
    );
    expect(renderMessage("welcome", context({ incentive }, "ja")).text).toContain(
      "クーポンコード「WELCOME-7Q2X」で10%OFF（2026年6月1日まで有効）",
    );
  });

  test("an amount coupon in the shop currency", () => {
    const incentive = { kind: "coupon", code: "C", amountOff: 500_000n, expiresAt } as const;
    expect(renderMessage("welcome", context({ incentive })).html).toContain("Use code C for ¥500 off");
  });

  test("bonus points", () => {
    expect(renderMessage("welcome", context({ incentive: { kind: "points", points: 1500 } })).text).toContain(
      "Earn 1,500 bonus points",
    );
    expect(renderMessage("welcome", context({ incentive: { kind: "points", points: 1500 } }, "ja")).text).toContain(
      "1,500ポイント",
    );
  });

  test("no incentive, no offer block", () => {
    expect(renderMessage("welcome", context()).html).not.toContain("#fef3c7");
  });
});

describe("sender identity and unsubscribe are required", () => {
  test.each([
    [{ name: "", postalAddress: "a", contact: "c" }, ["name"]],
    [{ name: "n", postalAddress: "  ", contact: "c" }, ["postalAddress"]],
    [{ name: "n", postalAddress: "a", contact: "" }, ["contact"]],
    [{ name: "", postalAddress: "", contact: "" }, ["name", "postalAddress", "contact"]],
  ])("sender %j is refused", (sender, missing) => {
    for (const scenario of TEMPLATE_SCENARIOS) {
      let thrown: unknown;
      try {
        renderMessage(scenario, context({ sender }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SenderIdentityMissingError);
      expect((thrown as SenderIdentityMissingError).missing).toEqual(missing);
    }
  });

  test("a missing unsubscribe URL is refused", () => {
    const ctx = context();
    expect(() => renderMessage("welcome", { ...ctx, links: { ...ctx.links, unsubscribeUrl: "" } })).toThrow(
      UnsubscribeLinkMissingError,
    );
  });
});

describe("greeting", () => {
  test("uses the first name, or a polite default", () => {
    expect(renderMessage("welcome", context({}, "ja")).text).toMatch(/^Hana様/);
    expect(renderMessage("welcome", context({ customer: { firstName: null } }, "ja")).text).toMatch(/^お客様/);
    expect(renderMessage("welcome", context({ customer: { firstName: null } })).text).toMatch(/^Hello,/);
    expect(renderMessage("cart_abandonment", context()).subject).toBe("Hana, you left something in your cart");
  });
});

describe("chooseLocale", () => {
  test.each([
    ["ja", "en", "ja"],
    ["ja-JP", "en", "ja"],
    ["JA", null, "ja"],
    ["en-US", "ja", "en"],
    ["fr", "ja", "en"],
    [null, "ja", "ja"],
    ["", "ja-JP", "ja"],
    [undefined, "en", "en"],
    [null, null, "en"],
  ])("customer %s, shop %s → %s", (customer, shop, expected) => {
    expect(chooseLocale(customer, shop)).toBe(expected);
  });
});
