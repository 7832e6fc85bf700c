// Zod issues → { field, message } with dotted field paths ("quietHours.startHour"), one entry
// per unknown key, so a form or the CLI can point at exactly what to fix.
import type { z } from "zod";

export interface SettingError {
  field: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): SettingError[] {
  const errors: SettingError[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        errors.push({ field: fieldPath([...issue.path, key]), message: "is not a known setting" });
    } else {
      errors.push({ field: fieldPath(issue.path) || "(settings)", message: issue.message });
    }
  }
  return errors;
}
