import type { Command } from "./index";
import { getDb } from "~/db.server";
import { formatSecondsLeft } from "~/modules/ingest/import/import-eta";
import { runImportForShop } from "~/modules/ingest/import/run-import-for-shop.server";
import { info, printJson, requireString } from "../output";

export const importCommand: Command = {
  usage: "import --shop <domain>",
  summary: "import the shop's history (products, customers, orders) with bulk operations; resumes an unfinished import",
  help: "Progress goes to stderr; the final counts are printed as JSON.",
  options: { shop: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const result = await runImportForShop({
      db: await getDb(),
      domain,
      onProgress: (p) =>
        info(
          `  ${p.stage}: ${p.linesDone}${p.objectCount ? ` / ${p.objectCount}` : ""} lines` +
            (p.linesPerSecond > 0 ? `, ${Math.round(p.linesPerSecond)}/s` : "") +
            (p.secondsLeft !== null ? `, about ${formatSecondsLeft(p.secondsLeft)} left` : ""),
        ),
    });
    for (const warning of result.warnings) info(`note: ${warning}`);
    printJson(result);
    return 0;
  },
};
