// POST https://{shop}/apps/joren/birthday → /proxy/birthday: the storefront birthday form. What
// the request may do is in app/modules/ingest/birthdays/storefront-birthday.server.ts; signature, body
// and answer as for every proxy form (app/modules/ingest/storefront/proxy-form.server.ts).
import type { ActionFunctionArgs } from "@remix-run/node";
import {
  BIRTHDAY_MESSAGES,
  birthdayFormSchema,
  HTTP_STATUS,
  saveStorefrontBirthDate,
} from "~/modules/ingest/birthdays/storefront-birthday.server";
import { handleProxyForm, methodNotAllowed } from "~/modules/ingest/storefront/proxy-form.server";

export const loader = methodNotAllowed;

export async function action({ request }: ActionFunctionArgs) {
  return handleProxyForm(request, {
    schema: birthdayFormSchema,
    handle: (db, { form, ...input }) => saveStorefrontBirthDate(db, { ...input, birthDate: form.birthDate }),
    invalid: "invalid",
    status: HTTP_STATUS,
    messages: BIRTHDAY_MESSAGES,
    defaultReturnPath: "/account",
    outcomeParam: "joren_birthday",
  });
}
