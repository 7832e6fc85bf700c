import type { ScenarioWords } from "~/i18n/scenario-words";

export const words: ScenarioWords = {
  name: { en: "Cart abandonment", ja: "カゴ落ち" },
  description: {
    en: "Reminds a shopper who left items in the cart or checkout.",
    ja: "カートや購入手続きに商品を残したお客様にお知らせします。",
  },
};
