// The few pages a recipient may see from the email endpoints: the unsubscribe confirmation, the
// "you're unsubscribed" page and the invalid-link page. Plain, accessible HTML in Japanese or
// English (by Accept-Language), with no scripts, no external resources and no login.
import type { Locale } from "../delivery/mail/templates/types";
import { escapeHtml } from "../../lib/escape-html";
import type { TokenError } from "../delivery/mail/tokens";

/** Why a link's token was refused: the verifier's errors, plus a link with no token at all. */
export type LinkProblem = TokenError | "missing";

/** The first of ja / en the browser prefers (by q-value, then order); English otherwise. */
export function pickPageLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return "en";
  const ranges = acceptLanguage
    .slice(0, 1000)
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.split(";").map((p) => p.trim());
      const q = params.find((p) => p.toLowerCase().startsWith("q="));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag.length > 0 && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === "ja" || tag.startsWith("ja-")) return "ja";
    if (tag === "en" || tag.startsWith("en-")) return "en";
  }
  return "en";
}

const PROBLEMS: Record<Locale, Record<LinkProblem, string>> = {
  en: {
    missing: "This link is incomplete: the code that identifies your email is missing.",
    malformed: "This link is incomplete or damaged (it may have been cut off when it was copied).",
    bad_signature: "This link is not valid.",
    expired: "This link has expired.",
    wrong_kind: "This link is not meant for this page.",
  },
  ja: {
    missing: "このリンクは不完全です（メールを識別するコードが含まれていません）。",
    malformed: "このリンクは不完全か、破損しています（コピーの際に途中で切れた可能性があります）。",
    bad_signature: "このリンクは無効です。",
    expired: "このリンクは有効期限が切れています。",
    wrong_kind: "このリンクはこのページ用のものではありません。",
  },
};

/** One line, in English, for plain-text and JSON answers. */
export function problemText(problem: LinkProblem): string {
  return PROBLEMS.en[problem];
}

const TEXT = {
  en: {
    confirmTitle: "Unsubscribe from marketing emails",
    confirmBody: (shop: string) =>
      `If you unsubscribe, ${shop} will send no more marketing emails to this address. Emails about your orders (confirmations, shipping) are not affected.`,
    confirmButton: "Unsubscribe",
    doneTitle: "You're unsubscribed",
    doneBody: (shop: string) =>
      `${shop} will send no more marketing emails to this address. You do not need to do anything else.`,
    invalidTitle: "This link cannot be used",
    invalidUnsubscribe:
      "To stop these emails, use the unsubscribe link in a more recent email from the shop, or contact the shop that sent you the email and ask them to unsubscribe you.",
    invalidOther: "Visit the shop's website directly, or contact the shop that sent you the email.",
    errorTitle: "Something went wrong",
    errorBody: "Your request could not be completed. Please try again in a few minutes.",
    theShop: "the shop",
    optInTitle: "Confirm your request",
    optInBody: (shop: string) =>
      `Press the button to confirm that you want ${shop} to email you when the product is back in stock, and that you agree to receive emails from ${shop}. You can unsubscribe at any time.`,
    optInButton: "Confirm",
    optInDoneTitle: "Thank you: you're confirmed",
    optInDoneBody: (shop: string) =>
      `${shop} will email you when the product is back in stock. You can unsubscribe from any email.`,
    optInRefusedTitle: "This address has unsubscribed",
    optInRefusedBody:
      "This address asked not to receive emails from the shop, so nothing was changed. To sign up again, use your account on the shop's website.",
    invalidOptIn:
      "The link may be older than 3 days. Go back to the product page and ask again: a new email will be sent.",
  },
  ja: {
    confirmTitle: "メール配信の停止",
    confirmBody: (shop: string) =>
      `配信を停止すると、${shop}からこのアドレスへのお知らせメール（マーケティングメール）は今後届かなくなります。ご注文の確認や発送のお知らせなど、ご注文に関するメールは引き続き届きます。`,
    confirmButton: "配信を停止する",
    doneTitle: "配信を停止しました",
    doneBody: (shop: string) =>
      `${shop}からこのアドレスへのお知らせメールは今後お送りしません。これ以上の操作は必要ありません。`,
    invalidTitle: "このリンクは使用できません",
    invalidUnsubscribe:
      "配信を停止するには、ショップから届いたより新しいメールの配信停止リンクをお使いいただくか、メールを送ったショップに直接お問い合わせください。",
    invalidOther: "ショップのウェブサイトに直接アクセスするか、メールを送ったショップにお問い合わせください。",
    errorTitle: "エラーが発生しました",
    errorBody: "処理を完了できませんでした。しばらくしてからもう一度お試しください。",
    theShop: "ショップ",
    optInTitle: "ご登録の確定",
    optInBody: (shop: string) =>
      `下のボタンを押すと、再入荷時に${shop}からメールでお知らせすること、および${shop}からのメール受信への同意が確定します。配信はいつでも停止できます。`,
    optInButton: "登録を確定する",
    optInDoneTitle: "ご登録ありがとうございます",
    optInDoneBody: (shop: string) =>
      `再入荷したら${shop}からメールでお知らせします。配信は各メールからいつでも停止できます。`,
    optInRefusedTitle: "このアドレスは配信停止されています",
    optInRefusedBody:
      "このアドレスはショップからのメール配信を停止しているため、何も変更していません。再度ご希望の場合は、ショップのサイトでアカウントからお申し込みください。",
    invalidOptIn:
      "リンクの有効期限（3日間）が過ぎた可能性があります。商品ページからもう一度お申し込みください。新しい確認メールをお送りします。",
  },
} as const;

const STYLE =
  "body{margin:0;font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;line-height:1.7;color:#1a1a1a;background:#f6f6f7}" +
  "main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px}" +
  "h1{font-size:1.4rem;margin:0 0 1rem}" +
  "button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border:0;border-radius:6px;background:#1a1a1a;color:#fff;cursor:pointer}" +
  "button:focus-visible{outline:3px solid #005bd3;outline-offset:2px}";

function page(locale: Locale, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

function shopLabel(locale: Locale, shopName: string | null): string {
  return shopName?.trim() || TEXT[locale].theShop;
}

/** The form field the confirmation page posts, so its POST is answered with a page, not plain text. */
export const PAGE_FORM_FIELD = "joren_page";

/** GET /email/unsubscribe: what will happen, and a button that POSTs to the same URL. */
export function unsubscribeConfirmPage(locale: Locale, input: { shopName: string | null; token: string }): string {
  const t = TEXT[locale];
  const action = `?t=${encodeURIComponent(input.token)}`;
  return page(
    locale,
    t.confirmTitle,
    `<p>${escapeHtml(t.confirmBody(shopLabel(locale, input.shopName)))}</p>` +
      `<form method="post" action="${escapeHtml(action)}">` +
      `<input type="hidden" name="${PAGE_FORM_FIELD}" value="1">` +
      `<button type="submit">${escapeHtml(t.confirmButton)}</button></form>`,
  );
}

export function unsubscribedPage(locale: Locale, shopName: string | null): string {
  const t = TEXT[locale];
  return page(locale, t.doneTitle, `<p role="status">${escapeHtml(t.doneBody(shopLabel(locale, shopName)))}</p>`);
}

/** GET /email/confirm: what confirming does, and a button that POSTs to the same URL (link scanners only GET). */
export function optInConfirmPage(locale: Locale, input: { shopName: string | null; token: string }): string {
  const t = TEXT[locale];
  const action = `?t=${encodeURIComponent(input.token)}`;
  return page(
    locale,
    t.optInTitle,
    `<p>${escapeHtml(t.optInBody(shopLabel(locale, input.shopName)))}</p>` +
      `<form method="post" action="${escapeHtml(action)}">` +
      `<input type="hidden" name="${PAGE_FORM_FIELD}" value="1">` +
      `<button type="submit">${escapeHtml(t.optInButton)}</button></form>`,
  );
}

export function optInDonePage(locale: Locale, shopName: string | null): string {
  const t = TEXT[locale];
  return page(
    locale,
    t.optInDoneTitle,
    `<p role="status">${escapeHtml(t.optInDoneBody(shopLabel(locale, shopName)))}</p>`,
  );
}

export function optInRefusedPage(locale: Locale): string {
  const t = TEXT[locale];
  return page(locale, t.optInRefusedTitle, `<p role="status">${escapeHtml(t.optInRefusedBody)}</p>`);
}

export function invalidLinkPage(
  locale: Locale,
  problem: LinkProblem,
  purpose: "unsubscribe" | "confirm" | "other",
): string {
  const t = TEXT[locale];
  const next =
    purpose === "unsubscribe" ? t.invalidUnsubscribe : purpose === "confirm" ? t.invalidOptIn : t.invalidOther;
  return page(locale, t.invalidTitle, `<p>${escapeHtml(PROBLEMS[locale][problem])}</p><p>${escapeHtml(next)}</p>`);
}

export function errorPage(locale: Locale): string {
  const t = TEXT[locale];
  return page(locale, t.errorTitle, `<p>${escapeHtml(t.errorBody)}</p>`);
}

/** The plain-text answer to a one-click unsubscribe (RFC 8058), in both languages. */
export const UNSUBSCRIBED_TEXT =
  "Unsubscribed: no more marketing emails will be sent to this address.\n配信を停止しました。\n";
