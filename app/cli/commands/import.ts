import type { Command } from "./index";
import { getDb } from "~/db.server";
import { formatSecondsLeft } from "~/modules/ingest/import/import-eta";
import { runImportForShop } from "~/modules/ingest/import/run-import-for-shop.server";
import { DEFAULT_BATCH_SIZE } from "~/modules/ingest/import/run-history-import.server";
import { info, printJson, requireString } from "../output";

export const importCommand: Command = {
  usage: "import --shop <domain> [--batch-size N]",
  summary: "import the shop's history (products, customers, orders) with bulk operations; resumes an unfinished import",
  help:
    "Progress goes to stderr; the final counts are printed as JSON.\n" +
    `--batch-size N: lines written per transaction, and so between resume points (default ${DEFAULT_BATCH_SIZE}; smaller is slower).`,
  options: { shop: { type: "string" }, "batch-size": { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const batchText = values["batch-size"];
    const batchSize = typeof batchText === "string" ? Number(batchText) : undefined;
    if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))
      throw new Error(`--batch-size "${String(batchText)}" is not a whole number above 0, e.g. --batch-size 200`);
    const result = await runImportForShop({
      db: await getDb(),
      domain,
      batchSize,
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
