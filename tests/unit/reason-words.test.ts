// The engine's English reasons, as the admin shows them in Japanese and English.
import { createI18n } from "~/i18n/i18n";
import { reasonWord } from "~/i18n/value-words";

const ja = createI18n("ja");
const en = createI18n("en");

test.each([
  ["quiet hours 21–09 (Asia/Tokyo)", "配信停止時間帯の終了待ち"],
  [
    "frequency cap: one email per 24 h; cart_abandonment sent 2026-01-01",
    "送信頻度の上限により保留（直前に別のメールを送信）",
  ],
  ["control group (10% holdout)", "対照群（効果測定のため送信しません）"],
  ["address suppressed: bounced", "アドレスが不達（バウンス）"],
  ["email consent state unknown (none)", "メール配信の同意がありません"],
  ["scenario is off", "シナリオがオフにされました"],
  ["first-purchase offer withheld (the customer has ordered before)", "初回購入特典を除外（購入経験のある顧客）"],
  [
    "interrupted while sending; not retried, so it can never arrive twice",
    "送信が中断されました（二重送信なく処理済み）",
  ],
])("%s", (reason, words) => {
  expect(reasonWord(ja, reason)).toBe(words);
  expect(reasonWord(en, reason)).not.toMatch(/[ぁ-んァ-ン一-龯]/);
});

test("an unknown reason is shown as stored", () => {
  expect(reasonWord(ja, "something new")).toBe("something new");
});
