// The Web Pixel's collector (extensions/joren-pixel). Remix sends every method but GET and
// HEAD to the action, so the CORS preflight (OPTIONS) lands there too; GET gets a 405.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/db.server";
import { handlePixelRequest } from "~/modules/jobs/endpoints/pixel-endpoint.server";

export const action = async ({ request }: ActionFunctionArgs) => handlePixelRequest(request, { db: await getDb() });

export const loader = async ({ request }: LoaderFunctionArgs) => handlePixelRequest(request, { db: await getDb() });
