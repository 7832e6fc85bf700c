// Liquid's `request` object has no query string: a block that reads one renders nothing on a real
// storefront (liquidjs would happily render it). Every `request.` property the theme blocks use
// must be one Shopify documents (shopify.dev/docs/api/liquid/objects/request).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const BLOCKS = path.resolve("extensions/joren-theme/blocks");
const DOCUMENTED = new Set(["design_mode", "host", "locale", "origin", "page_type", "path", "visual_preview_mode"]);

test.each(readdirSync(BLOCKS).filter((f) => f.endsWith(".liquid")))(
  "%s reads only documented request properties",
  (file) => {
    const source = readFileSync(path.join(BLOCKS, file), "utf8");
    const used = [...source.matchAll(/\brequest\.([a-z_]+)/g)].map((m) => m[1]);
    expect(used.filter((property) => !DOCUMENTED.has(property!))).toEqual([]);
  },
);
