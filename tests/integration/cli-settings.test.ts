// Shop settings and scenario configs from the CLI: the domain functions and the commands' work
// (runSettings, runScenario) against a real migrated database, and the wrapper end to end once.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runScenario } from "~/cli/commands/scenario";
import { runSettings } from "~/cli/commands/settings";
import {
  getScenarioConfig,
  getScenarioConfigs,
  setScenarioConfig,
} from "~/modules/engine/scenarios/scenario-config.server";
import { DEFAULT_SCENARIO_SETTINGS, SCENARIO_KEYS } from "~/modules/engine/scenarios/scenario-settings";
import { DEFAULT_SHOP_SETTINGS } from "~/modules/platform/settings/shop-settings";
import { registerLocalShop } from "~/modules/admin/shops/install-shop.server";
import {
  UnknownShopError,
  findShopByDomain,
  getShopSettings,
  saveShopSettings,
} from "~/modules/platform/settings/shop-settings.server";
import { createTestDb, type TestDb } from "../helpers/db";
import { captureCli } from "../helpers/cli-capture";

const DOMAIN = "cli-settings.myshopify.com";

let t: TestDb;
let shopId: string;

beforeEach(async () => {
  t = await createTestDb();
  shopId = (await registerLocalShop({ db: t.db, domain: DOMAIN, timezone: "Asia/Tokyo" })).shopId;
});

afterEach(async () => {
  await t.close();
});

async function storedShop() {
  return t.db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true, timezone: true } });
}

describe("shop settings (domain functions)", () => {
  test("a new shop has the defaults and its own timezone", async () => {
    expect(await getShopSettings(t.db, shopId)).toEqual({ settings: DEFAULT_SHOP_SETTINGS, timezone: "Asia/Tokyo" });
  });

  test("saveShopSettings validates, stores, and writes a timezone override to Shop.timezone", async () => {
    const saved = await saveShopSettings(t.db, shopId, {
      ...DEFAULT_SHOP_SETTINGS,
      holdoutPercent: 20,
      timezone: "America/New_York",
    });
    expect(saved.ok).toBe(true);
    expect(await storedShop()).toMatchObject({ timezone: "America/New_York" });
    expect(await getShopSettings(t.db, shopId)).toMatchObject({
      settings: { holdoutPercent: 20 },
      timezone: "America/New_York",
    });

    const rejected = await saveShopSettings(t.db, shopId, { ...DEFAULT_SHOP_SETTINGS, holdoutPercent: 90 });
    expect(rejected).toEqual({
      ok: false,
      errors: [{ field: "holdoutPercent", message: "must be a whole number from 0 to 50 percent" }],
    });
    expect((await getShopSettings(t.db, shopId)).settings.holdoutPercent).toBe(20);
  });

  test("without an override the shop's timezone column is left alone", async () => {
    await saveShopSettings(t.db, shopId, { ...DEFAULT_SHOP_SETTINGS, attributionDays: 7 });
    expect(await storedShop()).toMatchObject({ timezone: "Asia/Tokyo" });
  });

  test("findShopByDomain names the fix for an unknown shop", async () => {
    expect((await findShopByDomain(t.db, DOMAIN)).id).toBe(shopId);
    await expect(findShopByDomain(t.db, "nobody.myshopify.com")).rejects.toThrow(UnknownShopError);
    await expect(findShopByDomain(t.db, "nobody.myshopify.com")).rejects.toThrow(
      "npm run joren -- shop:add nobody.myshopify.com",
    );
  });
});

describe("settings command", () => {
  test("shows every setting under its CLI name", async () => {
    const result = await runSettings(t.db, DOMAIN, []);
    expect(result).toMatchObject({
      ok: true,
      output: {
        senderName: null,
        senderEmail: null,
        senderAddress: null,
        senderContact: null,
        holdoutPercent: 10,
        frequencyCapHours: 16,
        quietHours: "21-8",
        timezone: "Asia/Tokyo",
        attributionDays: 5,
      },
    });
    expect(result.ok && result.notes.join("\n")).toContain("sender identity is complete");
  });

  test("sets the sender identity and numbers", async () => {
    const result = await runSettings(t.db, DOMAIN, [
      "senderName=Joren Tea",
      "senderEmail=shop@joren.test",
      "senderAddress=1-2-3 Shibuya, Tokyo",
      "senderContact=https://joren.test/contact",
      "holdoutPercent=0",
      "frequencyCapHours=24",
      "attributionDays=7",
    ]);
    expect(result).toMatchObject({
      ok: true,
      output: {
        senderName: "Joren Tea",
        senderEmail: "shop@joren.test",
        holdoutPercent: 0,
        frequencyCapHours: 24,
        attributionDays: 7,
      },
    });
    expect(result.ok && result.notes.join("\n")).not.toContain("sender identity");
    expect((await getShopSettings(t.db, shopId)).settings.sender).toEqual({
      name: "Joren Tea",
      email: "shop@joren.test",
      postalAddress: "1-2-3 Shibuya, Tokyo",
      contact: "https://joren.test/contact",
    });
  });

  test("quietHours off and 21-8", async () => {
    expect(await runSettings(t.db, DOMAIN, ["quietHours=off"])).toMatchObject({
      ok: true,
      output: { quietHours: "off" },
    });
    expect(JSON.parse((await storedShop()).settings).quietHours).toBeNull();
    expect(await runSettings(t.db, DOMAIN, ["quietHours=22-7"])).toMatchObject({
      ok: true,
      output: { quietHours: "22-7" },
    });
    expect(await runSettings(t.db, DOMAIN, ["quietHours=21-8"])).toMatchObject({
      ok: true,
      output: { quietHours: "21-8" },
    });
    expect((await getShopSettings(t.db, shopId)).settings.quietHours).toEqual({ startHour: 21, endHour: 8 });
  });

  test("timezone: an IANA name is stored canonically and becomes the shop's; a bad one is refused", async () => {
    expect(await runSettings(t.db, DOMAIN, ["timezone=america/new_york"])).toMatchObject({
      ok: true,
      output: { timezone: "America/New_York" },
    });
    expect(await storedShop()).toMatchObject({ timezone: "America/New_York" });

    const bad = await runSettings(t.db, DOMAIN, ["timezone=Mars/Olympus_Mons"]);
    expect(bad).toMatchObject({ ok: false, exitCode: 2 });
    expect(!bad.ok && bad.message).toContain("timezone: must be a timezone name");
    expect((await getShopSettings(t.db, shopId)).timezone).toBe("America/New_York");
  });

  test("bad values: exit code 2, every problem named, nothing saved", async () => {
    const before = await storedShop();
    const result = await runSettings(t.db, DOMAIN, [
      "senderName=Kept Out",
      "holdoutPercent=80",
      "quietHours=late",
      "colour=red",
      "frequencyCapHours",
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.exitCode).toBe(2);
    expect(result.message).toContain("nothing saved");
    expect(result.message).toContain('quietHours: "late" is not a window like 21-8, or off');
    expect(result.message).toContain("colour: unknown setting");
    expect(result.message).toContain('frequencyCapHours: expected name=value, got "frequencyCapHours"');
    expect(await storedShop()).toEqual(before);

    const range = await runSettings(t.db, DOMAIN, ["senderName=Kept Out", "holdoutPercent=80"]);
    expect(!range.ok && range.message).toContain("holdoutPercent: must be a whole number from 0 to 50 percent");
    expect(await storedShop()).toEqual(before);
  });

  test("an unknown shop is an error naming the fix", async () => {
    await expect(runSettings(t.db, "nobody.myshopify.com", [])).rejects.toThrow(
      "npm run joren -- shop:add nobody.myshopify.com",
    );
  });
});

describe("scenario configs (domain functions)", () => {
  test("every scenario is present, off with its defaults, until configured", async () => {
    const configs = await getScenarioConfigs(t.db, shopId);
    expect(Object.keys(configs)).toEqual([...SCENARIO_KEYS]);
    for (const key of SCENARIO_KEYS)
      expect(configs[key]).toEqual({ enabled: false, settings: DEFAULT_SCENARIO_SETTINGS[key] });
  });

  test("stored settings go through the schema: invalid values fall back to their defaults", async () => {
    await t.db.scenarioConfig.create({
      data: {
        shopId,
        key: "browse_abandonment",
        enabled: true,
        settings: JSON.stringify({ delayMinutes: 5, maxProducts: 4, colour: "red" }),
      },
    });
    await t.db.scenarioConfig.create({ data: { shopId, key: "retired_scenario", enabled: true, settings: "{}" } });
    const configs = await getScenarioConfigs(t.db, shopId);
    expect(configs.browse_abandonment).toEqual({
      enabled: true,
      settings: { ...DEFAULT_SCENARIO_SETTINGS.browse_abandonment, enabled: true, maxProducts: 4 },
    });
    expect(Object.keys(configs)).not.toContain("retired_scenario");
  });

  test("setScenarioConfig upserts one row per (shop, key) and keeps the switch when only settings change", async () => {
    const on = await setScenarioConfig(t.db, shopId, "welcome", { enabled: true });
    expect(on).toMatchObject({ ok: true, config: { enabled: true, settings: { enabled: true } } });
    const tuned = await setScenarioConfig(t.db, shopId, "welcome", {
      assignments: ["reminder.enabled=true", "reminder.delayDays=5"],
    });
    expect(tuned).toMatchObject({
      ok: true,
      config: { enabled: true, settings: { reminder: { enabled: true, delayDays: 5 } } },
    });
    expect(await t.db.scenarioConfig.count({ where: { shopId, key: "welcome" } })).toBe(1);
    expect(await getScenarioConfig(t.db, shopId, "welcome")).toEqual(tuned.ok && tuned.config);
  });

  test("invalid assignments return the errors and write nothing", async () => {
    const result = await setScenarioConfig(t.db, shopId, "cart_abandonment", {
      enabled: true,
      assignments: ["delayMinutes=5"],
    });
    expect(result).toEqual({
      ok: false,
      errors: [{ field: "delayMinutes", message: "must be a whole number from 10 to 1440 minutes" }],
    });
    expect(await t.db.scenarioConfig.count({ where: { shopId } })).toBe(0);
  });
});

describe("scenario command", () => {
  test("on, then off", async () => {
    expect(await runScenario(t.db, DOMAIN, ["cart_abandonment", "on"], [])).toMatchObject({
      ok: true,
      output: {
        key: "cart_abandonment",
        enabled: true,
        settings: { ...DEFAULT_SCENARIO_SETTINGS.cart_abandonment, enabled: true },
      },
    });
    expect((await getScenarioConfig(t.db, shopId, "cart_abandonment")).enabled).toBe(true);
    expect(await runScenario(t.db, DOMAIN, ["cart_abandonment", "off"], [])).toMatchObject({
      ok: true,
      output: { enabled: false },
    });
    const row = await t.db.scenarioConfig.findUniqueOrThrow({
      where: { shopId_key: { shopId, key: "cart_abandonment" } },
    });
    expect(row.enabled).toBe(false);
    expect(JSON.parse(row.settings).enabled).toBe(false);
  });

  test("--set delayMinutes=30 is saved, and showing it writes nothing", async () => {
    const result = await runScenario(
      t.db,
      DOMAIN,
      ["cart_abandonment", "on"],
      ["delayMinutes=30", "secondReminder.enabled=true"],
    );
    expect(result).toMatchObject({
      ok: true,
      output: { enabled: true, settings: { delayMinutes: 30, secondReminder: { enabled: true, delayHours: 24 } } },
    });
    const shown = await runScenario(t.db, DOMAIN, ["cart_abandonment"], []);
    expect(shown.ok && shown.output).toEqual(result.ok && result.output);
    expect(await runScenario(t.db, DOMAIN, ["browse_abandonment"], [])).toMatchObject({
      ok: true,
      output: { enabled: false },
    });
    expect(await t.db.scenarioConfig.count({ where: { shopId } })).toBe(1);
  });

  test("bad values: exit code 2, the problem and the valid names, nothing saved", async () => {
    await runScenario(t.db, DOMAIN, ["cart_abandonment", "on"], ["delayMinutes=30"]);
    const before = await t.db.scenarioConfig.findMany({ where: { shopId } });
    for (const assignments of [
      ["delayMinutes=5"],
      ["delayMinutes=soon"],
      ["speed=fast"],
      ["secondReminder.delayHours=0"],
    ]) {
      const result = await runScenario(t.db, DOMAIN, ["cart_abandonment", "off"], assignments);
      expect(result).toMatchObject({ ok: false, exitCode: 2 });
      expect(!result.ok && result.message).toContain("nothing saved");
      expect(!result.ok && result.message).toContain("cart_abandonment settings: enabled, delayMinutes");
    }
    const five = await runScenario(t.db, DOMAIN, ["cart_abandonment"], ["delayMinutes=5"]);
    expect(!five.ok && five.message).toContain("delayMinutes: must be a whole number from 10 to 1440 minutes");
    expect(await t.db.scenarioConfig.findMany({ where: { shopId } })).toEqual(before);
  });

  test("an unknown key lists the valid keys; a bad switch word is refused", async () => {
    const unknown = await runScenario(t.db, DOMAIN, ["cart", "on"], []);
    expect(unknown).toMatchObject({ ok: false, exitCode: 2 });
    expect(!unknown.ok && unknown.message).toBe(`unknown scenario "cart"; valid keys: ${SCENARIO_KEYS.join(", ")}`);
    expect(await runScenario(t.db, DOMAIN, [], [])).toMatchObject({ ok: false, exitCode: 2 });
    const word = await runScenario(t.db, DOMAIN, ["welcome", "maybe"], []);
    expect(!word.ok && word.message).toBe('expected on or off after welcome, got "maybe"');
    expect(await t.db.scenarioConfig.count({ where: { shopId } })).toBe(0);
  });

  test("an unknown shop is an error naming the fix", async () => {
    await expect(runScenario(t.db, "nobody.myshopify.com", ["welcome", "on"], [])).rejects.toThrow(
      'unknown shop "nobody.myshopify.com": install the app on it, or run `npm run joren -- shop:add nobody.myshopify.com`',
    );
  });
});

describe("the commands end to end (npm run joren -- …)", () => {
  const { stdout, stderr } = captureCli(() => t.url);

  test("parses the arguments, prints JSON on stdout only, and exits with the right code", async () => {
    const { main } = await import("~/cli/main");
    const code = await main([
      "scenario",
      "--shop",
      DOMAIN,
      "cart_abandonment",
      "on",
      "--set",
      "delayMinutes=30",
      "--set",
      "secondReminder.enabled=true",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout.join(""))).toMatchObject({
      key: "cart_abandonment",
      enabled: true,
      settings: { delayMinutes: 30, secondReminder: { enabled: true } },
    });
    expect(stderr.join("")).toContain("saved cart_abandonment");

    stdout.length = 0;
    expect(
      await main(["settings", "--shop", DOMAIN, "--set", "quietHours=off", "--set", "timezone=Europe/Paris"]),
    ).toBe(0);
    expect(JSON.parse(stdout.join(""))).toMatchObject({ quietHours: "off", timezone: "Europe/Paris" });

    stdout.length = 0;
    expect(await main(["settings", "--shop", DOMAIN, "--set", "holdoutPercent=99"])).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join("")).toContain("holdoutPercent: must be a whole number from 0 to 50 percent");

    expect(await main(["scenario", "--shop", "nobody.myshopify.com", "welcome", "on"])).toBe(1);
    expect(stderr.join("")).toContain("npm run joren -- shop:add nobody.myshopify.com");
    expect(await main(["settings", "--set", "holdoutPercent=5"])).toBe(1);
    expect(stderr.join("")).toContain("--shop is required");
    expect(stdout).toEqual([]);
    expect((await getShopSettings(t.db, shopId)).settings).toMatchObject({
      holdoutPercent: 10,
      quietHours: null,
      timezone: "Europe/Paris",
    });
  });
});
