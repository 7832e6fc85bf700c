// A local shop in Tokyo that may send mail: the sender identity every send requires, plus the
// test's own settings (usually holdout and quiet hours off, so exactly the expected rows send).
import type { Db } from "~/db.server";
import { setScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import { assignShopSettings } from "~/modules/platform/settings/shop-settings.server";

export const SENDER_IDENTITY = [
  "senderName=Joren Tea",
  "senderEmail=shop@joren-tea.example",
  "senderAddress=1-2-3 Shibuya, Tokyo",
  "senderContact=support@joren-tea.example",
];

/** Registers the shop (JPY, Asia/Tokyo) with the sender identity and `settings`; returns its id. */
export async function registerSendingShop(db: Db, domain: string, settings: string[]): Promise<string> {
  const { shopId } = await registerLocalShop({ db, domain, currency: "JPY", timezone: "Asia/Tokyo" });
  const saved = await assignShopSettings(db, shopId, [...SENDER_IDENTITY, ...settings]);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return shopId;
}

export async function enableScenario(
  db: Db,
  shopId: string,
  key: ScenarioKey,
  assignments: string[] = [],
): Promise<void> {
  const result = await setScenarioConfig(db, shopId, key, { enabled: true, assignments });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
}
