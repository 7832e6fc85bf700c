import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// レコメンド: products picked for this customer from what they bought and viewed.
export const template: Template = (ctx) => {
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(`あなたへのおすすめ｜${ctx.shop.name}`),
      preheader: "お買い物やご覧いただいた商品から、おすすめを選びました。",
      heading: "あなたへのおすすめ",
      paragraphs: [
        `いつも${ctx.shop.name}をご利用いただき、ありがとうございます。`,
        "これまでのお買い物やご覧いただいた商品をもとに、おすすめの商品を選びました。",
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(`Picked for you at ${ctx.shop.name}`),
    preheader: "A few products we think you will like.",
    heading: "Picked for you",
    paragraphs: [
      `Thank you for shopping at ${ctx.shop.name}.`,
      "Based on what you bought and looked at, we think you will like these.",
    ],
    showProducts: true,
    cta: { label: "Browse the shop", target: ctx.shop.url },
  });
};
