-- DropIndex
DROP INDEX "Order_shopId_customerId_shopifyCreatedAt_idx";

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "guardDiscountId" TEXT,
ADD COLUMN     "sendgridKeyEncrypted" TEXT;

-- CreateTable
CREATE TABLE "PointsEntry" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "shortfall" INTEGER NOT NULL DEFAULT 0,
    "orderGid" TEXT,
    "basePoints" INTEGER,
    "reason" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsLot" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,
    "earnedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PointsLot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductNeighbour" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "neighbourGid" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductNeighbour_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductReorderStat" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "buyers" INTEGER NOT NULL,
    "reorderCustomers" INTEGER NOT NULL,
    "medianIntervalDays" DOUBLE PRECISION,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProductReorderStat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecommendationModel" (
    "shopId" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "medianSecondOrderDays" DOUBLE PRECISION,
    "secondOrderSamples" INTEGER NOT NULL DEFAULT 0,
    "summary" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "RecommendationModel_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "RecommendationShown" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "shownAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RecommendationShown_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackInStockSubscription" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "productGid" TEXT NOT NULL,
    "variantGid" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "consentAt" TIMESTAMP(3) NOT NULL,
    "locale" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackInStockSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PointsEntry_shopId_customerId_occurredAt_idx" ON "PointsEntry"("shopId", "customerId", "occurredAt");

-- CreateIndex
CREATE INDEX "PointsEntry_shopId_orderGid_idx" ON "PointsEntry"("shopId", "orderGid");

-- CreateIndex
CREATE UNIQUE INDEX "PointsEntry_shopId_key_key" ON "PointsEntry"("shopId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "PointsLot_entryId_key" ON "PointsLot"("entryId");

-- CreateIndex
CREATE INDEX "PointsLot_shopId_customerId_expiresAt_idx" ON "PointsLot"("shopId", "customerId", "expiresAt");

-- CreateIndex
CREATE INDEX "PointsLot_shopId_expiresAt_remaining_idx" ON "PointsLot"("shopId", "expiresAt", "remaining");

-- CreateIndex
CREATE INDEX "ProductNeighbour_shopId_kind_productGid_rank_idx" ON "ProductNeighbour"("shopId", "kind", "productGid", "rank");

-- CreateIndex
CREATE UNIQUE INDEX "ProductNeighbour_shopId_kind_productGid_neighbourGid_key" ON "ProductNeighbour"("shopId", "kind", "productGid", "neighbourGid");

-- CreateIndex
CREATE UNIQUE INDEX "ProductReorderStat_shopId_productGid_key" ON "ProductReorderStat"("shopId", "productGid");

-- CreateIndex
CREATE INDEX "RecommendationShown_shopId_customerId_shownAt_idx" ON "RecommendationShown"("shopId", "customerId", "shownAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecommendationShown_messageId_productGid_key" ON "RecommendationShown"("messageId", "productGid");

-- CreateIndex
CREATE INDEX "BackInStockSubscription_shopId_variantGid_idx" ON "BackInStockSubscription"("shopId", "variantGid");

-- CreateIndex
CREATE UNIQUE INDEX "BackInStockSubscription_shopId_customerId_variantGid_key" ON "BackInStockSubscription"("shopId", "customerId", "variantGid");

-- CreateIndex
CREATE INDEX "Customer_reports_idx" ON "Customer"("shopId", "firstOrderAt", "ordersCount", "netSpend", "secondOrderAt", "lastOrderAt");

-- CreateIndex
CREATE INDEX "Order_reports_idx" ON "Order"("shopId", "customerId", "shopifyCreatedAt", "counted", "totalPrice", "totalRefunded");

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLot" ADD CONSTRAINT "PointsLot_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLot" ADD CONSTRAINT "PointsLot_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsLot" ADD CONSTRAINT "PointsLot_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "PointsEntry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductNeighbour" ADD CONSTRAINT "ProductNeighbour_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductReorderStat" ADD CONSTRAINT "ProductReorderStat_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationModel" ADD CONSTRAINT "RecommendationModel_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationShown" ADD CONSTRAINT "RecommendationShown_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackInStockSubscription" ADD CONSTRAINT "BackInStockSubscription_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BackInStockSubscription" ADD CONSTRAINT "BackInStockSubscription_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

