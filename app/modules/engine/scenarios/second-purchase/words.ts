import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Second purchase (F2)", ja: "2回目購入（F2）" },
  description: {
    en: "Suggests a second order at the shop's typical gap after the first.",
    ja: "初回購入から、ショップの平均的な間隔で2回目の購入をご提案します。",
  },
};
