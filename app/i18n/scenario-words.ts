// Scenario names, descriptions and setting labels in both languages. Setting labels are keyed by
// the setting's dotted path and shared between scenarios; a setting without a label here (a new
// scenario's) is shown under its path made readable, so new scenarios need no page changes.
import type { ScenarioKey } from "~/modules/settings/scenario-keys";
import type { Locale } from "./locale";

type Words = Record<Locale, string>;

export const SCENARIO_WORDS: Record<ScenarioKey, { name: Words; description: Words }> = {
  cart_abandonment: {
    name: { en: "Cart abandonment", ja: "カゴ落ち" },
    description: { en: "Reminds a shopper who left items in the cart or checkout.", ja: "カートや購入手続きに商品を残したお客様にお知らせします。" },
  },
  browse_abandonment: {
    name: { en: "Browse abandonment", ja: "閲覧離脱" },
    description: { en: "Follows up on products a known visitor viewed but did not buy.", ja: "閲覧したものの購入しなかった商品をご案内します。" },
  },
  back_in_stock: {
    name: { en: "Back in stock", ja: "再入荷" },
    description: { en: "Tells subscribers and recent viewers when a sold-out item returns.", ja: "売り切れ商品の再入荷を登録者や最近の閲覧者にお知らせします。" },
  },
  birthday: {
    name: { en: "Birthday", ja: "バースデー" },
    description: { en: "A greeting and a coupon on the customer's birthday.", ja: "お誕生日にお祝いとクーポンをお届けします。" },
  },
  points_expiry: {
    name: { en: "Points expiry", ja: "ポイント失効" },
    description: { en: "Warns before points expire.", ja: "ポイントの有効期限が近づいたらお知らせします。" },
  },
  second_purchase: {
    name: { en: "Second purchase (F2)", ja: "2回目購入（F2）" },
    description: { en: "Suggests a second order at the shop's typical gap after the first.", ja: "初回購入から、ショップの平均的な間隔で2回目の購入をご提案します。" },
  },
  replenishment: {
    name: { en: "Replenishment", ja: "定期リマインド" },
    description: { en: "Reminds before a consumable is expected to run out.", ja: "消耗品がなくなる頃に再購入をご案内します。" },
  },
  winback: {
    name: { en: "Win-back", ja: "休眠掘り起こし" },
    description: { en: "Reaches customers who have not ordered for a long time.", ja: "長く購入のないお客様に再来店を促します。" },
  },
  welcome: {
    name: { en: "Welcome", ja: "ウェルカム" },
    description: { en: "Greets a new subscriber who has not ordered yet.", ja: "まだ購入のない新規登録者を歓迎します。" },
  },
  points_statement: {
    name: { en: "Points statement", ja: "ポイント明細" },
    description: { en: "A monthly statement of the customer's points.", ja: "毎月、ポイント残高をお知らせします。" },
  },
  recommendations: {
    name: { en: "Recommendations", ja: "レコメンド" },
    description: { en: "Personal product picks, periodically or after a visit.", ja: "定期的に、または来店後に、おすすめ商品をお届けします。" },
  },
};

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
  suppressAfterAbandonmentDays: { en: "Skip if any abandonment email within (days)", ja: "離脱メール送信後、送らない期間（日）" },
  maxProducts: { en: "Products in the email (at most)", ja: "メールに載せる商品数（最大）" },
  threshold: { en: "Back in stock from (units)", ja: "再入荷とみなす在庫数" },
  recipientMultiple: { en: "At most this many recipients per unit available", ja: "在庫1点あたりの最大送信数" },
  viewerLookbackDays: { en: "Include viewers from the last (days)", ja: "対象とする閲覧者の期間（日）" },
  hour: { en: "Send at (hour, shop time)", ja: "送信時刻（時、ショップの時刻）" },
  daysBefore: { en: "Days before", ja: "何日前" },
  fallbackDays: { en: "Days after the first order (until the shop has its own median)", ja: "初回購入からの日数（ショップの実績が揃うまで）" },
  dormantDays: { en: "Dormant after (days without an order)", ja: "休眠とみなす日数" },
  "adaptive.enabled": { en: "Adapt to each customer's own buying rhythm", ja: "顧客ごとの購入間隔に合わせる" },
  "adaptive.multiplier": { en: "Times the customer's median gap", ja: "顧客の購入間隔（中央値）の倍数" },
  "adaptive.minDays": { en: "At least (days)", ja: "最短（日）" },
  "adaptive.maxDays": { en: "At most (days)", ja: "最長（日）" },
  "reminder.enabled": { en: "Send a reminder", ja: "リマインドを送る" },
  "reminder.delayDays": { en: "Reminder after (days)", ja: "リマインドまでの日数" },
  dayOfMonth: { en: "Day of the month", ja: "毎月の送信日" },
  cadence: { en: "Digest every", ja: "配信頻度" },
  postVisitDays: { en: "Days after a visit without an order (0 = off)", ja: "来店後、購入がない場合の日数（0=送らない）" },
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
