import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import type { Template } from "~/modules/delivery/mail/templates/types";

// 定期リマインド: a consumable the customer bought is probably running out.
export const template: Template = (ctx) => {
  const product = ctx.products[0];
  const title = product?.title ? oneLine(product.title, 40) : null;
  if (ctx.locale === "ja") {
    return renderLayout(ctx, {
      subject: title ? `${title}のお取り寄せ時期です` : oneLine(`そろそろお買い替えの時期です｜${ctx.shop.name}`),
      preheader: "前回のご購入から、そろそろなくなる頃ではありませんか。",
      heading: "そろそろなくなる頃ではありませんか？",
      paragraphs: [
        "前回お求めいただいた商品が、そろそろなくなる頃かと思いご案内いたします。",
        "切らしてしまう前に、お早めのご注文をおすすめします。",
      ],
      showProducts: true,
      cta: { label: "もう一度購入する", target: product?.url ?? ctx.shop.url },
    });
  }
  return renderLayout(ctx, {
    subject: title ? `Time to restock ${title}?` : oneLine(`Time to restock? | ${ctx.shop.name}`),
    preheader: "You may be running low.",
    heading: "Running low?",
    paragraphs: ["Based on when you last ordered, you may be running low.", "Reorder now so you don't run out."],
    showProducts: true,
    cta: { label: "Reorder", target: product?.url ?? ctx.shop.url },
  });
};
