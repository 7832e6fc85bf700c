import { getDb } from "~/db.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { runTick } from "~/modules/engine/tick.server";
import { info, nowOption, printJson, requireString } from "../output";
import type { Command } from "./index";

export const tickCommand: Command = {
  usage: "tick --shop <domain> [--now <ISO-8601>]",
  summary: "run the scenario engine once for a shop at that instant; prints counts by scenario and state (JSON)",
  help: "Mail goes to the local outbox unless SENDGRID_API_KEY is set. --now fast-forwards (or rewinds) the engine's clock.",
  options: { shop: { type: "string" }, now: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const now = nowOption(values);
    const db = await getDb();
    const deps = await engineDepsForShop(db, domain);
    info(`tick ${domain} at ${now.toISOString()} (mail: ${deps.transportName})`);
    printJson({ ...(await runTick(db, deps.shopId, now, deps)), transport: deps.transportName });
    return 0;
  },
};
