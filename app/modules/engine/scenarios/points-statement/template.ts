import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import { formatLocalDay, formatPoints } from "~/modules/delivery/mail/templates/points-format";
import type { Template } from "~/modules/delivery/mail/templates/types";
import { readExtra } from "../scenario-data";
import { data } from "./data";

// Monthly points statement: the balance, the next expiry, and a few products to spend them on.
export const template: Template = (ctx) => {
  const extra = readExtra(data.extra, ctx.extra);
  const balance = extra.pointsBalance ?? 0;
  const expiring = extra.expiringPoints ?? null;
  const expiringOn = extra.expiringOn ?? null;
  if (ctx.locale === "ja") {
    const points = `${formatPoints(balance, "ja")}ポイント`;
    return renderLayout(ctx, {
      subject: oneLine(`【${ctx.shop.name}】現在のポイント残高は${points}です`),
      preheader: `ポイント残高：${points}`,
      heading: "ポイント残高のお知らせ",
      paragraphs: [
        `いつも${ctx.shop.name}をご利用いただき、ありがとうございます。現在のポイント残高は${points}です。`,
        ...(expiring && expiringOn
          ? [`うち${formatPoints(expiring, "ja")}ポイントの有効期限は${formatLocalDay(expiringOn, "ja")}です。`]
          : []),
        ...(ctx.products.length > 0 ? ["ポイントを使って、こちらの商品はいかがですか。"] : []),
      ],
      showProducts: true,
      cta: { label: "ショップを見る", target: ctx.shop.url },
    });
  }
  const points = `${formatPoints(balance, "en")} point${balance === 1 ? "" : "s"}`;
  return renderLayout(ctx, {
    subject: oneLine(`Your ${ctx.shop.name} balance: ${points}`),
    preheader: `You have ${points}.`,
    heading: "Your points statement",
    paragraphs: [
      `Thank you for shopping with ${ctx.shop.name}. You have ${points}.`,
      ...(expiring && expiringOn
        ? [`${formatPoints(expiring, "en")} of them expire on ${formatLocalDay(expiringOn, "en")}.`]
        : []),
      ...(ctx.products.length > 0 ? ["Here are a few ideas to spend them on."] : []),
    ],
    showProducts: true,
    cta: { label: "Visit the shop", target: ctx.shop.url },
  });
};
