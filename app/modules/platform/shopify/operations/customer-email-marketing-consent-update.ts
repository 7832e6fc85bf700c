// customerEmailMarketingConsentUpdate (Admin API 2026-04). Shopify accepts SUBSCRIBED,
// UNSUBSCRIBED and PENDING as input; Joren only ever sends the first two.
import { z } from "zod";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE = /* GraphQL */ `
  mutation customerEmailMarketingConsentUpdate($input: CustomerEmailMarketingConsentUpdateInput!) {
    customerEmailMarketingConsentUpdate(input: $input) {
      customer {
        id
        emailMarketingConsent {
          marketingState
          marketingOptInLevel
          consentUpdatedAt
        }
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const data = z.object({
  customerEmailMarketingConsentUpdate: z.object({
    customer: z.object({ id: z.string() }).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const customerEmailMarketingConsentUpdate: AdminOperation<z.infer<typeof data>> = {
  name: "customerEmailMarketingConsentUpdate",
  document: CUSTOMER_EMAIL_MARKETING_CONSENT_UPDATE,
  data,
};
