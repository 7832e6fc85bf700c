import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Browse abandonment", ja: "閲覧離脱" },
  description: {
    en: "Follows up on products a known visitor viewed but did not buy.",
    ja: "閲覧したものの購入しなかった商品をご案内します。",
  },
};
