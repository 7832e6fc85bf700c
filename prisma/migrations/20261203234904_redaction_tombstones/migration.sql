-- CreateTable
CREATE TABLE "RedactionTombstone" (
    "shopId" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "redactedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "hash"),
    CONSTRAINT "RedactionTombstone_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

