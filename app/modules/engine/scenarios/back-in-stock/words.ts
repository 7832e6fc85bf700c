import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Back in stock", ja: "再入荷" },
  description: {
    en: "Tells subscribers and recent viewers when a sold-out item returns.",
    ja: "売り切れ商品の再入荷を登録者や最近の閲覧者にお知らせします。",
  },
};
