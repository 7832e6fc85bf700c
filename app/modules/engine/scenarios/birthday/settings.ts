import { z } from "zod";
import { coupon, hour, off } from "~/modules/platform/settings/scenario-fields";

export const settings = z.strictObject({ enabled: off(), hour: hour(9), incentive: coupon("anyone") });
