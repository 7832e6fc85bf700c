// The settings schemas (app/modules/platform/settings) word their errors in English, for the CLI and the
// admin alike; this renders the known ones in Japanese. An unknown message stays in English
// rather than being lost.
import type { Locale } from "./locale";

const UNITS: Record<string, string> = {
  minutes: "分",
  hours: "時間",
  days: "日",
  products: "点",
  units: "個",
  "×": "倍",
  percent: "%",
  "o'clock": "時",
  points: "ポイント",
  orders: "回",
  "currency units": "通貨単位",
};

const PATTERNS: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /^must be a whole number from (\d+) to ([\d,]+)(?: (.+))?$/,
    (m) => `${m[1]}〜${m[2]}${m[3] ? (UNITS[m[3]] ?? m[3]) : ""}の整数で入力してください`,
  ],
  [/^must be a number above 0, at most ([\d.]+)$/, (m) => `0より大きく${m[1]}以下の数で入力してください`],
  [/^must be one of: (.+)$/, (m) => `次のいずれかを選んでください：${m[1]}`],
  [/^must be true or false$/, () => "オンかオフを選んでください"],
  [/^must be at most (\d+) characters$/, (m) => `${m[1]}文字以内で入力してください`],
  [/^must be text$/, () => "文字で入力してください"],
  [/^must be a number$/, () => "数値で入力してください"],
  [/^must not be negative$/, () => "0以上の数で入力してください"],
  [/^must be an email address/, () => "shop@example.com のようなメールアドレスを入力してください"],
  [/^must be a timezone name/, () => "Asia/Tokyo や America/New_York のようなタイムゾーン名を入力してください"],
  [/^start and end must differ/, () => "開始と終了は別の時刻にしてください（不要なら夜間停止をオフにしてください）"],
  [/^must be shorter than the second reminder's delay$/, () => "2通目までの時間より短くしてください"],
  [/^must not be above maxDays$/, () => "最長日数以下にしてください"],
  [/^must not be below minDays$/, () => "最短日数以上にしてください"],
  [/^a percent off must be a whole number from 1 to 100$/, () => "％割引は1〜100の整数で入力してください"],
  [/^an amount off must be above 0$/, () => "割引額は0より大きくしてください"],
  [/^bonus points must be a whole number of at least 1$/, () => "ボーナスポイントは1以上の整数で入力してください"],
  [/^must be a list of days/, () => "30,7 のように日数をカンマ区切りで入力してください"],
  [/^needs at least one day$/, () => "1つ以上の日数を入力してください"],
  [/^allows at most (\d+) reminders$/, (m) => `リマインドは${m[1]}回までです`],
  [/^must not repeat a day$/, () => "同じ日数を繰り返さないでください"],
  [/^"(.*)" is not a number/, (m) => `「${m[1]}」は数値ではありません`],
  [/^"(.*)" is not true or false/, (m) => `「${m[1]}」はオン・オフではありません`],
  [/^"(.*)" is not a comma-separated list of numbers/, (m) => `「${m[1]}」はカンマ区切りの数値ではありません`],
  [/^"(.*)" is not a window like 21-8, or off/, (m) => `「${m[1]}」は 21-8 のような時間帯ではありません`],
  [/^is not a known setting$/, () => "不明な設定です"],
  // security (issue 12): header injection through the sender name
  [
    /^must be one line, without line breaks or control characters$/,
    () => "改行や制御文字を含めず1行で入力してください",
  ],
];

export function localizeSettingError(message: string, locale: Locale): string {
  if (locale !== "ja") return message;
  for (const [pattern, render] of PATTERNS) {
    const match = pattern.exec(message);
    if (match) return render(match);
  }
  return message;
}

/** Every error for one field, localized and joined; undefined when there is none (Polaris' `error` prop). */
export function fieldErrorText(
  errors: readonly { field: string; message: string }[],
  field: string,
  locale: Locale,
): string | undefined {
  const found = errors.filter((e) => e.field === field).map((e) => localizeSettingError(e.message, locale));
  return found.length ? found.join(" ") : undefined;
}
