// Where birth dates come from on customers/create|update, and the templates of the points,
// birthday and win-back emails in both languages.
import { customerPayload } from "~/modules/ingest/normalize/customer";
import { renderMessage } from "~/modules/engine/scenarios/render-message";
import type { TemplateContext } from "~/modules/delivery/mail/templates/types";

const base = {
  id: 7_001,
  email: "a@example.jp",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-02T00:00:00Z",
};

describe("customer webhooks and facts.birth_date", () => {
  test("a payload carrying the facts namespace sets the birth date", () => {
    const parsed = customerPayload.parse({
      ...base,
      metafields: [
        { namespace: "facts", key: "birth_date", value: "1990-04-15" },
        { namespace: "custom", key: "x", value: 1 },
      ],
    });
    expect(parsed.birthDate).toBe("1990-04-15");
  });
  test("no metafields, an invalid date or a malformed list leave it unknown (never cleared)", () => {
    expect(customerPayload.parse(base).birthDate).toBeNull();
    expect(
      customerPayload.parse({ ...base, metafields: [{ namespace: "facts", key: "birth_date", value: "1990-02-30" }] })
        .birthDate,
    ).toBeNull();
    expect(customerPayload.parse({ ...base, metafields: "nope" }).birthDate).toBeNull();
  });
});

function context(locale: "ja" | "en", extra: TemplateContext["extra"]): TemplateContext {
  return {
    locale,
    shop: { name: "Joren Tea", currency: "JPY", url: "https://joren-tea.myshopify.com", timezone: "Asia/Tokyo" },
    customer: { firstName: "花子" },
    products: [
      {
        title: "煎茶 Sencha",
        imageUrl: null,
        price: 1_620_000n,
        url: "https://joren-tea.myshopify.com/products/sencha",
      },
    ],
    recoveryUrl: null,
    incentive: { kind: "coupon", code: "JOREN-ABC", percentOff: 10, expiresAt: new Date("2026-12-01T00:00:00Z") },
    extra,
    sender: { name: "Joren Tea", postalAddress: "1-2-3 Shibuya, Tokyo", contact: "support@joren-tea.example" },
    links: {
      unsubscribeUrl: "https://joren.test/u",
      clickUrl: (target) => `https://joren.test/c?u=${encodeURIComponent(target)}`,
      openPixelUrl: "https://joren.test/o",
    },
  };
}

describe("templates", () => {
  test("points statement: balance and next expiry, in Japanese and English", () => {
    const extra = { pointsBalance: 1200, expiringPoints: 300, expiringOn: "2027-03-01", month: "2026-11" };
    const ja = renderMessage("points_statement", context("ja", extra));
    expect(ja.subject).toContain("1,200ポイント");
    expect(ja.text).toContain("うち300ポイントの有効期限は2027年3月1日です。");
    const en = renderMessage("points_statement", context("en", extra));
    expect(en.subject).toBe("Your Joren Tea balance: 1,200 points");
    expect(en.text).toContain("300 of them expire on March 1, 2027.");
  });
  test("points expiry: amount, date and balance", () => {
    const extra = { pointsBalance: 500, expiringPoints: 120, expiringOn: "2026-12-12" };
    expect(renderMessage("points_expiry", context("ja", extra)).subject).toBe(
      "【Joren Tea】120ポイントが2026年12月12日に失効します",
    );
    const en = renderMessage("points_expiry", context("en", extra));
    expect(en.subject).toBe("120 points expire on December 12, 2026");
    expect(en.text).toContain("Your balance: 500 points.");
  });
  test("birthday and win-back show the coupon and the products", () => {
    for (const scenario of ["birthday", "winback"] as const) {
      for (const locale of ["ja", "en"] as const) {
        const message = renderMessage(scenario, context(locale, {}));
        expect(message.html).toContain("JOREN-ABC");
        expect(message.html).toContain("煎茶 Sencha");
        expect(message.text).toContain("1-2-3 Shibuya, Tokyo");
      }
    }
    expect(renderMessage("birthday", context("ja", {})).subject).toBe("お誕生日おめでとうございます｜Joren Tea");
    expect(renderMessage("winback", context("en", {})).subject).toBe("We miss you at Joren Tea");
  });
});
