import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// F2: after the first order, what customers who bought the same went on to buy next.
export const template: Template = (ctx) => {
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(`その後いかがですか？｜${ctx.shop.name}`),
      preheader: "お買い上げの商品と相性のよい商品をご紹介します。",
      heading: "お買い上げの商品はいかがですか？",
      paragraphs: [
        `先日は${ctx.shop.name}でお買い物いただき、ありがとうございました。`,
        "同じ商品をお求めのお客様が、次に選ばれている商品をご紹介します。",
      ],
      showProducts: true,
      cta: { label: "商品を見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(`How are you getting on? | ${ctx.shop.name}`),
    preheader: "What goes well with your first order.",
    heading: "Thank you for your first order",
    paragraphs: [
      `Thank you for shopping at ${ctx.shop.name}.`,
      "Customers who bought what you did often went on to choose these next.",
    ],
    showProducts: true,
    cta: { label: "See them", target: ctx.shop.url },
  });
};
