-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "webPixelId" TEXT;

