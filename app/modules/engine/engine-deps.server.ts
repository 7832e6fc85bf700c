import type { Db } from "~/db.server";
import { mailTokenSecret } from "~/modules/delivery/mail/mail-secret.server";
import { createOutboxTransport } from "~/modules/delivery/mail/outbox-transport";
import { createPrismaOutboxStore } from "~/modules/delivery/mail/prisma-outbox-store.server";
import { createSendgridTransport } from "~/modules/delivery/mail/sendgrid-transport.server";
import { adminPortForShop } from "~/modules/platform/shopify/admin-port-for-shop.server";
import { loadSendgridKey } from "~/modules/platform/secrets/sendgrid-key.server";
import type { EngineDeps } from "./tick.server";

/**
 * What the engine talks to for one shop: SendGrid with the shop's own key when the merchant
 * saved one (a key that cannot be decrypted throws: never fall back to another account), else
 * with SENDGRID_API_KEY when set, otherwise the local outbox (development, the demo, tests);
 * the shop's Admin API port (the in-process fake for a local shop); links to this app's public URL.
 */
export async function engineDepsForShop(
  db: Db,
  domain: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EngineDeps & { shopId: string; transportName: string }> {
  const { admin, shopId } = await adminPortForShop(db, domain);
  const sendgridKey = (await loadSendgridKey(db, shopId, env)) ?? env.SENDGRID_API_KEY;
  const transport = sendgridKey
    ? createSendgridTransport({ apiKey: sendgridKey })
    : createOutboxTransport(createPrismaOutboxStore(db, shopId));
  return {
    shopId,
    admin,
    transport,
    transportName: sendgridKey ? "sendgrid" : "outbox",
    appUrl: env.SHOPIFY_APP_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`,
    mailSecret: mailTokenSecret(env),
  };
}
