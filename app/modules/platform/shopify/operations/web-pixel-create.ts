// webPixelCreate (Admin API 2026-04): activates the app's web pixel extension with its
// settings (a JSON document matching the extension's settings definition).
import { z } from "zod";
import { userErrorsSchema, type AdminOperation } from "./operation";

export const WEB_PIXEL_CREATE = /* GraphQL */ `
  mutation webPixelCreate($webPixel: WebPixelInput!) {
    webPixelCreate(webPixel: $webPixel) {
      webPixel {
        id
        settings
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
  webPixelCreate: z.object({
    webPixel: z.object({ id: z.string() }).nullable(),
    userErrors: userErrorsSchema,
  }),
});

export const webPixelCreate: AdminOperation<z.infer<typeof data>> = {
  name: "webPixelCreate",
  document: WEB_PIXEL_CREATE,
  data,
};
