import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// Brand introduction for a prospect. The engine's discount guard decides whether the
// incentive is a first-purchase offer; the template only presents what it is given.
export const template: Template = (ctx) => {
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(`${ctx.shop.name}へようこそ`),
      preheader: "ご登録いただき、ありがとうございます。",
      heading: `${ctx.shop.name}へようこそ`,
      paragraphs: [
        "このたびはご登録いただき、ありがとうございます。",
        ctx.incentive
          ? "はじめてのお買い物にご利用いただける特典をご用意しました。"
          : "新商品やおすすめの情報をお届けします。どうぞよろしくお願いいたします。",
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(`Welcome to ${ctx.shop.name}`),
    preheader: "Thank you for signing up.",
    heading: `Welcome to ${ctx.shop.name}`,
    paragraphs: [
      "Thank you for signing up. We are glad you are here.",
      ctx.incentive
        ? "Here is a welcome gift for your first order."
        : "We will keep you posted on new arrivals and favourites.",
    ],
    showProducts: true,
    cta: { label: "Start shopping", target: ctx.shop.url },
  });
};
