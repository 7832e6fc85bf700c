// GET /email/unsubscribe?t=…: the confirmation page; POST: unsubscribe at once (RFC 8058
// one-click, and the page's button). Public: the signed token is the only credential.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { handleUnsubscribeRequest } from "~/modules/tracking/mail-endpoints.server";

export const loader = async ({ request }: LoaderFunctionArgs) =>
  handleUnsubscribeRequest(request, { db: await getDb() });

export const action = async ({ request }: ActionFunctionArgs) =>
  handleUnsubscribeRequest(request, { db: await getDb() });
