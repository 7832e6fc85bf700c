import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Points expiry", ja: "ポイント失効" },
  description: { en: "Warns before points expire.", ja: "ポイントの有効期限が近づいたらお知らせします。" },
};
