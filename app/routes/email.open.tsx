// GET /email/open?t=…: the open pixel; records the open and always answers a 1×1 GIF.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { demoClock } from "~/modules/tracking/demo-clock.server";
import { handleOpenRequest } from "~/modules/tracking/mail-endpoints.server";

export const loader = async ({ request }: LoaderFunctionArgs) =>
  handleOpenRequest(request, { db: await getDb(), now: demoClock(request) });

export const action = async ({ request }: ActionFunctionArgs) =>
  handleOpenRequest(request, { db: await getDb(), now: demoClock(request) });
