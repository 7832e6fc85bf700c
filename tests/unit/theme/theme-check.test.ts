// Shopify's theme-check over every theme app extension under extensions/, with its recommended
// configuration for app extensions (theme-check:theme-app-extension): zero offences. Offline:
// theme-check fetches Shopify's newest Liquid docs unless SHOPIFY_TLD_ROOT names a local folder;
// an empty one makes it use the docs bundled with the pinned package, the same on every machine.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { themeCheckRun } from "@shopify/theme-check-node";

const EXTENSIONS = path.resolve("extensions");
const CONFIG = path.resolve("tests/unit/theme/theme-app-extension.theme-check.yml");

const themeExtensions = readdirSync(EXTENSIONS).filter((name) => {
  try {
    return /^type\s*=\s*"theme"\s*$/m.test(readFileSync(path.join(EXTENSIONS, name, "shopify.extension.toml"), "utf8"));
  } catch {
    return false;
  }
});

let docsRoot: string;
const previous = process.env.SHOPIFY_TLD_ROOT;
beforeAll(() => {
  docsRoot = mkdtempSync(path.join(tmpdir(), "joren-theme-check-docs-"));
  process.env.SHOPIFY_TLD_ROOT = docsRoot;
});
afterAll(() => {
  if (previous === undefined) delete process.env.SHOPIFY_TLD_ROOT;
  else process.env.SHOPIFY_TLD_ROOT = previous;
  rmSync(docsRoot, { recursive: true, force: true });
});

async function check(root: string) {
  const run = await themeCheckRun(root, CONFIG, () => {});
  return {
    context: run.config.context,
    files: run.theme.map((file) => path.relative(root, new URL(file.uri).pathname)).sort(),
    offences: run.offenses.map(
      (o) => `${path.relative(root, new URL(o.uri).pathname)}:${o.start.line + 1} ${o.check}: ${o.message}`,
    ),
  };
}

test("extensions/ has the theme app extension", () => {
  expect(themeExtensions).toContain("joren-theme");
});

test.each(themeExtensions)(
  "theme-check finds no offence in extensions/%s",
  async (name) => {
    const root = path.join(EXTENSIONS, name);
    const result = await check(root);
    expect(result.context).toBe("app");
    // every block and locale file was looked at (a wrong root checks nothing and passes)
    const blocks = readdirSync(path.join(root, "blocks")).map((f) => `blocks/${f}`);
    expect(result.files).toEqual(expect.arrayContaining(blocks));
    expect(result.files.some((f) => f.startsWith("locales/"))).toBe(true);
    expect(result.offences).toEqual([]);
  },
  60_000,
);

test("the same run reports an offending block (the check is live)", async () => {
  const copy = mkdtempSync(path.join(tmpdir(), "joren-theme-check-copy-"));
  try {
    cpSync(path.join(EXTENSIONS, "joren-theme"), copy, { recursive: true });
    writeFileSync(
      path.join(copy, "blocks", "offending.liquid"),
      '<img src="{{ product.featured_image | no_such_filter }}">\n{% schema %}{"name": "x", "target": "section", "settings": []}{% endschema %}\n',
    );
    const result = await check(copy);
    expect(result.offences.map((o) => o.replace(/:.*? (\w+):.*/, " $1"))).toEqual(
      expect.arrayContaining(["blocks/offending.liquid UnknownFilter", "blocks/offending.liquid ImgWidthAndHeight"]),
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 60_000);
