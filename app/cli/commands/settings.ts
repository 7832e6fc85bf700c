// `settings --shop <domain> [--set name=value ...]`: show or change a shop's settings. The work
// is in runSettings (takes the db, returns what to print) so tests call it directly; the
// command is a thin wrapper. Also the small helpers the scenario and outbox commands share.
import { getDb, type Db } from "~/db.server";
import {
  SHOP_SETTING_NAMES,
  senderIdentityProblems,
  type SettingError,
  type ShopSettings,
} from "~/modules/platform/settings/shop-settings";
import {
  assignShopSettings,
  findShopByDomain,
  getShopSettings,
} from "~/modules/platform/settings/shop-settings.server";
import { getAtPath } from "~/modules/platform/settings/assignments";
import { info, printJson, requireString } from "../output";
import type { Command } from "./index";

/** What a command prints (JSON on stdout, notes on stderr), or why it refused (stderr, exit code). */
export type CliResult<T> = { ok: true; output: T; notes: string[] } | { ok: false; exitCode: number; message: string };

export function refuse(message: string, exitCode = 2): { ok: false; exitCode: number; message: string } {
  return { ok: false, exitCode, message };
}

export function finish<T>(command: string, result: CliResult<T>): number {
  if (!result.ok) {
    info(`joren ${command}: ${result.message}`);
    return result.exitCode;
  }
  for (const note of result.notes) info(`note: ${note}`);
  printJson(result.output);
  return 0;
}

export function describeErrors(errors: readonly SettingError[]): string {
  return errors.map((e) => `  ${e.field}: ${e.message}`).join("\n");
}

/** The values of a repeatable string option (parseArgs `multiple: true`). */
export function stringList(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

export type ShopSettingName = keyof typeof SHOP_SETTING_NAMES;
export type ShopSettingsView = Record<ShopSettingName, string | number | null>;

/**
 * The settings under their CLI names, each value as `--set` takes it back: quiet hours as
 * "21-8" or "off", the timezone the rules use (the override, else the shop's).
 */
export function shopSettingsView(settings: ShopSettings, timezone: string): ShopSettingsView {
  const view: ShopSettingsView = {};
  for (const [name, setting] of Object.entries(SHOP_SETTING_NAMES)) {
    const value = getAtPath(settings, setting.path);
    view[name] = typeof value === "number" || typeof value === "string" ? value : null;
  }
  view.quietHours = settings.quietHours ? `${settings.quietHours.startHour}-${settings.quietHours.endHour}` : "off";
  view.timezone = timezone;
  view.firstPurchaseCodes = settings.guard.firstPurchaseCodes.join(",");
  return view;
}

export async function runSettings(
  db: Db,
  domain: string,
  assignments: readonly string[],
): Promise<CliResult<ShopSettingsView>> {
  const shop = await findShopByDomain(db, domain);
  const notes: string[] = [];
  if (shop.uninstalledAt) notes.push(`${domain} is uninstalled; its settings apply again if it reinstalls`);
  if (assignments.length > 0) {
    const saved = await assignShopSettings(db, shop.id, assignments);
    if (!saved.ok) {
      return refuse(
        `nothing saved:\n${describeErrors(saved.errors)}\nSee \`npm run joren -- settings --help\` for the names and values.`,
      );
    }
    notes.push(`saved ${assignments.length} setting${assignments.length === 1 ? "" : "s"} for ${domain}`);
  }
  const { settings, timezone } = await getShopSettings(db, shop.id);
  const problems = senderIdentityProblems(settings, "en");
  if (problems.length > 0)
    notes.push(`no marketing email goes out until the sender identity is complete:\n  ${problems.join("\n  ")}`);
  return { ok: true, output: shopSettingsView(settings, timezone), notes };
}

const NAMES_HELP = Object.entries(SHOP_SETTING_NAMES)
  .map(([name, setting]) => `  ${name.padEnd(24)} ${setting.hint}`)
  .join("\n");

export const settingsCommand: Command = {
  usage: "settings --shop <domain> [--set name=value ...]",
  summary: "show a shop's settings as JSON; --set (repeatable) changes them first",
  help: [
    "",
    "Names:",
    NAMES_HELP,
    "",
    "Examples: --set senderName='Joren Tea' --set quietHours=21-8 --set quietHours=off --set timezone=America/New_York",
    "All assignments are validated together: on any error nothing is saved and the exit code is 2.",
    "Blank text (--set senderContact=) clears a sender field. timezone=America/New_York also updates the shop's",
    "stored timezone; timezone=shop removes the override and keeps the stored timezone as it is.",
  ].join("\n"),
  options: { shop: { type: "string" }, set: { type: "string", multiple: true } },
  async run(values) {
    const domain = requireString(values, "shop", "the shop's myshopify.com domain");
    return finish("settings", await runSettings(await getDb(), domain, stringList(values, "set")));
  },
};
