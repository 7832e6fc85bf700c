import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Points statement", ja: "ポイント明細" },
  description: { en: "A monthly statement of the customer's points.", ja: "毎月、ポイント残高をお知らせします。" },
};
