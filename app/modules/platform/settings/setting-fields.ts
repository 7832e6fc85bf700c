// Zod field builders whose every failure reads as one plain sentence a merchant can act on
// ("must be a whole number from 0 to 50"), instead of zod's developer-facing defaults.
import { z } from "zod";
import { hasControlCharacter } from "~/lib/control-characters";

export function wholeNumber(min: number, max: number, unit = "") {
  const error = `must be a whole number from ${min} to ${max}${unit ? ` ${unit}` : ""}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export function positiveAmount(max: number) {
  const error = `must be a number above 0, at most ${max}`;
  return z.number({ error }).positive({ error }).max(max, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of: ${values.join(", ")}` });
}

export function flag() {
  return z.boolean({ error: "must be true or false" });
}

/** Blank text means "not configured": the field is dropped rather than stored empty. */
export function optionalText(max: number) {
  return z.preprocess(
    (value) =>
      typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value,
    z
      .string({ error: "must be text" })
      .max(max, { error: `must be at most ${max} characters` })
      .optional(),
  );
}

/**
 * Text that ends up in a mail header (the "From" name): a CR or LF there would let the value
 * start a header of its own (Bcc:, a second From:), so any control character is refused.
 */
export function singleLineText(max: number) {
  return z.preprocess(
    (value) =>
      typeof value === "string" && value.trim() === "" ? undefined : typeof value === "string" ? value.trim() : value,
    z
      .string({ error: "must be text" })
      .max(max, { error: `must be at most ${max} characters` })
      .refine((text) => !hasControlCharacter(text), {
        error: "must be one line, without line breaks or control characters",
      })
      .optional(),
  );
}
