// node(id:) { ... on BulkOperation } (Admin API 2026-04): the status of one bulk operation.
import { z } from "zod";
import { BULK_OPERATION_STATUSES } from "../admin-port";
import type { AdminOperation } from "./operation";

export const BULK_OPERATION = /* GraphQL */ `
  query bulkOperation($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
        createdAt
        completedAt
      }
    }
  }
`;

const data = z.object({
  node: z
    .object({
      id: z.string(),
      status: z.enum(BULK_OPERATION_STATUSES),
      errorCode: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
      // UnsignedInt64: a string on the wire
      objectCount: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number),
      url: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
    })
    .nullable(),
});

export const bulkOperation: AdminOperation<z.infer<typeof data>> = {
  name: "bulkOperation",
  document: BULK_OPERATION,
  data,
};
