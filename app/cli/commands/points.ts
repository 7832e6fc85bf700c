// `points --shop <d> [--customer <gid|email>] [--adjust <±n> --reason <text>] [--json]`: balances,
// one customer's history, or a manual adjustment. The work is in runPoints (takes the db, returns
// what to print) so tests call it directly.
import { getDb, type Db } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import {
  adjustPoints,
  findPointsCustomer,
  PointsError,
  pointsBalance,
  pointsHistory,
  type PointsHistoryEntry,
} from "~/modules/mirror/points/points-ledger.server";
import { findShopByDomain } from "~/modules/platform/settings/shop-settings.server";
import { requireString } from "../output";
import type { Command } from "./index";
import { finish, refuse, type CliResult } from "./settings";

export interface PointsInput {
  domain: string;
  customer?: string;
  adjust?: string;
  reason?: string;
  limit?: string;
  now?: Date;
}

interface BalanceRow {
  customerId: string | null;
  email: string | null;
  balance: number;
  nextExpiryPoints: number | null;
  nextExpiryAt: string | null;
}

type PointsOutput =
  | BalanceRow[]
  | (BalanceRow & { history: PointsHistoryEntry[] })
  | (BalanceRow & { adjusted: number; entryKey: string });

const DEFAULT_LIMIT = 1000;

export async function runPoints(db: Db, input: PointsInput): Promise<CliResult<PointsOutput>> {
  const shop = await findShopByDomain(db, input.domain);
  const now = input.now ?? new Date();
  if (input.adjust !== undefined && !input.customer) return refuse("--adjust needs --customer <gid or email>");

  if (!input.customer) {
    const limit = input.limit === undefined ? DEFAULT_LIMIT : Number(input.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
      return refuse("--limit must be a whole number from 1 to 100000");
    const holders = await db.pointsLot.groupBy({
      by: ["customerId"],
      where: { shopId: shop.id, remaining: { gt: 0 }, expiresAt: { gt: now } },
      _sum: { remaining: true },
      orderBy: { _sum: { remaining: "desc" } },
      take: limit,
    });
    const ids = holders.map((h) => h.customerId);
    const balances = await pointsBalance(db, shop.id, ids, now);
    const customers = new Map(
      (
        await queryInChunks(ids, (chunk) =>
          db.customer.findMany({
            where: { shopId: shop.id, id: { in: chunk } },
            select: { id: true, gid: true, email: true },
          }),
        )
      ).map((c) => [c.id, c]),
    );
    const rows = ids.map((id) => balanceRow(customers.get(id) ?? { gid: null, email: null }, balances.get(id)!));
    return {
      ok: true,
      output: rows,
      notes: [`${rows.length} customer${rows.length === 1 ? "" : "s"} with points in ${input.domain}`],
    };
  }

  const customer = await findPointsCustomer(db, shop.id, input.customer);
  if (!customer)
    return refuse(
      `no customer "${input.customer}" in ${input.domain}: give their GID (gid://shopify/Customer/…) or email address`,
      1,
    );

  if (input.adjust !== undefined) {
    const points = Number(input.adjust);
    if (!/^[+-]?\d+$/.test(input.adjust.trim()) || !Number.isSafeInteger(points) || points === 0) {
      return refuse("--adjust must be a whole number other than 0, e.g. --adjust 100 or --adjust=-50");
    }
    if (!input.reason?.trim())
      return refuse("--reason is required with --adjust (it is kept in the customer's points history)");
    try {
      const result = await adjustPoints(db, shop.id, customer.id, points, input.reason, { now });
      const balance = (await pointsBalance(db, shop.id, [customer.id], now)).get(customer.id)!;
      return {
        ok: true,
        output: { ...balanceRow(customer, balance), adjusted: result.points, entryKey: result.entryKey },
        notes: [`${points > 0 ? "added" : "took"} ${Math.abs(points)} points`],
      };
    } catch (error) {
      if (error instanceof PointsError) return refuse(`nothing changed: ${error.message}`);
      throw error;
    }
  }

  const balance = (await pointsBalance(db, shop.id, [customer.id], now)).get(customer.id)!;
  return {
    ok: true,
    output: { ...balanceRow(customer, balance), history: await pointsHistory(db, shop.id, customer.id) },
    notes: [],
  };
}

function balanceRow(
  customer: { gid: string | null; email: string | null },
  balance: { balance: number; nextExpiry: { points: number; at: Date } | null },
): BalanceRow {
  return {
    customerId: customer.gid,
    email: customer.email,
    balance: balance.balance,
    nextExpiryPoints: balance.nextExpiry?.points ?? null,
    nextExpiryAt: balance.nextExpiry?.at.toISOString() ?? null,
  };
}

export const pointsCommand: Command = {
  usage: "points --shop <domain> [--customer <gid|email>] [--adjust <±n> --reason <text>] [--json]",
  summary: "points balances (JSON), one customer's balance and history, or a manual adjustment",
  help: [
    "",
    "Without --customer: every customer with points, largest balance first (--limit n, default 1000):",
    "  customerId (GID), email, balance, nextExpiryPoints, nextExpiryAt.",
    "With --customer: that customer's balance, next expiry and history (newest first).",
    "--adjust adds (100) or takes (--adjust=-50; the = is needed for a negative number) points, with a --reason.",
    "  Taking more than the customer has is refused and changes nothing (exit code 2).",
    "--json  JSON is the only format: the result is printed with or without this flag.",
  ].join("\n"),
  options: {
    shop: { type: "string" },
    customer: { type: "string" },
    adjust: { type: "string" },
    reason: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
  },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
    return finish(
      "points",
      await runPoints(await getDb(), {
        domain,
        customer: str("customer"),
        adjust: str("adjust"),
        reason: str("reason"),
        limit: str("limit"),
      }),
    );
  },
};
