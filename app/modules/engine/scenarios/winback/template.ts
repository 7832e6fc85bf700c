import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// Win-back: a customer who has not ordered for a while; what is new, and the offer if any.
export const template: Template = (ctx) => {
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(`お久しぶりです｜${ctx.shop.name}`),
      preheader: "その後いかがお過ごしですか。",
      heading: "お久しぶりです",
      paragraphs: [
        `しばらくご無沙汰しております。${ctx.shop.name}では、新しい商品もご用意しています。`,
        ctx.incentive
          ? "またのお越しをお待ちして、特別なクーポンをお届けします。"
          : "またのお越しを心よりお待ちしております。",
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(`We miss you at ${ctx.shop.name}`),
    preheader: "It has been a while.",
    heading: "It has been a while",
    paragraphs: [
      `We have not seen you at ${ctx.shop.name} for some time, and there is a lot new to discover.`,
      ctx.incentive ? "Come back with a special offer, just for you." : "We would love to see you again.",
    ],
    showProducts: true,
    cta: { label: "See what's new", target: ctx.shop.url },
  });
};
