-- DropIndex
DROP INDEX "contact_changes_organization_id_seq_idx";

-- AlterTable
ALTER TABLE "contact_changes" ADD COLUMN     "txid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint;

-- CreateIndex
CREATE INDEX "contact_changes_organization_id_txid_seq_idx" ON "contact_changes"("organization_id", "txid", "seq");

-- CreateIndex
CREATE INDEX "contact_changes_organization_id_contact_id_idx" ON "contact_changes"("organization_id", "contact_id");
