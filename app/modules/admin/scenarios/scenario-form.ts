// A scenario's settings as form fields, derived from its zod schema and current values, so the
// admin's settings form needs no per-scenario code. Values go back as the CLI's "path=value"
// assignments and are validated by the very same schema (scenario-config.server.ts).
import type { z } from "zod";
import { getAtPath, leafPaths } from "~/modules/platform/settings/assignments";

export type SettingFieldKind = "boolean" | "number" | "numberList" | "choice" | "text";

export interface SettingFieldSpec {
  /** dotted path, e.g. "secondReminder.delayHours" */
  path: string;
  kind: SettingFieldKind;
  /** the allowed values of a choice */
  options: string[];
  /** the current value as the form holds it: booleans as booleans, the rest as text */
  value: string | boolean;
}

export type SettingFormValues = Record<string, string | boolean>;

interface ZodDefLike {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  shape?: Record<string, ZodLike>;
  entries?: Record<string, string>;
}
interface ZodLike {
  _zod: { def: ZodDefLike };
}

/** Through defaults, optionals and transforms to the schema that holds the values. */
function unwrap(schema: ZodLike): ZodLike {
  let current = schema;
  for (let depth = 0; depth < 20; depth += 1) {
    const def = current._zod.def;
    if (
      def.innerType &&
      ["default", "prefault", "optional", "nullable", "catch", "readonly", "nonoptional"].includes(def.type)
    )
      current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else break;
  }
  return current;
}

function schemaAt(schema: ZodLike, path: readonly string[]): ZodLike | null {
  let current: ZodLike | null = unwrap(schema);
  for (const key of path) {
    const shape: Record<string, ZodLike> | undefined = current?._zod.def.shape;
    current = shape?.[key] ? unwrap(shape[key]) : null;
  }
  return current;
}

export function settingFields(
  schema: z.ZodType,
  current: unknown,
  omit: readonly string[] = ["enabled"],
): SettingFieldSpec[] {
  const root = schema as unknown as ZodLike;
  return leafPaths(current)
    .filter((path) => !omit.includes(path))
    .map((path): SettingFieldSpec => {
      const value = getAtPath(current, path.split("."));
      const entries = schemaAt(root, path.split("."))?._zod.def.entries;
      if (typeof value === "boolean") return { path, kind: "boolean", options: [], value };
      if (typeof value === "number") return { path, kind: "number", options: [], value: String(value) };
      if (Array.isArray(value)) return { path, kind: "numberList", options: [], value: value.join(",") };
      if (entries) return { path, kind: "choice", options: Object.values(entries), value: String(value ?? "") };
      return { path, kind: "text", options: [], value: value === null || value === undefined ? "" : String(value) };
    });
}

/** The form's values as assignments; only the fields of the form are read. */
export function assignmentsFromForm(fields: readonly SettingFieldSpec[], values: SettingFormValues): string[] {
  return fields.flatMap((field) => {
    if (!Object.hasOwn(values, field.path)) return [];
    const value = values[field.path] ?? ""; // present: checked just above
    return [`${field.path}=${typeof value === "boolean" ? String(value) : value.trim()}`];
  });
}
