import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Replenishment", ja: "定期リマインド" },
  description: {
    en: "Reminds before a consumable is expected to run out.",
    ja: "消耗品がなくなる頃に再購入をご案内します。",
  },
};
