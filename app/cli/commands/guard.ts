// `guard --shop <domain> --json [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: the discount guard's
// counters over shop-local days (the same range rules as the reports). runGuard takes the db so
// tests call it directly.
import { getDb, type Db } from "~/db.server";
import { guardCounters, type GuardCounters } from "~/modules/mirror/guard/guard-counters.server";
import { ReportRangeError, resolveReportRange } from "~/modules/reports/range.server";
import { findShopByDomain } from "~/modules/platform/settings/shop-settings.server";
import { requireString } from "../output";
import type { Command } from "./index";
import { finish, refuse, type CliResult } from "./settings";

export interface GuardReport extends GuardCounters {
  shop: string;
  fromDate: string;
  toDate: string;
  timezone: string;
}

export async function runGuard(
  db: Db,
  domain: string,
  options: { from?: string; to?: string; now?: Date } = {},
): Promise<CliResult<GuardReport>> {
  const shop = await findShopByDomain(db, domain);
  let range;
  try {
    range = await resolveReportRange(db, shop.id, {
      from: options.from ?? null,
      to: options.to ?? null,
      now: options.now,
    });
  } catch (error) {
    if (error instanceof ReportRangeError) return refuse(error.message);
    throw error;
  }
  const counters = await guardCounters(db, shop.id, { from: range.from, to: range.to });
  const notes =
    counters.firstPurchaseRedemptionsByRepeat > 0
      ? [
          "repeat customers redeemed first-purchase codes: check that those codes are Joren's (bound to one customer) or limited in Shopify to customers without orders",
        ]
      : [];
  return {
    ok: true,
    output: { shop: domain, fromDate: range.fromDate, toDate: range.toDate, timezone: range.timezone, ...counters },
    notes,
  };
}

export const guardCommand: Command = {
  usage: "guard --shop <domain> --json [--from YYYY-MM-DD] [--to YYYY-MM-DD]",
  summary:
    "the discount guard's counters: offers withheld, loyalty variants sent, first-purchase redemptions by repeat customers",
  help: [
    "",
    "--from, --to  shop-local days, both included (default: from the first order to today).",
    "--json        JSON is the only format.",
    "",
    "offersWithheld: emails sent with their first-purchase offer withheld (the customer had ordered before).",
    "loyaltyVariantsSent: of those, the ones that carried a loyalty coupon instead.",
    "firstPurchaseRedemptionsByRepeat: orders that used a first-purchase code (Joren's, or one listed in",
    "  the firstPurchaseCodes setting) by someone with an earlier counted order. It should be 0.",
  ].join("\n"),
  options: { shop: { type: "string" }, json: { type: "boolean" }, from: { type: "string" }, to: { type: "string" } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const from = typeof values.from === "string" ? values.from : undefined;
    const to = typeof values.to === "string" ? values.to : undefined;
    return finish("guard", await runGuard(await getDb(), domain, { from, to }));
  },
};
