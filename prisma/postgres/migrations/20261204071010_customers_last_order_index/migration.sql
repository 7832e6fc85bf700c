-- DropIndex
DROP INDEX "Customer_shopId_lastOrderAt_idx";

-- CreateIndex
CREATE INDEX "Customer_shopId_lastOrderAt_id_idx" ON "Customer"("shopId", "lastOrderAt", "id");

