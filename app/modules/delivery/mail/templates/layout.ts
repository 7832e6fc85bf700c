// The shared email frame: table-based HTML with inline styles (what mail clients render
// reliably), a plain-text twin, the legally required sender footer, the unsubscribe link and
// the open pixel. Scenario templates supply only their words and which blocks to show.
import { fillMergeFields, mergeValues } from "../content/merge-fields";
import { escapeHtml } from "../../../../lib/escape-html";
import { SenderIdentityMissingError, UnsubscribeLinkMissingError } from "./errors";
import { formatPrice, greeting, incentiveLine, oneLine } from "./format";
import type { Locale, RenderedMessage, SenderIdentity, TemplateContext, TemplateProduct } from "./types";

export interface MessageSpec {
  subject: string;
  preheader: string;
  heading: string;
  paragraphs: string[];
  /** show the context's products, with their quantities when the product carries one */
  showProducts: boolean;
  /** the incentive block is shown whenever the context carries one */
  cta: { label: string; target: string };
}

const FOOTER: Record<
  Locale,
  {
    why: (shop: string) => string;
    colon: string;
    contact: string;
    unsubscribe: string;
    unsubscribeHint: string;
    quantity: string;
  }
> = {
  ja: {
    colon: "：",
    why: (shop) => `このメールは、${shop}からのお知らせの配信を希望された方にお送りしています。`,
    contact: "お問い合わせ",
    unsubscribe: "配信停止",
    unsubscribeHint: "今後このようなメールの受信を希望されない場合は、こちらから配信を停止できます：",
    quantity: "数量",
  },
  en: {
    colon: ": ",
    why: (shop) => `You are receiving this email because you signed up for news from ${shop}.`,
    contact: "Contact",
    unsubscribe: "Unsubscribe",
    unsubscribeHint: "Don't want these emails? You can unsubscribe at any time:",
    quantity: "Qty",
  },
};

const FONT =
  "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI','Hiragino Sans','Hiragino Kaku Gothic ProN',Meiryo,Arial,sans-serif";

export function assertSendable(ctx: TemplateContext): void {
  const missing = (["name", "postalAddress", "contact"] as (keyof SenderIdentity)[]).filter(
    (k) => !ctx.sender?.[k]?.trim(),
  );
  if (missing.length > 0) throw new SenderIdentityMissingError(missing);
  if (!ctx.links?.unsubscribeUrl?.trim()) throw new UnsubscribeLinkMissingError();
}

function isHttpUrl(value: string | null): value is string {
  if (!value) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

function productRowHtml(ctx: TemplateContext, product: TemplateProduct): string {
  const href = escapeHtml(ctx.links.clickUrl(product.url));
  const title = escapeHtml(product.title);
  const price = escapeHtml(formatPrice(product.price, ctx.shop.currency, ctx.locale));
  const quantity =
    product.quantity !== undefined
      ? `<br><span style="color:#6b7280;font-size:13px">${escapeHtml(FOOTER[ctx.locale].quantity + FOOTER[ctx.locale].colon)}${product.quantity}</span>`
      : "";
  const image = isHttpUrl(product.imageUrl)
    ? `<a href="${href}"><img src="${escapeHtml(product.imageUrl)}" width="96" height="96" alt="${title}" style="display:block;border:0;width:96px;height:96px;object-fit:cover"></a>`
    : "";
  return `<tr>
<td width="112" valign="top" style="padding:8px 16px 8px 0">${image}</td>
<td valign="top" style="padding:8px 0;${FONT};font-size:15px;color:#111827"><a href="${href}" style="color:#111827;text-decoration:none;font-weight:600">${title}</a><br><span style="color:#374151">${price}</span>${quantity}</td>
</tr>`;
}

function productLineText(ctx: TemplateContext, product: TemplateProduct): string {
  const price = formatPrice(product.price, ctx.shop.currency, ctx.locale);
  const quantity = product.quantity !== undefined ? ` × ${product.quantity}` : "";
  return `- ${product.title} (${price})${quantity}\n  ${ctx.links.clickUrl(product.url)}`;
}

/** The merchant's wording replaces the default field by field, merge fields filled for this recipient. */
function withMerchantContent(ctx: TemplateContext, spec: MessageSpec): MessageSpec {
  const content = ctx.content;
  if (!content) return spec;
  const values = mergeValues(ctx);
  const fill = (text: string | null | undefined) =>
    text?.trim() ? fillMergeFields(text.trim(), values, ctx.locale) : null;
  const body = fill(content.body);
  return {
    ...spec,
    subject: oneLine(fill(content.subject) ?? spec.subject, 150),
    preheader: fill(content.preheader) ?? spec.preheader,
    heading: fill(content.heading) ?? spec.heading,
    paragraphs: body
      ? body
          .split(/\n\s*\n/)
          .map((p) => p.trim())
          .filter(Boolean)
      : spec.paragraphs,
    cta: { ...spec.cta, label: oneLine(fill(content.buttonLabel) ?? spec.cta.label, 60) },
  };
}

const DEFAULT_HEADER = "#ffffff";
const DEFAULT_BUTTON = "#111827";

/** Black or white text, whichever reads better on the brand colour (WCAG relative luminance). */
function textOn(background: string): string {
  const channel = (i: number) => {
    const c = parseInt(background.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? "#111827" : "#ffffff";
}

function safeColour(value: string | null | undefined, fallback: string): string {
  return value && /^#[0-9a-fA-F]{6}$/.test(value) ? value.toLowerCase() : fallback;
}

function headerHtml(ctx: TemplateContext, shopHref: string, background: string): string {
  const logo = ctx.brand?.logoUrl;
  const inner =
    logo && logo.startsWith("https://")
      ? `<img src="${escapeHtml(logo)}" alt="${escapeHtml(ctx.shop.name)}" height="40" style="display:block;border:0;height:40px;width:auto;max-width:240px">`
      : escapeHtml(ctx.shop.name);
  return `<tr><td bgcolor="${background}" style="padding:24px 32px;border-bottom:1px solid #e5e7eb;border-radius:8px 8px 0 0;background:${background};${FONT};font-size:18px;font-weight:700"><a href="${shopHref}" style="color:${textOn(background)};text-decoration:none">${inner}</a></td></tr>`;
}

export function renderLayout(ctx: TemplateContext, defaults: MessageSpec): RenderedMessage {
  assertSendable(ctx);
  const spec = withMerchantContent(ctx, defaults);
  const headerColour = safeColour(ctx.brand?.headerColor, DEFAULT_HEADER);
  const buttonColour = safeColour(ctx.brand?.buttonColor, DEFAULT_BUTTON);
  const brandFooter = ctx.brand?.footer?.trim()
    ? fillMergeFields(ctx.brand.footer.trim(), mergeValues(ctx), ctx.locale)
    : null;
  const footer = FOOTER[ctx.locale];
  const shopHref = escapeHtml(ctx.links.clickUrl(ctx.shop.url));
  const ctaHref = escapeHtml(ctx.links.clickUrl(spec.cta.target));
  const unsubscribeHref = escapeHtml(ctx.links.unsubscribeUrl);
  const products = spec.showProducts ? ctx.products : [];
  const offer = ctx.incentive ? incentiveLine(ctx.incentive, ctx.locale, ctx.shop.currency, ctx.shop.timezone) : null;
  const hello = greeting(ctx.customer.firstName, ctx.locale);

  const paragraphsHtml = [hello, ...spec.paragraphs]
    .map(
      (p) =>
        `<p style="margin:0 0 16px;${FONT};font-size:15px;line-height:1.7;color:#111827">${escapeHtml(p).replace(/\r?\n/g, "<br>")}</p>`,
    )
    .join("\n");
  const productsHtml =
    products.length > 0
      ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px">\n${products.map((p) => productRowHtml(ctx, p)).join("\n")}\n</table>`
      : "";
  const offerHtml = offer
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 16px"><tr><td style="padding:16px;background:#fef3c7;border-radius:6px;${FONT};font-size:15px;font-weight:600;color:#92400e">${escapeHtml(offer)}</td></tr></table>`
    : "";
  const ctaHtml = `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px"><tr><td bgcolor="${buttonColour}" style="border-radius:6px;background:${buttonColour}"><a href="${ctaHref}" style="display:inline-block;padding:12px 24px;${FONT};font-size:15px;font-weight:600;color:${textOn(buttonColour)};text-decoration:none">${escapeHtml(spec.cta.label)}</a></td></tr></table>`;
  const footerHtml = `${brandFooter ? `<p style="margin:0 0 8px">${escapeHtml(brandFooter).replace(/\r?\n/g, "<br>")}</p>\n` : ""}<p style="margin:0 0 8px">${escapeHtml(footer.why(ctx.shop.name))}</p>
<p style="margin:0 0 8px">${escapeHtml(ctx.sender.name)}<br>${escapeHtml(ctx.sender.postalAddress).replace(/\r?\n/g, "<br>")}<br>${escapeHtml(footer.contact + footer.colon + ctx.sender.contact)}</p>
<p style="margin:0">${escapeHtml(footer.unsubscribeHint)} <a href="${unsubscribeHref}" style="color:#6b7280;text-decoration:underline">${escapeHtml(footer.unsubscribe)}</a></p>`;

  const html = `<!DOCTYPE html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all">${escapeHtml(spec.preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6">
<tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background:#ffffff;border-radius:8px">
${headerHtml(ctx, shopHref, headerColour)}
<tr><td style="padding:32px">
<h1 style="margin:0 0 16px;${FONT};font-size:22px;line-height:1.4;color:#111827">${escapeHtml(spec.heading)}</h1>
${paragraphsHtml}
${productsHtml}
${offerHtml}
${ctaHtml}
</td></tr>
<tr><td style="padding:24px 32px;border-top:1px solid #e5e7eb;${FONT};font-size:12px;line-height:1.6;color:#6b7280">
${footerHtml}
</td></tr>
</table>
</td></tr>
</table>
<img src="${escapeHtml(ctx.links.openPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px">
</body>
</html>
`;

  const text = [
    hello,
    spec.heading,
    ...spec.paragraphs,
    ...(products.length > 0 ? [products.map((p) => productLineText(ctx, p)).join("\n")] : []),
    ...(offer ? [offer] : []),
    `${spec.cta.label}: ${ctx.links.clickUrl(spec.cta.target)}`,
    [
      "--",
      ...(brandFooter ? [brandFooter] : []),
      footer.why(ctx.shop.name),
      ctx.sender.name,
      ctx.sender.postalAddress,
      footer.contact + footer.colon + ctx.sender.contact,
      footer.unsubscribe + footer.colon + ctx.links.unsubscribeUrl,
    ].join("\n"),
  ].join("\n\n");

  const wording = {
    subject: defaults.subject,
    preheader: defaults.preheader,
    heading: defaults.heading,
    body: defaults.paragraphs.join("\n\n"),
    buttonLabel: defaults.cta.label,
  };
  return { subject: spec.subject, preheader: spec.preheader, html, text: text + "\n", defaults: wording };
}
