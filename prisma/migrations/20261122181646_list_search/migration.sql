-- pg_trgm serves the trigram index of contacts.search_text (Prisma does not manage extensions here).
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "search_text" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "sort_full_name" VARCHAR(500) NOT NULL DEFAULT '',
ADD COLUMN     "sort_last_name" VARCHAR(255) NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "contacts_organization_id_sort_last_name_id_idx" ON "contacts"("organization_id", "sort_last_name", "id");

-- CreateIndex
CREATE INDEX "contacts_organization_id_sort_full_name_id_idx" ON "contacts"("organization_id", "sort_full_name", "id");

-- CreateIndex
CREATE INDEX "contacts_search_text_idx" ON "contacts" USING GIN ("search_text" gin_trgm_ops);
