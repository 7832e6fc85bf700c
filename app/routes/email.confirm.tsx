// GET /email/confirm?t=…: the double opt-in page with its button; POST: confirm the storefront
// request (ADR 0023). Public: the signed, expiring token is the only credential.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { handleConfirmRequest } from "~/modules/tracking/mail-endpoints.server";

export const loader = async ({ request }: LoaderFunctionArgs) => handleConfirmRequest(request, { db: await getDb() });

export const action = async ({ request }: ActionFunctionArgs) => handleConfirmRequest(request, { db: await getDb() });
