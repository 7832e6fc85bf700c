import type { Db } from "~/db.server";

/** What the mirror holds for a shop: the home page's tiles and the CLI's shop listing. */
export async function getMirrorSummary(db: Db, domain: string) {
  const shop = await db.shop.findUnique({ where: { domain } });
  if (!shop)
    throw new Error(`unknown shop ${domain}: install the app (or run \`npm run joren -- shop:add ${domain}\`)`);
  const where = { shopId: shop.id };
  const [customers, orders, products, behaviourEvents, pending, lastImport] = await Promise.all([
    db.customer.count({ where }),
    db.order.count({ where }),
    db.product.count({ where: { ...where, deletedAt: null } }),
    db.behaviourEvent.count({ where }),
    db.webhookReceipt.count({ where: { ...where, status: { in: ["pending", "processing"] } } }),
    db.importJob.findFirst({ where, orderBy: { startedAt: "desc" } }),
  ]);
  const importStatus = lastImport
    ? `${lastImport.status} (stage ${lastImport.stage}, ${lastImport.linesDone} lines of this stage applied)`
    : "not started";
  return {
    domain,
    isLocal: shop.isLocal,
    customers,
    orders,
    products,
    behaviourEvents,
    pendingWebhooks: pending,
    importStatus,
  };
}
