import { oneLine } from "~/modules/delivery/mail/templates/format";
import { renderLayout } from "~/modules/delivery/mail/templates/layout";
import { formatLocalDay, formatPoints } from "~/modules/delivery/mail/templates/points-format";
import type { Template } from "~/modules/delivery/mail/templates/types";
import { readExtra } from "../scenario-data";
import { data } from "./data";

// Points about to expire: how many, on which date, the balance, and products to use them on.
export const template: Template = (ctx) => {
  const extra = readExtra(data.extra, ctx.extra);
  const expiring = extra.expiringPoints ?? 0;
  const balance = extra.pointsBalance ?? null;
  const on = extra.expiringOn ?? null;
  if (ctx.locale === "ja") {
    const date = on ? formatLocalDay(on, "ja") : "まもなく";
    const points = `${formatPoints(expiring, "ja")}ポイント`;
    return renderLayout(ctx, {
      subject: oneLine(`【${ctx.shop.name}】${points}が${on ? `${date}に` : "まもなく"}失効します`),
      preheader: `${date}に${points}の有効期限が切れます。`,
      heading: "ポイント失効のお知らせ",
      paragraphs: [
        `お持ちのポイントのうち${points}の有効期限が${on ? `${date}に` : "まもなく"}切れます。`,
        ...(balance !== null ? [`現在のポイント残高：${formatPoints(balance, "ja")}ポイント`] : []),
        "失効前のお買い物にぜひご利用ください。",
      ],
      showProducts: true,
      cta: { label: "ポイントを使う", target: ctx.shop.url },
    });
  }
  const points = `${formatPoints(expiring, "en")} point${expiring === 1 ? "" : "s"}`;
  const date = on ? formatLocalDay(on, "en") : "soon";
  return renderLayout(ctx, {
    subject: oneLine(`${points} expire ${on ? `on ${date}` : "soon"}`),
    preheader: `Use your ${ctx.shop.name} points before ${date}.`,
    heading: "Your points are about to expire",
    paragraphs: [
      `${points} of yours expire ${on ? `on ${date}` : "soon"}.`,
      ...(balance !== null ? [`Your balance: ${formatPoints(balance, "en")} points.`] : []),
      "Use them on your next order before they are gone.",
    ],
    showProducts: true,
    cta: { label: "Use my points", target: ctx.shop.url },
  });
};
