// The storefront side of the guard: the app embed's Liquid rendered with liquidjs for a guest, a
// logged-in new customer and a logged-in repeat customer. Shopify-only pieces are stood in for:
// the `t` filter reads the extension's own locale files, and the {% schema %} block (not output)
// is checked as JSON. (Tests live here, not in the extension: Shopify rejects extra folders there.)
import { readFileSync } from "node:fs";
import path from "node:path";
import { Liquid } from "liquidjs";

const ROOT = path.resolve("extensions/joren-theme");
const source = readFileSync(path.join(ROOT, "blocks/first-purchase-guard.liquid"), "utf8");
const SCHEMA_RE = /{%\s*schema\s*%}([\s\S]*?){%\s*endschema\s*%}/;
const schema = JSON.parse(SCHEMA_RE.exec(source)![1]!) as {
  name: string;
  target: string;
  settings: { id?: string; type: string; label?: string; info?: string; content?: string }[];
};
const template = source.replace(SCHEMA_RE, "");
const readJson = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, "locales", name), "utf8")) as Record<string, unknown>;
const storefront = { en: readJson("en.default.json"), ja: readJson("ja.json") };

function lookup(tree: Record<string, unknown>, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>(
      (node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined),
      tree,
    );
}

async function render(options: {
  customer: { orders_count: number } | null;
  locale?: "ja" | "en";
  settings?: Record<string, unknown>;
}): Promise<string> {
  const engine = new Liquid();
  const locale = options.locale ?? "ja";
  engine.registerFilter("t", (key: string) => {
    const text = lookup(storefront[locale], key);
    if (typeof text !== "string") throw new Error(`missing translation ${locale}:${key}`);
    return text;
  });
  return engine.parseAndRender(template, {
    customer: options.customer,
    block: { settings: { show_regulars_message: false, regulars_message: null, ...options.settings } },
  });
}

const HIDE_FIRST_PURCHASE =
  /\[data-joren-offer="first-purchase"\], \.joren-first-purchase-offer \{ display: none !important; \}/;
const HIDE_REGULARS = /\[data-joren-offer="regulars"\], \.joren-regulars-offer \{ display: none !important; \}/;
const messageOf = (html: string) => {
  const match = /body::before \{ content: ("(?:[^"\\]|\\.)*");/.exec(html);
  return match ? (JSON.parse(match[1]!) as string) : null;
};

describe("who sees first-purchase offers", () => {
  test("a logged-in repeat customer: first-purchase offers are hidden before the page paints, regulars' offers are not", async () => {
    const html = await render({ customer: { orders_count: 3 } });
    expect(html).toMatch(/^\s*<style data-joren="first-purchase-guard">/);
    expect(html).toMatch(HIDE_FIRST_PURCHASE);
    expect(html).not.toMatch(HIDE_REGULARS);
    expect(messageOf(html)).toBeNull();
  });

  test("a logged-in customer with no orders keeps the first-purchase offers", async () => {
    const html = await render({ customer: { orders_count: 0 }, settings: { show_regulars_message: true } });
    expect(html).not.toMatch(HIDE_FIRST_PURCHASE);
    expect(html).toMatch(HIDE_REGULARS);
    expect(messageOf(html)).toBeNull();
  });

  test("a guest keeps the first-purchase offers (Liquid cannot know a guest)", async () => {
    const html = await render({ customer: null, settings: { show_regulars_message: true } });
    expect(html).not.toMatch(HIDE_FIRST_PURCHASE);
    expect(html).toMatch(HIDE_REGULARS);
    expect(messageOf(html)).toBeNull();
  });
});

describe("the regulars' message", () => {
  test("is shown to a repeat customer only when the merchant turned it on, in the storefront's language", async () => {
    expect(messageOf(await render({ customer: { orders_count: 1 }, settings: { show_regulars_message: true } }))).toBe(
      lookup(storefront.ja, "first_purchase_guard.regulars_message"),
    );
    expect(
      messageOf(
        await render({ customer: { orders_count: 1 }, locale: "en", settings: { show_regulars_message: true } }),
      ),
    ).toBe("Thank you for shopping with us again. Enjoy our offers for regular customers.");
  });

  test("the merchant's own text is used, and cannot break out of the style sheet", async () => {
    const html = await render({
      customer: { orders_count: 5 },
      settings: {
        show_regulars_message: true,
        regulars_message: '  Welcome back, "friend" \\ </style><script>alert(1)</script>\n10% off  ',
      },
    });
    expect(messageOf(html)).toBe('Welcome back, "friend" \\ /style>script>alert(1)/script>10% off');
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).not.toContain("<script>");
  });

  test("an empty custom text falls back to the default", async () => {
    const html = await render({
      customer: { orders_count: 2 },
      locale: "en",
      settings: { show_regulars_message: true, regulars_message: "   " },
    });
    expect(messageOf(html)).toMatch(/^Thank you for shopping with us again/);
  });
});

describe("the app embed's schema", () => {
  test("is an embed in <head>, and every setting the template reads exists", () => {
    expect(schema.target).toBe("head");
    const ids = schema.settings.flatMap((s) => (s.id ? [s.id] : []));
    for (const used of template.matchAll(/block\.settings\.(\w+)/g)) expect(ids).toContain(used[1]);
  });

  test("every translated label exists in English and Japanese", () => {
    const keys = [schema.name, ...schema.settings.flatMap((s) => [s.label, s.info, s.content])].filter(
      (v): v is string => typeof v === "string" && v.startsWith("t:"),
    );
    expect(keys.length).toBeGreaterThan(3);
    for (const file of ["en.default.schema.json", "ja.schema.json"]) {
      const tree = readJson(file);
      for (const key of keys) expect(typeof lookup(tree, key.slice(2)), `${file}: ${key}`).toBe("string");
    }
    expect(lookup(storefront.en, "first_purchase_guard.regulars_message")).toBeTypeOf("string");
    expect(lookup(storefront.ja, "first_purchase_guard.regulars_message")).toBeTypeOf("string");
  });
});
