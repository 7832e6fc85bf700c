import { getDb } from "~/db.server";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { getMirrorSummary } from "~/modules/admin/shops/mirror-summary.server";
import { info, printJson } from "../output";
import type { Command } from "./index";

export const shopAddCommand: Command = {
  usage: "shop:add <domain> [--currency JPY] [--timezone Asia/Tokyo] [--locale ja]",
  summary: "register a local shop (no real Shopify behind it) so its webhooks are accepted",
  help: "A local shop gets an offline session with a placeholder token; its Admin API is the in-process fake.",
  options: { currency: { type: "string" }, timezone: { type: "string" }, locale: { type: "string" } },
  async run(values, positionals) {
    const domain = positionals[0];
    if (!domain) throw new Error("give the shop domain, e.g. npm run joren -- shop:add demo-store.myshopify.com");
    const db = await getDb();
    const result = await registerLocalShop({
      db,
      domain,
      currency: values.currency as string | undefined,
      timezone: values.timezone as string | undefined,
      locale: values.locale as string | undefined,
    });
    info(result.created ? `registered local shop ${domain}` : `local shop ${domain} already registered`);
    printJson({ domain, shopId: result.shopId, local: true, created: result.created });
    return 0;
  },
};

export const shopsCommand: Command = {
  usage: "shops",
  summary: "list shops with what the mirror holds for each (JSON)",
  options: {},
  async run() {
    const db = await getDb();
    const shops = await db.shop.findMany({
      orderBy: { createdAt: "asc" },
      select: { domain: true, uninstalledAt: true },
    });
    const rows = [];
    for (const shop of shops)
      rows.push({ ...(await getMirrorSummary(db, shop.domain)), uninstalled: shop.uninstalledAt !== null });
    printJson(rows);
    return 0;
  },
};
