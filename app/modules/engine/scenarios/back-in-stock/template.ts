import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// 再入荷: the product the customer asked about (or looked at) is available again.
export const template: Template = (ctx) => {
  const product = ctx.products[0];
  const title = product?.title ? oneLine(product.title, 40) : null;
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: title ? `【再入荷】${title}` : oneLine(`【再入荷】${ctx.shop.name}`),
      preheader: "お待たせしました。ご注目の商品が再入荷しました。",
      heading: "再入荷のお知らせ",
      paragraphs: [
        "お待たせいたしました。ご注目いただいていた商品が再入荷しました。",
        "数に限りがございますので、お早めにお求めください。",
      ],
      showProducts: true,
      cta: { label: "商品を見る", target: product?.url ?? ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: title ? `Back in stock: ${title}` : oneLine(`Back in stock at ${ctx.shop.name}`),
    preheader: "The product you were waiting for is available again.",
    heading: "It's back",
    paragraphs: [
      "Good news: the product you were waiting for is back in stock.",
      "Stock is limited, so don't wait too long.",
    ],
    showProducts: true,
    cta: { label: "Shop now", target: product?.url ?? ctx.shop.url },
  });
};
