import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// Birthday greeting with the (guarded) gift the engine attached, and a few recommendations.
export const template: Template = (ctx) => {
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(`お誕生日おめでとうございます｜${ctx.shop.name}`),
      preheader: "お誕生日の特別なお知らせです。",
      heading: "お誕生日おめでとうございます",
      paragraphs: [
        `${ctx.shop.name}より、心からお祝い申し上げます。素敵な一年になりますように。`,
        ctx.incentive
          ? "ささやかですが、お誕生日の特典をご用意しました。"
          : "いつもご愛顧いただき、ありがとうございます。",
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(`Happy birthday from ${ctx.shop.name}`),
    preheader: "A little something for your birthday.",
    heading: "Happy birthday!",
    paragraphs: [
      `Everyone at ${ctx.shop.name} wishes you a wonderful year ahead.`,
      ctx.incentive ? "Here is a birthday gift from us." : "Thank you for being with us.",
    ],
    showProducts: true,
    cta: { label: "Visit the shop", target: ctx.shop.url },
  });
};
