import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Welcome", ja: "ウェルカム" },
  description: { en: "Greets a new subscriber who has not ordered yet.", ja: "まだ購入のない新規登録者を歓迎します。" },
};
