// POST /sendgrid/events: SendGrid's Signed Event Webhook. The verification key comes from
// SENDGRID_WEBHOOK_PUBLIC_KEY (docs/mail.md).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { handleSendgridEventsRequest } from "~/modules/tracking/mail-endpoints.server";

export const action = async ({ request }: ActionFunctionArgs) =>
  handleSendgridEventsRequest(request, { db: await getDb() });

export const loader = async ({ request }: LoaderFunctionArgs) =>
  handleSendgridEventsRequest(request, { db: await getDb() });
