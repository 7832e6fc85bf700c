import {
  brandDraftSchema,
  contentDraftSchema,
  contentErrors,
} from "~/modules/delivery/mail/content/email-content-schema";
import {
  fillMergeFields,
  mergeFieldsFor,
  mergeProblems,
  mergeValues,
} from "~/modules/delivery/mail/content/merge-fields";
import { renderMessage } from "~/modules/engine/scenarios/render-message";
import { templateContext } from "../../helpers/template-context";

const context = templateContext;

const empty = { subject: "", preheader: "", heading: "", body: "", buttonLabel: "" };

describe("merge fields", () => {
  test("well-formed known fields pass; unknown and broken ones are named", () => {
    const allowed = mergeFieldsFor("welcome", true);
    expect(mergeProblems("Hi {{first_name}}, {{ shop_name }} {{coupon}} {{first_name|friend}}", allowed)).toEqual([]);
    expect(mergeProblems("Hi {{firstname}}", allowed)).toEqual([{ kind: "unknown", field: "firstname" }]);
    expect(mergeProblems("You have {{points}}", allowed)).toEqual([{ kind: "unknown", field: "points" }]);
    expect(mergeProblems("Hi {{first_name}", allowed)).toEqual([expect.objectContaining({ kind: "broken" })]);
    expect(mergeProblems("Hi {first_name}}", allowed)).toEqual([expect.objectContaining({ kind: "broken" })]);
  });

  test("points fields only in the points emails, the coupon only where there is an incentive", () => {
    expect(mergeFieldsFor("points_statement", false)).toEqual(
      expect.arrayContaining(["points", "expiry_date", "expiring_points"]),
    );
    expect(mergeFieldsFor("points_statement", false)).not.toContain("coupon");
    expect(mergeFieldsFor("welcome", true)).toContain("coupon");
    expect(mergeFieldsFor("welcome", true)).not.toContain("points");
  });

  test("values come from the recipient; an unknown name takes the fallback", () => {
    const ctx = context({
      incentive: { kind: "coupon", code: "JOREN-ABC", percentOff: 10, expiresAt: new Date("2027-01-01T00:00:00Z") },
      extra: { pointsBalance: 1250, expiringPoints: 300, expiringOn: "2027-03-01" },
    });
    const values = mergeValues(ctx);
    expect(values).toMatchObject({
      first_name: "Hana",
      shop_name: "Tea & Co",
      products: "Sencha, Matcha",
      coupon: "JOREN-ABC",
      points: "1,250",
      expiring_points: "300",
      expiry_date: "March 1, 2027",
    });
    expect(mergeValues(context({}, "ja")).products).toBe("Sencha、Matcha");
    const anonymous = mergeValues(context({ customer: { firstName: null } }, "ja"));
    expect(fillMergeFields("{{first_name}}、こんにちは", anonymous, "ja")).toBe("お客様、こんにちは");
    expect(
      fillMergeFields("Hi {{first_name|friend}}", mergeValues(context({ customer: { firstName: " " } })), "en"),
    ).toBe("Hi friend");
  });
});

describe("validation", () => {
  const schema = contentDraftSchema(mergeFieldsFor("cart_abandonment", true));

  test("a good draft passes and blank fields mean the default", () => {
    const result = schema.safeParse({ ja: { ...empty, subject: "{{first_name|お客}}様、お忘れ物です" }, en: empty });
    expect(result.success).toBe(true);
  });

  test("line breaks in a subject, unknown and broken merge fields are refused with codes", () => {
    const result = schema.safeParse({
      ja: { ...empty, subject: "件名\r\nBcc: victim@example.com" },
      en: { ...empty, body: "Hello {{name}}", heading: "Hi {{first_name" },
    });
    expect(result.success).toBe(false);
    const errors = contentErrors(result.success ? [] : result.error.issues);
    expect(errors).toEqual(
      expect.arrayContaining([
        { field: "ja.subject", code: "line_break", vars: {} },
        { field: "en.body", code: "merge_unknown", vars: expect.objectContaining({ field: "{{name}}" }) },
        {
          field: "en.heading",
          code: "merge_broken",
          vars: expect.objectContaining({ near: expect.stringContaining("{{first_name") }),
        },
      ]),
    );
  });

  test("brand: colours are #rrggbb, the logo an https URL", () => {
    const good = {
      shopName: "Tea & Co",
      logoUrl: "https://cdn.shopify.com/logo.png",
      headerColor: "#0f766e",
      buttonColor: "#FFAA00",
      footerJa: "{{shop_name}}より",
      footerEn: "",
    };
    expect(brandDraftSchema.safeParse(good).success).toBe(true);
    const bad = brandDraftSchema.safeParse({
      ...good,
      logoUrl: "http://cdn.example/logo.png",
      headerColor: "red",
      buttonColor: "#12345",
      footerEn: "{{first_name}}",
    });
    expect(bad.success).toBe(false);
    const codes = contentErrors(bad.success ? [] : bad.error.issues, "brand").map((e) => `${e.field}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "brand.logoUrl:logo_url",
        "brand.headerColor:colour",
        "brand.buttonColor:colour",
        "brand.footerEn:merge_unknown",
      ]),
    );
    expect(brandDraftSchema.safeParse({ ...good, logoUrl: "javascript:alert(1)" }).success).toBe(false);
  });
});

describe("rendering with the merchant's wording", () => {
  test("every field is replaced, merge fields filled, the rest keeps the default", () => {
    const rendered = renderMessage(
      "cart_abandonment",
      context({
        content: {
          subject: "{{first_name}}, your {{products}} wait",
          heading: "Hello from {{shop_name}}",
          body: "First paragraph.\n\nSecond\nline.",
          buttonLabel: "Go back",
          preheader: null,
        },
      }),
    );
    expect(rendered.subject).toBe("Hana, your Sencha, Matcha wait");
    expect(rendered.preheader).toBe("Your cart at Tea & Co is saved for you.");
    expect(rendered.html).toContain("Hello from Tea &amp; Co</h1>");
    expect(rendered.html).toContain(">First paragraph.</p>");
    expect(rendered.html).toContain(">Second<br>line.</p>");
    expect(rendered.html).not.toContain("We saved the items in your cart");
    expect(rendered.html).toMatch(/>Go back<\/a>/);
    expect(rendered.text).toMatch(/^Go back: https:\/\//m);
  });

  test("a merchant's <script> and a customer's name with HTML are escaped", () => {
    const rendered = renderMessage(
      "welcome",
      context({
        customer: { firstName: '<img src=x onerror="alert(1)">' },
        content: { heading: "<script>alert('x')</script> {{first_name}}", body: "<b>bold</b>" },
      }),
    );
    expect(rendered.html).not.toContain("<script>");
    expect(rendered.html).not.toContain("<img src=x");
    expect(rendered.html).not.toContain("<b>bold</b>");
    expect(rendered.html).toContain(
      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
    );
    expect(rendered.html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  });

  test("brand: logo, colours with readable text and the footer line", () => {
    const rendered = renderMessage(
      "welcome",
      context({
        brand: {
          logoUrl: "https://cdn.example/logo.png?a=1&b=2",
          headerColor: "#0f766e",
          buttonColor: "#fde047",
          footer: "Follow {{shop_name}} on Instagram",
        },
      }),
    );
    expect(rendered.html).toContain('<img src="https://cdn.example/logo.png?a=1&amp;b=2" alt="Tea &amp; Co"');
    expect(rendered.html).toContain('bgcolor="#0f766e"');
    expect(rendered.html).toMatch(/bgcolor="#fde047"[^>]*><a [^>]*color:#111827/);
    expect(rendered.html).toMatch(/bgcolor="#0f766e"[^>]*><a [^>]*color:#ffffff/);
    expect(rendered.html).toContain("Follow Tea &amp; Co on Instagram");
    expect(rendered.text).toContain("Follow Tea & Co on Instagram");
  });

  test("a brand colour that is not #rrggbb never reaches the HTML", () => {
    const rendered = renderMessage(
      "welcome",
      context({
        brand: {
          logoUrl: "http://insecure.example/logo.png",
          headerColor: 'red" onclick="x',
          buttonColor: null,
          footer: null,
        },
      }),
    );
    expect(rendered.html).not.toContain("onclick");
    expect(rendered.html).not.toContain("insecure.example");
  });
});
