// The shop's settings: schema and defaults, reading and updating, the CLI-style setter and the
// sender-identity check, from one import.
export {
  DEFAULT_SHOP_SETTINGS,
  LOYALTY_VARIANTS,
  effectiveTimezone,
  parseShopSettings,
  serializeShopSettings,
  shopSettingsSchema,
  updateShopSettings,
  type LoyaltyVariant,
  type SettingsUpdate,
  type ShopSettings,
  type ShopSettingsPatch,
} from "./shop-settings-schema";
export { SHOP_SETTING_NAMES, applySettingAssignments } from "./shop-setting-assignments";
export { isSenderIdentityComplete, senderIdentityProblems, type SettingsLocale } from "./sender-identity";
export type { SettingError } from "./setting-errors";
