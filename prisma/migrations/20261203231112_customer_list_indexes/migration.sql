-- CreateIndex
CREATE INDEX "Customer_shopId_netSpend_id_idx" ON "Customer"("shopId", "netSpend", "id");

-- CreateIndex
CREATE INDEX "Customer_shopId_ordersCount_id_idx" ON "Customer"("shopId", "ordersCount", "id");

-- CreateIndex
CREATE INDEX "Customer_shopId_emailConsent_idx" ON "Customer"("shopId", "emailConsent");

