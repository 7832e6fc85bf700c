// One Admin GraphQL operation = one document plus the zod schema of its `data`. The real port
// sends the document and validates the answer with the schema, so nothing untyped escapes.
import { z } from "zod";

export interface AdminOperation<TData> {
  /** the operation's name, as Shopify's Admin API spells the root field */
  name: string;
  document: string;
  data: z.ZodType<TData>;
}

export const userErrorsSchema = z.array(
  z.object({
    field: z
      .array(z.string())
      .nullish()
      .transform((v) => v ?? null),
    message: z.string(),
    code: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
  }),
);
