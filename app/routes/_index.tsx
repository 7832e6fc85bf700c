import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// Shopify opens the app with ?shop=…; everything else gets a short explanation.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response(
    "Joren (常連) — a Shopify app. Open it from your Shopify admin, or see README.md for the offline demo.",
    { headers: { "content-type": "text/plain; charset=utf-8" } },
  );
};
