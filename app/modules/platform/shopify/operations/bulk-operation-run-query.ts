// bulkOperationRunQuery (Admin API 2026-04). groupObjects defaults to false since 2026-01;
// Joren asks for grouped output so that each child row follows its parent in the JSONL.
import { z } from "zod";
import { BULK_OPERATION_STATUSES } from "../admin-port";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const BULK_OPERATION_RUN_QUERY = /* GraphQL */ `
  mutation bulkOperationRunQuery($query: String!, $groupObjects: Boolean!) {
    bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const data = z.object({
  bulkOperationRunQuery: z.object({
    bulkOperation: z.object({ id: z.string(), status: z.enum(BULK_OPERATION_STATUSES) }).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const bulkOperationRunQuery: AdminOperation<z.infer<typeof data>> = {
  name: "bulkOperationRunQuery",
  document: BULK_OPERATION_RUN_QUERY,
  data,
};
