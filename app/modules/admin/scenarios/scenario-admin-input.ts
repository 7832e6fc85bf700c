// What the admin's scenario forms may post, checked before anything is read from it: anything
// else is a 400 that writes nothing.
import { z } from "zod";
import { isScenarioKey } from "~/modules/platform/settings/scenario-keys";

const scenarioKey = z.string().refine(isScenarioKey, { error: "unknown scenario" });

export const toggleInput = z.strictObject({ intent: z.literal("toggle"), key: scenarioKey, enabled: z.boolean() });

export const scenarioPageInput = z.discriminatedUnion("intent", [
  z.strictObject({ intent: z.literal("toggle"), enabled: z.boolean() }),
  z.strictObject({
    intent: z.literal("save"),
    values: z.record(z.string().max(200), z.union([z.string().max(2000), z.boolean()])),
  }),
  z.strictObject({
    intent: z.literal("testSend"),
    locale: z.enum(["ja", "en"]),
    to: z.email().max(254).optional(),
    customerId: z.string().min(1).max(100).nullable().optional(),
  }),
  // the email's wording and the shop's brand; their fields are checked by the content schemas
  z.strictObject({
    intent: z.literal("saveContent"),
    content: z.record(z.string(), z.unknown()),
    brand: z.record(z.string(), z.unknown()),
  }),
]);

/** The request's JSON body, or null when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}
