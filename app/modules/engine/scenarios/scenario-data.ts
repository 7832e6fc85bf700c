// Each scenario's folder has a data.ts with two zod schemas: `row`, the facts its plan stores on a
// ledger row (Message.data, JSON) and its exits and contents read back; and `extra`, the facts its
// contents hand to its template (TemplateContext.extra). The engine parses a row's data with the
// scenario's `row` schema before the scenario sees it; a template reads its extra with readExtra.
import { z } from "zod";
import type { MessageExtra } from "~/modules/delivery/mail/templates/types";

export interface ScenarioDataSchemas<Row extends z.ZodType, Extra extends z.ZodObject> {
  row: Row;
  extra: Extra;
}

export function scenarioData<Row extends z.ZodType, Extra extends z.ZodObject>(
  schemas: ScenarioDataSchemas<Row, Extra>,
): ScenarioDataSchemas<Row, Extra> {
  return schemas;
}

/** No template facts. */
export const NO_EXTRA = z.object({});

/** ISO timestamp written with Date#toISOString. */
export const isoTime = z.string();

/**
 * A template's facts, field by field: a field that is missing or does not match its schema is left
 * out (the template shows its fallback wording), so one odd value never breaks an email.
 */
export function readExtra<S extends z.ZodObject>(schema: S, extra: MessageExtra | undefined): Partial<z.output<S>> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const parsed = field.safeParse(extra?.[key]);
    if (parsed.success && parsed.data !== null && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Partial<z.output<S>>;
}
