import type { Tx } from "~/db.server";

/** app/uninstalled: stop all work for the shop at once; its data waits for shop/redact (48 h later). */
export async function uninstallShop(tx: Tx, shopId: string, domain: string, at: Date): Promise<void> {
  await tx.shop.update({ where: { id: shopId }, data: { uninstalledAt: at } });
  await tx.session.deleteMany({ where: { shop: domain } });
}

/** shop/redact: delete everything of the shop (every table cascades from Shop). */
export async function redactShop(tx: Tx, shopId: string, domain: string): Promise<void> {
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.shop.delete({ where: { id: shopId } });
}
