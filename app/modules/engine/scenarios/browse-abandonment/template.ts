import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// The products the visitor viewed (then similar ones, as the engine orders them).
export const template: Template = (ctx) => {
  const viewed = ctx.products[0]?.title ? oneLine(ctx.products[0].title, 40) : null;
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: viewed ? `${viewed}はいかがでしたか？` : oneLine(`${ctx.shop.name}で気になる商品はございましたか？`),
      preheader: "先日ご覧いただいた商品をご案内します。",
      heading: "気になる商品はございましたか？",
      paragraphs: [
        `${ctx.shop.name}をご覧いただき、ありがとうございます。`,
        "先日ご覧いただいた商品と、あわせておすすめの商品をご紹介します。",
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: viewed ? `Still thinking about ${viewed}?` : oneLine(`See anything you liked at ${ctx.shop.name}?`),
    preheader: "The products you looked at, and a few more we think you will like.",
    heading: "Take another look",
    paragraphs: ["Here are the products you were looking at, plus a few we think you will like."],
    showProducts: true,
    cta: { label: "Continue shopping", target: ctx.shop.url },
  });
};
