// The email editor's live preview (a resource route): the draft wording and brand, checked as a
// save checks them, rendered in both languages. Nothing is stored.
import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { previewWithDraft } from "~/modules/admin/scenarios/scenario-preview.server";
import { readJson } from "~/modules/admin/scenarios/scenario-admin-input";
import { isScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { requireAdminShop } from "~/modules/admin/shops/admin-request.server";

const draftInput = z.strictObject({
  content: z.record(z.string(), z.unknown()),
  brand: z.record(z.string(), z.unknown()),
});

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { db, shop } = await requireAdminShop(request);
  const key = params.key ?? "";
  if (!isScenarioKey(key)) throw new Response(null, { status: 404 });
  const input = draftInput.safeParse(await readJson(request));
  if (!input.success) return json({ ok: false as const, errors: [] }, { status: 400 });
  const result = await previewWithDraft(db, shop.id, key, new Date(), input.data);
  if (!result) throw new Response(null, { status: 404 });
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: 422 });
  const { ja, en } = result.preview;
  return json({
    ok: true as const,
    ja: { subject: ja.subject, html: ja.html },
    en: { subject: en.subject, html: en.html },
  });
};
