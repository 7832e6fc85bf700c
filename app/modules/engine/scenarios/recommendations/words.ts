import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Recommendations", ja: "レコメンド" },
  description: {
    en: "Personal product picks, periodically or after a visit.",
    ja: "定期的に、または来店後に、おすすめ商品をお届けします。",
  },
};
