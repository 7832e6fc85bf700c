// Japan's Act on Regulation of Transmission of Specified Electronic Mail and CAN-SPAM require
// every marketing email to name its sender, a postal address and a way to get in touch. These
// messages are shown to the merchant (Settings, Home "needs attention"), so they say what to do.
import type { ShopSettings } from "./shop-settings-schema";

export type SettingsLocale = "ja" | "en";

type SenderField = "name" | "email" | "postalAddress" | "contact";

const PROBLEMS: Record<SenderField, Record<SettingsLocale, string>> = {
  name: {
    en: "Add a sender name — it is shown as the “From” name of every email.",
    ja: "送信者名を設定してください（メールの差出人名として表示されます）。",
  },
  email: {
    en: "Add a sender email address — emails are sent from it and replies go to it.",
    ja: "送信元メールアドレスを設定してください（返信もこのアドレスに届きます）。",
  },
  postalAddress: {
    en: "Add your business's postal address — the law requires it in every marketing email (Japan's Specified Electronic Mail Act, CAN-SPAM).",
    ja: "事業者の住所を設定してください（特定電子メール法・CAN-SPAM法により、すべての広告メールへの記載が必要です）。",
  },
  contact: {
    en: "Add a contact for questions — an email address, phone number or contact form URL.",
    ja: "問い合わせ先（メールアドレス・電話番号・お問い合わせフォームのURL）を設定してください。",
  },
};

const ORDER: readonly SenderField[] = ["name", "email", "postalAddress", "contact"];

/** What is still missing before marketing email may be sent; empty when the identity is complete. */
export function senderIdentityProblems(
  settings: Pick<ShopSettings, "sender">,
  locale: SettingsLocale = "en",
): string[] {
  return ORDER.filter((field) => !settings.sender[field]?.trim()).map((field) => PROBLEMS[field][locale]);
}

export function isSenderIdentityComplete(settings: Pick<ShopSettings, "sender">): boolean {
  return senderIdentityProblems(settings).length === 0;
}
