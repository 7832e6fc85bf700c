import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Win-back", ja: "休眠掘り起こし" },
  description: {
    en: "Reaches customers who have not ordered for a long time.",
    ja: "長く購入のないお客様に再来店を促します。",
  },
};
