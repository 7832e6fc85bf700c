// Reading and writing a shop's settings (Shop.settings, validated by
// app/modules/platform/settings/shop-settings.ts) and finding a shop by its domain for the CLI.
import type { Db, Tx } from "~/db.server";
import {
  applySettingAssignments,
  effectiveTimezone,
  parseShopSettings,
  serializeShopSettings,
  shopSettingsSchema,
  type SettingsUpdate,
  type ShopSettings,
} from "~/modules/platform/settings/shop-settings";
import { issuesToErrors } from "~/modules/platform/settings/setting-errors";

export interface ShopRef {
  id: string;
  domain: string;
  timezone: string;
  uninstalledAt: Date | null;
}

export class UnknownShopError extends Error {
  constructor(readonly domain: string) {
    super(
      `unknown shop "${domain}": install the app on it, or run \`npm run joren -- shop:add ${domain}\` for a local shop`,
    );
    this.name = "UnknownShopError";
  }
}

/** The shop with this myshopify.com domain; throws UnknownShopError naming the fix when there is none. */
export async function findShopByDomain(db: Tx, domain: string): Promise<ShopRef> {
  const shop = await db.shop.findUnique({
    where: { domain },
    select: { id: true, domain: true, timezone: true, uninstalledAt: true },
  });
  if (!shop) throw new UnknownShopError(domain);
  return shop;
}

/** The stored settings (invalid or unknown values replaced by their defaults) and the timezone the rules use. */
export async function getShopSettings(db: Tx, shopId: string): Promise<{ settings: ShopSettings; timezone: string }> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { settings: true, timezone: true } });
  if (!shop) throw new Error(`no shop with id ${shopId}`);
  const settings = parseShopSettings(shop.settings);
  return { settings, timezone: effectiveTimezone(settings, shop.timezone) };
}

/**
 * Validates and stores the whole settings object; nothing is written unless it is valid. A
 * timezone override is also written to Shop.timezone, so readers of that column agree.
 */
export async function saveShopSettings(
  db: Tx,
  shopId: string,
  settings: ShopSettings,
): Promise<SettingsUpdate<ShopSettings>> {
  const result = shopSettingsSchema.safeParse(settings);
  if (!result.success) return { ok: false, errors: issuesToErrors(result.error.issues) };
  const valid = result.data;
  const { count } = await db.shop.updateMany({
    where: { id: shopId },
    data: { settings: serializeShopSettings(valid), ...(valid.timezone ? { timezone: valid.timezone } : {}) },
  });
  if (count === 0) throw new Error(`no shop with id ${shopId}`);
  return { ok: true, settings: valid };
}

/**
 * Applies "name=value" assignments (SHOP_SETTING_NAMES) to the stored settings and saves the
 * result in one transaction; on any error nothing is saved and every problem is returned.
 */
export async function assignShopSettings(
  db: Db,
  shopId: string,
  assignments: readonly string[],
): Promise<SettingsUpdate<ShopSettings>> {
  return db.$transaction(async (tx) => {
    const { settings } = await getShopSettings(tx, shopId);
    const updated = applySettingAssignments(settings, assignments);
    if (!updated.ok) return updated;
    return saveShopSettings(tx, shopId, updated.settings);
  });
}
