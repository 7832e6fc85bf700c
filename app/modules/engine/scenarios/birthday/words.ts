import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Birthday", ja: "バースデー" },
  description: {
    en: "A greeting and a coupon on the customer's birthday.",
    ja: "お誕生日にお祝いとクーポンをお届けします。",
  },
};
