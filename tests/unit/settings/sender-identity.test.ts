import { DEFAULT_SHOP_SETTINGS } from "~/modules/platform/settings/shop-settings";
import { isSenderIdentityComplete, senderIdentityProblems } from "~/modules/platform/settings/sender-identity";

const complete = {
  name: "Joren Tea",
  email: "shop@joren.jp",
  postalAddress: "東京都渋谷区1-2-3",
  contact: "03-0000-0000",
};

describe("senderIdentityProblems", () => {
  test("lists all four missing items in English by default", () => {
    const problems = senderIdentityProblems(DEFAULT_SHOP_SETTINGS);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/sender name/);
    expect(problems[1]).toMatch(/sender email address/);
    expect(problems[2]).toMatch(/postal address.*law/);
    expect(problems[3]).toMatch(/contact/);
  });

  test("in Japanese", () => {
    expect(senderIdentityProblems(DEFAULT_SHOP_SETTINGS, "ja")).toEqual([
      "送信者名を設定してください（メールの差出人名として表示されます）。",
      "送信元メールアドレスを設定してください（返信もこのアドレスに届きます）。",
      "事業者の住所を設定してください（特定電子メール法・CAN-SPAM法により、すべての広告メールへの記載が必要です）。",
      "問い合わせ先（メールアドレス・電話番号・お問い合わせフォームのURL）を設定してください。",
    ]);
  });

  test("lists only what is missing", () => {
    const { postalAddress: _omitted, ...rest } = complete;
    expect(senderIdentityProblems({ sender: rest }, "ja")).toEqual([
      "事業者の住所を設定してください（特定電子メール法・CAN-SPAM法により、すべての広告メールへの記載が必要です）。",
    ]);
    expect(senderIdentityProblems({ sender: { ...complete, contact: "   " } })).toHaveLength(1);
  });

  test("is empty once the identity is complete", () => {
    expect(senderIdentityProblems({ sender: complete })).toEqual([]);
    expect(senderIdentityProblems({ sender: complete }, "ja")).toEqual([]);
    expect(isSenderIdentityComplete({ sender: complete })).toBe(true);
    expect(isSenderIdentityComplete(DEFAULT_SHOP_SETTINGS)).toBe(false);
  });
});
