import { createDb, getDb } from "~/db.server";
import { evaluateRecommendations, insertSyntheticStore } from "~/modules/engine/recommendations/evaluate.server";
import { recomputeRecommendationModel } from "~/modules/engine/recommendations/recompute-model.server";
import { findShopByDomain } from "~/modules/platform/settings/shop-settings.server";
import { syntheticStore } from "~/modules/engine/recommendations/synthetic-purchases";
import { migratedSqliteFile } from "../bench-db";
import { info, nowOption, printJson, requireString } from "../output";
import type { Command } from "./index";

const DAY = 86_400_000;

function parseWhole(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export const recsComputeCommand: Command = {
  usage: "recs:compute --shop <domain> [--now <ISO-8601>]",
  summary:
    "recompute a shop's recommendation data now (neighbours, reorder intervals, 1st→2nd order gap); prints a JSON summary",
  help: "The scheduler does this once a day per shop; run it after an import to have recommendations at once.",
  options: { shop: { type: "string" }, now: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const now = nowOption(values);
    const db = await getDb();
    const shop = await findShopByDomain(db, domain);
    info(`recomputing recommendations for ${domain} at ${now.toISOString()}`);
    printJson(await recomputeRecommendationModel(db, shop.id, now));
    return 0;
  },
};

export const recsEvalCommand: Command = {
  usage: "recs:eval [--json] [--seed N] [--customers N]",
  summary:
    "offline evaluation: hit-rate@10 of the recommendations vs the bestseller baseline on a synthetic store (time split)",
  help:
    "Builds a seeded synthetic store in a scratch SQLite file (.tmp/bench), learns from the orders and views before the split (60 days before the end) " +
    "and checks each list against what the customer bought after it. Exits 1 when the recommendations do not beat the baseline.",
  options: { json: { type: "boolean" }, seed: { type: "string" }, customers: { type: "string" } },
  async run(values) {
    const seed = parseWhole(values.seed, "seed", 42, 0, 2 ** 31);
    const customers = parseWhole(values.customers, "customers", 3000, 100, 100_000);
    const store = syntheticStore({ seed, customers });
    const split = new Date(store.end.getTime() - 60 * DAY);
    info(
      `recs:eval: synthetic store seed ${seed}, ${customers} customers, ${store.products.length} products, ${store.orders.length} orders`,
    );
    const db = await createDb(`file:${migratedSqliteFile("recs-eval")}`);
    try {
      const shop = await db.shop.create({ data: { domain: "joren-recs-eval.myshopify.com", isLocal: true } });
      const ids = await insertSyntheticStore(db, shop.id, store);
      const result = {
        seed,
        customers,
        products: store.products.length,
        ...(await evaluateRecommendations(db, shop.id, store, ids, split)),
      };
      if (values.json) printJson(result);
      else {
        process.stdout.write(
          `hit-rate@${result.k} on ${result.evaluatedCustomers} customers (split ${result.split.slice(0, 10)}):\n` +
            `  recommendations ${(result.hitRate.recommendations * 100).toFixed(1)}%\n` +
            `  bestsellers     ${(result.hitRate.bestsellers * 100).toFixed(1)}%\n` +
            `  lift ×${result.lift} — ${result.beatsBaseline ? "beats" : "does NOT beat"} the baseline\n`,
        );
      }
      return result.beatsBaseline ? 0 : 1;
    } finally {
      await db.$disconnect();
    }
  },
};
