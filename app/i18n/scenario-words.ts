// Scenario names, descriptions and setting labels in both languages. A scenario's name and
// description live in its own folder (app/modules/engine/scenarios/<key>/words.ts); setting labels are
// keyed by the setting's dotted path and shared between scenarios, so they stay here. A setting
// without a label here (a new scenario's) is shown under its path made readable, so new
// scenarios need no page changes.
import { SCENARIO_MODULES } from "~/modules/engine/scenarios/all";
import type { ScenarioKey } from "~/modules/platform/settings/scenario-keys";
import type { Locale } from "./locale";

type Words = Record<Locale, string>;

/** What a scenario's folder says about it in both languages. */
export interface ScenarioWords {
  name: Words;
  description: Words;
}

export const SCENARIO_WORDS = Object.fromEntries(
  Object.entries(SCENARIO_MODULES).map(([key, module]) => [key, module.words]),
) as Record<ScenarioKey, ScenarioWords>;

export function scenarioName(key: string, locale: Locale): string {
  return (SCENARIO_WORDS as Record<string, { name: Words } | undefined>)[key]?.name[locale] ?? key;
}

export function scenarioDescription(key: string, locale: Locale): string {
  return (SCENARIO_WORDS as Record<string, { description: Words } | undefined>)[key]?.description[locale] ?? "";
}

const SETTING_LABELS: Record<string, Words> = {
  delayMinutes: { en: "Send after (minutes)", ja: "送信までの時間（分）" },
  "secondReminder.enabled": { en: "Send a second reminder", ja: "2通目のリマインドを送る" },
  "secondReminder.delayHours": { en: "Second reminder after (hours)", ja: "2通目までの時間（時間）" },
  "incentive.audience": { en: "Incentive for", ja: "特典の対象" },
  "incentive.kind": { en: "Incentive", ja: "特典の種類" },
  "incentive.value": { en: "Incentive value (%, amount or points)", ja: "特典の値（%・金額・ポイント）" },
  "incentive.expiresDays": { en: "Coupon valid for (days)", ja: "クーポンの有効期間（日）" },
  suppressAfterAbandonmentDays: {
    en: "Skip if any abandonment email within (days)",
    ja: "離脱メール送信後、送らない期間（日）",
  },
  maxProducts: { en: "Products in the email (at most)", ja: "メールに載せる商品数（最大）" },
  threshold: { en: "Back in stock from (units)", ja: "再入荷とみなす在庫数" },
  recipientMultiple: { en: "At most this many recipients per unit available", ja: "在庫1点あたりの最大送信数" },
  viewerLookbackDays: { en: "Include viewers from the last (days)", ja: "対象とする閲覧者の期間（日）" },
  hour: { en: "Send at (hour, shop time)", ja: "送信時刻（時、ショップの時刻）" },
  daysBefore: { en: "Days before", ja: "何日前" },
  fallbackDays: {
    en: "Days after the first order (until the shop has its own median)",
    ja: "初回購入からの日数（ショップの実績が揃うまで）",
  },
  dormantDays: { en: "Dormant after (days without an order)", ja: "休眠とみなす日数" },
  "adaptive.enabled": { en: "Adapt to each customer's own buying rhythm", ja: "顧客ごとの購入間隔に合わせる" },
  "adaptive.multiplier": { en: "Times the customer's median gap", ja: "顧客の購入間隔（中央値）の倍数" },
  "adaptive.minDays": { en: "At least (days)", ja: "最短（日）" },
  "adaptive.maxDays": { en: "At most (days)", ja: "最長（日）" },
  "reminder.enabled": { en: "Send a reminder", ja: "リマインドを送る" },
  "reminder.delayDays": { en: "Reminder after (days)", ja: "リマインドまでの日数" },
  dayOfMonth: { en: "Day of the month", ja: "毎月の送信日" },
  cadence: { en: "Digest every", ja: "配信頻度" },
  postVisitDays: {
    en: "Days after a visit without an order (0 = off)",
    ja: "来店後、購入がない場合の日数（0=送らない）",
  },
  minRecommendations: { en: "Send only with at least (products)", ja: "最低おすすめ商品数" },
  recentEmailDays: { en: "Skip if any email within (days)", ja: "直近のメール送信後、送らない期間（日）" },
};

const OPTION_LABELS: Record<string, Words> = {
  first_purchase: { en: "First purchase only (guarded)", ja: "初回購入のみ（ガード付き）" },
  loyalty: { en: "Returning customers", ja: "リピーター" },
  anyone: { en: "Anyone", ja: "全員" },
  percent: { en: "Percent off", ja: "％割引" },
  amount: { en: "Amount off", ja: "金額割引" },
  points: { en: "Bonus points", ja: "ボーナスポイント" },
  none: { en: "None", ja: "なし" },
  weekly: { en: "Week", ja: "毎週" },
  monthly: { en: "Month", ja: "毎月" },
};

function readable(path: string): string {
  return path
    .split(".")
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase())
    .join(" › ");
}

export function settingLabel(path: string, locale: Locale): string {
  return SETTING_LABELS[path]?.[locale] ?? readable(path);
}

export function optionLabel(value: string, locale: Locale): string {
  return OPTION_LABELS[value]?.[locale] ?? value;
}
