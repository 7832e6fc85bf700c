-- DropIndex
DROP INDEX "Customer_reports_idx";

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "purchaseDays" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "purchaseDaysZone" TEXT;

-- CreateTable
CREATE TABLE "ClvCheckCache" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "fromDate" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ClvCheckCache_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClvCheckCache_shopId_fromDate_key" ON "ClvCheckCache"("shopId", "fromDate");

-- CreateIndex
CREATE INDEX "Customer_reports_idx" ON "Customer"("shopId", "firstOrderAt", "ordersCount", "netSpend", "secondOrderAt", "lastOrderAt", "ltv30", "ltv90", "ltv180", "ltv365", "purchaseDays", "purchaseDaysZone");

-- AddForeignKey
ALTER TABLE "ClvCheckCache" ADD CONSTRAINT "ClvCheckCache_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill the purchase days (ADR 0016): distinct shop-local calendar days with a counted order,
-- in the shop's zone (only a zone PostgreSQL knows; other shops' customers keep
-- purchaseDaysZone NULL until their next rollup, and the CLV report reads their orders until then).
UPDATE "Customer" c SET
  "purchaseDays" = (SELECT COUNT(DISTINCT CAST((o."shopifyCreatedAt" AT TIME ZONE 'UTC') AT TIME ZONE s."timezone" AS DATE)) FROM "Order" o
    WHERE o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."counted" = TRUE),
  "purchaseDaysZone" = s."timezone"
FROM "Shop" s
WHERE s."id" = c."shopId" AND s."timezone" IN (SELECT name FROM pg_timezone_names);
