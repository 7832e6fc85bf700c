// The "Activate" button for the checkout discount guard and what came of pressing it, shared by
// Onboarding and Home. It posts to the Onboarding route's action, the one place that activates.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack } from "@shopify/polaris";
import { useT } from "~/i18n/i18n";
import { adminErrorWords } from "~/i18n/admin-error-words";
import type { ActivateCheckoutDiscountResult } from "~/modules/admin/guard/checkout-discount-admin.server";

type ActivateAnswer = ActivateCheckoutDiscountResult | { ok: false; reason: "invalid" };

/** canActivate: the guard is not active now (after a success the page's state says so instead). */
export function CheckoutDiscountActivate({ canActivate }: { canActivate: boolean }) {
  const i18n = useT();
  const { t } = i18n;
  const activate = useFetcher<ActivateAnswer>();
  const result = activate.state === "idle" ? activate.data : undefined;
  return (
    <BlockStack gap="200">
      {result?.ok === true ? (
        <Banner tone="success">
          <p>{t("onboarding.discount.activated")}</p>
        </Banner>
      ) : null}
      {result?.ok === false ? (
        <Banner tone="critical">
          <p>
            {result.reason === "admin_error"
              ? t("onboarding.discount.activateFailed", { error: adminErrorWords(i18n, result.problem) })
              : result.reason === "function_not_deployed"
                ? t("onboarding.discount.activateNotDeployed")
                : t("common.badRequest")}
          </p>
        </Banner>
      ) : null}
      {result?.ok === true || !canActivate ? null : (
        <activate.Form method="post" action="/app/onboarding">
          <input type="hidden" name="intent" value="activateCheckoutDiscount" />
          <InlineStack>
            <Button submit variant="primary" loading={activate.state !== "idle"}>
              {t("onboarding.discount.activate")}
            </Button>
          </InlineStack>
        </activate.Form>
      )}
    </BlockStack>
  );
}
