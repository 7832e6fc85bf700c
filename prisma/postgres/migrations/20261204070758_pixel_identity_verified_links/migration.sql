-- AlterTable
ALTER TABLE "Visitor" ADD COLUMN     "claimedCustomerGid" TEXT,
ADD COLUMN     "linkedVia" TEXT;

-- CreateIndex
CREATE INDEX "BehaviourEvent_shopId_checkoutToken_idx" ON "BehaviourEvent"("shopId", "checkoutToken");


-- Back-fill (ADR 0024): links made before this migration trusted the pixel's unsigned claims.
-- Keep a browser's link only where a mirrored checkout (from a signed checkouts/* webhook)
-- shares a token with that browser's checkout_started in the same shop, and re-attribute each
-- stored event to its browser's verified link (or to nobody).
UPDATE "Visitor" SET "customerId" = (
  SELECT c."customerId" FROM "BehaviourEvent" e
  JOIN "Checkout" c ON c."shopId" = e."shopId" AND c."token" = e."checkoutToken"
  WHERE e."shopId" = "Visitor"."shopId" AND e."clientId" = "Visitor"."clientId"
    AND e."name" = 'checkout_started' AND c."customerId" IS NOT NULL
  ORDER BY e."occurredAt" DESC LIMIT 1
);
UPDATE "Visitor" SET "linkedVia" = 'checkout' WHERE "customerId" IS NOT NULL;
UPDATE "BehaviourEvent" SET "customerId" = (
  SELECT v."customerId" FROM "Visitor" v
  WHERE v."shopId" = "BehaviourEvent"."shopId" AND v."clientId" = "BehaviourEvent"."clientId"
);
