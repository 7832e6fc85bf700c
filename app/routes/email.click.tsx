// GET /email/click?t=…: records the click and redirects to the URL signed into the token.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { demoClock } from "~/modules/tracking/demo-clock.server";
import { handleClickRequest } from "~/modules/tracking/mail-endpoints.server";

export const loader = async ({ request }: LoaderFunctionArgs) =>
  handleClickRequest(request, { db: await getDb(), now: demoClock(request) });

export const action = async ({ request }: ActionFunctionArgs) =>
  handleClickRequest(request, { db: await getDb(), now: demoClock(request) });
