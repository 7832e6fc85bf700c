import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// Cart lines with quantities, and the checkout's own recovery link so the cart comes back
// exactly as it was (the shop's home page when there is none).
export const template: Template = (ctx) => {
  const target = ctx.recoveryUrl ?? ctx.shop.url;
  const name = ctx.customer.firstName?.trim();
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: oneLine(name ? `${name}様、カートに商品が残っています` : "カートに商品が残っています"),
      preheader: `${ctx.shop.name}のカートに商品を保存しています。`,
      heading: "お買い忘れはありませんか？",
      paragraphs: [
        `いつも${ctx.shop.name}をご利用いただき、ありがとうございます。`,
        "カートに入れた商品を保存しております。ご都合のよいときに、ご購入手続きをお済ませください。",
      ],
      showProducts: true,
      cta: { label: "カートに戻る", target },
    });
  }
  return renderLayout(ctx, {
    subject: oneLine(name ? `${name}, you left something in your cart` : "You left something in your cart"),
    preheader: `Your cart at ${ctx.shop.name} is saved for you.`,
    heading: "Still thinking it over?",
    paragraphs: ["We saved the items in your cart. They are waiting for you whenever you are ready."],
    showProducts: true,
    cta: { label: "Return to your cart", target },
  });
};
