// The double opt-in confirmation (ADR 0023): a transactional email sent because someone typed this
// address into the shop's notify-me form. It asks the owner to confirm with one button; nothing
// else happens unless they do. No tracking links, no open pixel, no offer: it is not marketing.
import { escapeHtml } from "../../../../lib/escape-html";
import type { Locale } from "./types";

export interface OptInConfirmationInput {
  locale: Locale;
  shopName: string;
  /** the address the request named (shown so the owner sees what is being confirmed) */
  email: string;
  productTitle: string | null;
  confirmUrl: string;
  /** how long the link works, in hours */
  validHours: number;
  sender: { name: string; postalAddress: string; contact: string };
}

export interface RenderedConfirmation {
  subject: string;
  html: string;
  text: string;
}

const WORDS = {
  en: {
    subject: (shop: string) => `Please confirm: back-in-stock email from ${shop}`,
    heading: "Confirm your email address",
    asked: (shop: string, email: string, product: string | null) =>
      `Someone, hopefully you, asked ${shop} to email ${email} when ${product ?? "a product"} is back in stock, and agreed to receive emails from ${shop}.`,
    action: "To confirm, press the button. Until you do, nothing is sent and you are not on any list.",
    button: "Confirm",
    valid: (hours: number) => `The link works for ${Math.round(hours / 24)} days.`,
    notYou: "If this was not you, ignore this email: you will not be subscribed.",
    from: "Sent by",
  },
  ja: {
    subject: (shop: string) => `【${shop}】再入荷通知のご登録確認`,
    heading: "メールアドレスのご確認",
    asked: (shop: string, email: string, product: string | null) =>
      `${shop}で、${product ? `「${product}」` : "商品"}の再入荷時に ${email} へメールでお知らせすること、および${shop}からのメール受信への同意のお申し込みがありました。`,
    action: "ご本人の場合は、下のボタンを押して確定してください。確定されるまで、メールの配信や登録は行われません。",
    button: "登録を確定する",
    valid: (hours: number) => `このリンクの有効期限は${Math.round(hours / 24)}日間です。`,
    notYou: "お心当たりのない場合は、このメールを破棄してください。登録は行われません。",
    from: "送信者",
  },
} as const;

export function renderOptInConfirmation(input: OptInConfirmationInput): RenderedConfirmation {
  const w = WORDS[input.locale];
  const subject = w.subject(input.shopName).replace(/[\r\n]+/g, " ");
  const lines = [w.asked(input.shopName, input.email, input.productTitle), w.action];
  const footer = [input.sender.name, input.sender.postalAddress, input.sender.contact].filter((part) => part.trim());
  const html =
    `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:24px;background:#f6f6f7;font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;color:#1a1a1a;line-height:1.7">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">` +
    `<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;padding:24px">` +
    `<tr><td><h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(w.heading)}</h1>` +
    lines.map((line) => `<p style="margin:0 0 12px">${escapeHtml(line)}</p>`).join("") +
    `<p style="margin:24px 0"><a href="${escapeHtml(input.confirmUrl)}" style="display:inline-block;padding:12px 24px;background:#1a1a1a;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">${escapeHtml(w.button)}</a></p>` +
    `<p style="margin:0 0 12px;font-size:13px;color:#555">${escapeHtml(w.valid(input.validHours))} ${escapeHtml(w.notYou)}</p>` +
    `<p style="margin:24px 0 0;font-size:12px;color:#777">${escapeHtml(w.from)}: ${footer.map(escapeHtml).join(" · ")}</p>` +
    `</td></tr></table></td></tr></table></body></html>`;
  const text = [
    w.heading,
    "",
    ...lines,
    "",
    `${w.button}: ${input.confirmUrl}`,
    "",
    w.valid(input.validHours),
    w.notYou,
    "",
    `${w.from}: ${footer.join(" / ")}`,
    "",
  ].join("\n");
  return { subject, html, text };
}
