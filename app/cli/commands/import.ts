import type { Command } from "./index";
import { getDb } from "~/db.server";
import { runHistoryImport } from "~/modules/import/run-history-import.server";
import { adminPortForShop } from "~/modules/shopify/admin-port-for-shop.server";
import { info, printJson, requireString } from "../output";

export const importCommand: Command = {
  usage: "import --shop <domain>",
  summary: "import the shop's history (products, customers, orders) with bulk operations; resumes an unfinished import",
  help: "Progress goes to stderr; the final counts are printed as JSON. A local shop imports from the in-process fake (nothing).",
  options: { shop: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const db = await getDb();
    const { admin, local, shopId } = await adminPortForShop(db, domain);
    if (local) info(`${domain} is a local shop: its Admin API is the in-process fake, which holds no history`);
    const result = await runHistoryImport({
      db,
      shopId,
      admin,
      onProgress: (p) => info(`  ${p.stage}: ${p.linesDone}${p.objectCount ? ` / ${p.objectCount}` : ""} lines`),
    });
    printJson({ shop: domain, local, ...result });
    return 0;
  },
};
