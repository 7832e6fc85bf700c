// The hot path of a flash sale and of a history import: many orders seen for the first time, each
// with its customer. They are written set-based — a handful of multi-row statements per batch
// instead of ≈ 15 Prisma statements per order (docs/decisions/0022). Anything this path does not
// cover exactly like `recordOrder` is handed back ("fallback") for the row-by-row path.
import { isOlder } from "~/lib/newer-wins";
import { timeOrderedId } from "~/lib/time-ordered-id";
import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { log } from "~/lib/log.server";
import { executeStatement, insertRows, selectWhereIn, updateFromValues, type Column } from "~/lib/raw-sql.server";
import { personOfRecord, tombstonedRecords } from "~/modules/mirror/compliance/tombstones.server";
import {
  insertCustomerRows,
  updateCustomerConsents,
  updateCustomerProfiles,
  customerBatchState,
  readCustomersByGid,
  type CustomerBatchState,
} from "~/modules/mirror/customers/customer-rows.server";
import { recomputeCustomerRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import type { NormalizedConsent, NormalizedOrder } from "~/modules/mirror/types";
import { firstOrderEarn, grantFirstEarns, type FirstEarn } from "~/modules/mirror/points/points-ledger.server";
import { parseShopSettings } from "~/modules/platform/settings/shop-settings";
import { isCountedOrder, isPaidStatus } from "./order-counting";

export interface NewOrderInput {
  order: NormalizedOrder;
  /** the delivery's time (consent without its own date, rollups, points) */
  now: Date;
}

/** "applied": stored here; "fallback": to be applied by `recordOrder`, in its turn. */
export type NewOrderResult = "applied" | "fallback";

type CustomerState = CustomerBatchState;

const SAVEPOINT = "joren_new_orders";

/** who the order belongs to: its customer object, or (a bulk import's order) the customer's GID */
const personGid = (order: NormalizedOrder): string | null => order.customer?.gid ?? order.customerGid;

/**
 * Stores orders not yet in the mirror, in one savepoint: customers (upsert if newer, consent if
 * newer), orders, lines, completed checkouts, points earns and the order-paid triggers, and defers
 * the customers' rollups to the transaction's flush (`deferRollups`). An order is handed back
 * when it is already stored (or repeated in the batch), lists refunds, names no customer (a guest)
 * or only the GID of one not stored yet,
 * names a redacted person, meets a guest row to adopt, already has points entries, or would book
 * an earn and its reversal at once — and with it every other order of its customer, so each
 * customer's versions are still applied in the order received. A database error rolls the
 * savepoint back and hands every order back.
 */
export async function recordNewOrders(
  tx: Tx,
  shopId: string,
  inputs: readonly NewOrderInput[],
): Promise<NewOrderResult[]> {
  if (inputs.length === 0) return [];
  await executeStatement(tx, `SAVEPOINT ${SAVEPOINT}`);
  try {
    const results = await writeNewOrders(tx, shopId, inputs);
    await executeStatement(tx, `RELEASE SAVEPOINT ${SAVEPOINT}`);
    return results;
  } catch (error) {
    await executeStatement(tx, `ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await executeStatement(tx, `RELEASE SAVEPOINT ${SAVEPOINT}`);
    log("warn", "set-based order write failed; applying the batch's orders one by one", {
      orders: inputs.length,
      error: error instanceof Error ? error.message.slice(0, 300) : String(error),
    });
    return inputs.map(() => "fallback");
  }
}

function consentAfter(state: CustomerState, consent: NormalizedConsent, now: Date): void {
  // applyEmailConsent's rules, in the order received
  const at = consent.updatedAt ?? now;
  if (state.redacted) return;
  if (state.consentAt && state.consentAt.getTime() > at.getTime()) return;
  if (state.consent === consent.state && state.consentAt?.getTime() === at.getTime()) return;
  state.consent = consent.state;
  state.consentAt = at;
  state.consentWrite = { state: consent.state, at, optInLevel: consent.optInLevel };
}

async function writeNewOrders(tx: Tx, shopId: string, inputs: readonly NewOrderInput[]): Promise<NewOrderResult[]> {
  const fallback = new Set<number>();
  const seenGids = new Set<string>();
  inputs.forEach(({ order }, i) => {
    if (!personGid(order) || order.refunds.length > 0 || seenGids.has(order.gid)) fallback.add(i);
    seenGids.add(order.gid);
  });
  const live = () => inputs.map((input, i) => ({ ...input, i })).filter((x) => !fallback.has(x.i));

  // who the records are about, redacted? (the topic's own check, for all at once)
  const tombstoned = await tombstonedRecords(
    tx,
    shopId,
    inputs.map(({ order }) => personOfRecord(order)),
  );
  tombstoned.forEach((hit, i) => hit && fallback.add(i));

  const gids = live().map((x) => x.order.gid);
  const storedOrders = await selectWhereIn(tx, "Order", [col("gid")], { shopId }, "gid", gids, (chunk) =>
    tx.order.findMany({ where: { shopId, gid: { in: chunk } }, select: { gid: true } }),
  );
  const bookedPoints = await selectWhereIn(
    tx,
    "PointsEntry",
    [col("orderGid")],
    { shopId },
    "orderGid",
    gids,
    (chunk) => tx.pointsEntry.findMany({ where: { shopId, orderGid: { in: chunk } }, select: { orderGid: true } }),
  );
  const taken = new Set([...storedOrders.map((o) => o.gid), ...bookedPoints.map((e) => e.orderGid)]);
  for (const x of live()) if (taken.has(x.order.gid)) fallback.add(x.i);

  const customerGids = [...new Set(live().map((x) => personGid(x.order)!))];
  const storedCustomers = await readCustomersByGid(tx, shopId, customerGids);
  const byGid = new Map(storedCustomers.map((c) => [c.gid!, c]));
  // a new account whose email has a guest row: recordOrder adopts the guest, row by row
  const newEmails = [
    ...new Set(
      live()
        .flatMap((x) =>
          x.order.customer && !byGid.has(x.order.customer.gid) ? [normalizeEmail(x.order.customer.email)] : [],
        )
        .filter((e): e is string => e !== null),
    ),
  ];
  // by (shopId, emailNormalized) only: with "gid IS NULL" as well, SQLite walks every guest row
  const guests = new Set(
    (
      await selectWhereIn(
        tx,
        "Customer",
        [col("emailNormalized"), col("gid"), col("redactedAt", "timestamp")],
        { shopId },
        "emailNormalized",
        newEmails,
        (chunk) =>
          tx.customer.findMany({
            where: { shopId, emailNormalized: { in: chunk } },
            select: { emailNormalized: true, gid: true, redactedAt: true },
          }),
      )
    )
      .filter((c) => c.gid === null && c.redactedAt === null)
      .map((g) => g.emailNormalized),
  );
  for (const x of live()) {
    const gid = personGid(x.order)!;
    if (byGid.has(gid)) continue;
    // a customer known only by GID and not stored yet: ensureCustomerByGid creates it, row by row
    const email = x.order.customer ? normalizeEmail(x.order.customer.email) : null;
    if (!x.order.customer || (email && guests.has(email))) fallback.add(x.i);
  }

  // the points each order books (one settings read); an earn-and-reversal goes row by row
  const [shop] = await selectWhereIn(tx, "Shop", [col("settings")], {}, "id", [shopId], (chunk) =>
    tx.shop.findMany({ where: { id: { in: chunk } }, select: { settings: true } }),
  );
  if (!shop) throw new Error(`shop ${shopId} not found`);
  const settings = parseShopSettings(shop.settings).points;
  const paidAtOf = (order: NormalizedOrder) =>
    order.paidAt ?? (isPaidStatus(order.financialStatus) ? (order.updatedAt ?? order.createdAt) : null);
  const earns = new Map<number, FirstEarn>();
  for (const x of live()) {
    const earn = firstOrderEarn(
      settings,
      { ...x.order, customerId: "", paidAt: paidAtOf(x.order), shopifyCreatedAt: x.order.createdAt },
      x.now,
    );
    if (earn === null) fallback.add(x.i);
    else if (earn !== "none") earns.set(x.i, earn);
  }

  // a customer with any order handed back is handed back whole: its versions stay in order
  const handedBack = new Set(
    inputs.flatMap(({ order }, i) => {
      const gid = personGid(order);
      return fallback.has(i) && gid ? [gid] : [];
    }),
  );
  for (const x of live()) if (handedBack.has(personGid(x.order)!)) fallback.add(x.i);
  const orders = live();
  if (orders.length === 0) return inputs.map(() => "fallback");

  // customers: every version in the order received, as upsertCustomer would apply them
  const customers = new Map<string, CustomerState>();
  for (const { order, now } of orders) {
    const gid = personGid(order)!;
    let state = customers.get(gid);
    let created = false;
    if (!state) {
      const stored = byGid.get(gid);
      state = customerBatchState(stored);
      customers.set(gid, state);
      created = state.isNew;
    }
    // an order naming its customer by GID only links to the stored row and writes nothing to it
    const incoming = order.customer;
    if (!incoming) continue;
    if (created || (!state.redacted && !isOlder(incoming.updatedAt, state.updatedAt))) {
      state.profile = incoming;
      state.updatedAt = incoming.updatedAt;
      state.birthDate = incoming.birthDate ?? state.birthDate;
    }
    if (incoming.consent) consentAfter(state, incoming.consent, now);
  }
  const writeAt = new Date();
  await insertCustomers(tx, shopId, customers, writeAt);
  await updateCustomers(tx, customers, writeAt);

  // orders and their lines
  const orderRows = orders.map(({ order, i }) => {
    const customerId = customers.get(personGid(order)!)!.id;
    const paidAt = paidAtOf(order);
    return {
      i,
      order,
      id: timeOrderedId(),
      customerId,
      paidAt,
      counted: isCountedOrder({ ...order, totalRefunded: 0n }),
    };
  });
  await insertRows(
    tx,
    "Order",
    ORDER_COLUMNS,
    orderRows.map(({ order, id, customerId, paidAt, counted }) => [
      id,
      shopId,
      order.gid,
      order.name,
      customerId,
      order.customerGid,
      order.email,
      normalizeEmail(order.email),
      order.currency,
      order.totalPrice,
      order.subtotalPrice,
      order.totalDiscounts,
      order.financialStatus,
      order.fulfillmentStatus,
      order.cancelledAt,
      order.cancelReason,
      counted,
      paidAt,
      JSON.stringify(order.discountCodes),
      order.checkoutToken,
      order.cartToken,
      order.sourceName,
      order.customerLocale,
      order.test,
      order.createdAt,
      order.updatedAt,
      writeAt,
      writeAt,
    ]),
  );
  await insertRows(
    tx,
    "OrderLine",
    LINE_COLUMNS,
    orderRows.flatMap(({ order, id }) =>
      order.lines.map((line) => [
        timeOrderedId(),
        shopId,
        id,
        line.gid,
        line.productGid,
        line.variantGid,
        line.title,
        line.variantTitle,
        line.sku,
        line.quantity,
        line.price,
        line.totalDiscount,
      ]),
    ),
  );

  // the checkouts these orders complete (the first order of a token dates it, as row by row)
  const completions = new Map<string, Date>();
  for (const { order } of orderRows)
    if (order.checkoutToken && !completions.has(order.checkoutToken))
      completions.set(order.checkoutToken, order.createdAt);
  if (completions.size > 0) {
    await updateFromValues(
      tx,
      "Checkout",
      "token",
      [
        { name: "token", type: "text" },
        { name: "completedAt", type: "timestamp" },
        { name: "shopId", type: "text" },
        { name: "updatedAt", type: "timestamp" },
      ],
      [...completions].map(([token, at]) => [token, at, shopId, writeAt]),
      `"completedAt" = v."completedAt", "updatedAt" = v."updatedAt"`,
      `t."shopId" = v."shopId" AND t."completedAt" IS NULL`,
    );
  }

  // points, then the first payment of each counted paid order for the engine (exactly once)
  await grantFirstEarns(
    tx,
    shopId,
    orderRows.flatMap(({ i, customerId }) => {
      const earn = earns.get(i);
      return earn ? [{ ...earn, customerId }] : [];
    }),
    writeAt,
  );
  const paid = orderRows.filter((r) => r.paidAt && r.counted);
  if (paid.length > 0) {
    await insertRows(
      tx,
      "Trigger",
      [
        { name: "id", type: "text" },
        { name: "shopId", type: "text" },
        { name: "kind", type: "text" },
        { name: "subjectKey", type: "text" },
        { name: "customerId", type: "text" },
        { name: "data", type: "text" },
        { name: "occurredAt", type: "timestamp" },
      ],
      paid.map((r) => [
        timeOrderedId(),
        shopId,
        "order_paid",
        r.order.gid,
        r.customerId,
        JSON.stringify({ orderId: r.id }),
        r.paidAt,
      ]),
      `("shopId", "kind", "subjectKey") DO NOTHING`,
    );
  }

  // rollups once per customer, when the transaction flushes them
  for (const { i, customerId } of orderRows)
    await recomputeCustomerRollups(tx, { shopId, now: inputs[i]!.now }, customerId);
  return inputs.map((_, i) => (fallback.has(i) ? "fallback" : "applied"));
}

const col = (name: string, type: Column["type"] = "text"): Column => ({ name, type });

const ORDER_COLUMNS: Column[] = [
  col("id"),
  col("shopId"),
  col("gid"),
  col("name"),
  col("customerId"),
  col("customerGid"),
  col("email"),
  col("emailNormalized"),
  col("currency"),
  col("totalPrice", "bigint"),
  col("subtotalPrice", "bigint"),
  col("totalDiscounts", "bigint"),
  col("financialStatus"),
  col("fulfillmentStatus"),
  col("cancelledAt", "timestamp"),
  col("cancelReason"),
  col("counted", "boolean"),
  col("paidAt", "timestamp"),
  col("discountCodes"),
  col("checkoutToken"),
  col("cartToken"),
  col("sourceName"),
  col("customerLocale"),
  col("test", "boolean"),
  col("shopifyCreatedAt", "timestamp"),
  col("shopifyUpdatedAt", "timestamp"),
  col("createdAt", "timestamp"),
  col("updatedAt", "timestamp"),
];

const LINE_COLUMNS: Column[] = [
  col("id"),
  col("shopId"),
  col("orderId"),
  col("gid"),
  col("productGid"),
  col("variantGid"),
  col("title"),
  col("variantTitle"),
  col("sku"),
  col("quantity", "integer"),
  col("price", "bigint"),
  col("totalDiscount", "bigint"),
];

async function insertCustomers(
  tx: Tx,
  shopId: string,
  customers: Map<string, CustomerState>,
  writeAt: Date,
): Promise<void> {
  const fresh = [...customers].flatMap(([gid, s]) => (s.isNew && s.profile ? [{ ...s, gid, profile: s.profile }] : []));
  await insertCustomerRows(tx, shopId, fresh, "order", writeAt);
}

async function updateCustomers(tx: Tx, customers: Map<string, CustomerState>, writeAt: Date): Promise<void> {
  const stored = [...customers.values()].filter((s) => !s.isNew && !s.redacted);
  const profiles = stored.flatMap((s) => (s.profile ? [{ id: s.id, profile: s.profile, birthDate: s.birthDate }] : []));
  await updateCustomerProfiles(tx, profiles, writeAt, { setGid: false });
  const consents = stored.flatMap((s) => (s.consentWrite ? [{ id: s.id, write: s.consentWrite }] : []));
  await updateCustomerConsents(tx, consents, "order", writeAt);
}
