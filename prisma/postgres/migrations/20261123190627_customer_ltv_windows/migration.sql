-- DropIndex
DROP INDEX "Customer_reports_idx";

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "ltv180" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "ltv30" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "ltv365" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "ltv90" BIGINT NOT NULL DEFAULT 0;

-- Backfill the LTV windows from the orders (ADR 0012)
UPDATE "Customer" c SET
  "ltv30" = COALESCE((SELECT SUM(o."totalPrice" - o."totalRefunded") FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."counted" = true
    AND o."shopifyCreatedAt" < c."firstOrderAt" + INTERVAL '30 days'), 0),
  "ltv90" = COALESCE((SELECT SUM(o."totalPrice" - o."totalRefunded") FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."counted" = true
    AND o."shopifyCreatedAt" < c."firstOrderAt" + INTERVAL '90 days'), 0),
  "ltv180" = COALESCE((SELECT SUM(o."totalPrice" - o."totalRefunded") FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."counted" = true
    AND o."shopifyCreatedAt" < c."firstOrderAt" + INTERVAL '180 days'), 0),
  "ltv365" = COALESCE((SELECT SUM(o."totalPrice" - o."totalRefunded") FROM "Order" o WHERE o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."counted" = true
    AND o."shopifyCreatedAt" < c."firstOrderAt" + INTERVAL '365 days'), 0)
WHERE c."firstOrderAt" IS NOT NULL;

-- CreateIndex
CREATE INDEX "Customer_reports_idx" ON "Customer"("shopId", "firstOrderAt", "ordersCount", "netSpend", "secondOrderAt", "lastOrderAt", "ltv30", "ltv90", "ltv180", "ltv365");

