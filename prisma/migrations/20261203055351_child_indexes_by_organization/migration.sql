-- DropIndex
DROP INDEX "contact_addresses_contact_id_position_idx";

-- DropIndex
DROP INDEX "contact_emails_contact_id_position_idx";

-- DropIndex
DROP INDEX "contact_phones_contact_id_position_idx";

-- DropIndex
DROP INDEX "contact_urls_contact_id_position_idx";

-- DropIndex
DROP INDEX "external_refs_company_id_idx";

-- DropIndex
DROP INDEX "external_refs_contact_id_idx";

-- CreateIndex
CREATE INDEX "contact_addresses_organization_id_contact_id_position_idx" ON "contact_addresses"("organization_id", "contact_id", "position");

-- CreateIndex
CREATE INDEX "contact_emails_organization_id_contact_id_position_idx" ON "contact_emails"("organization_id", "contact_id", "position");

-- CreateIndex
CREATE INDEX "contact_phones_organization_id_contact_id_position_idx" ON "contact_phones"("organization_id", "contact_id", "position");

-- CreateIndex
CREATE INDEX "contact_urls_organization_id_contact_id_position_idx" ON "contact_urls"("organization_id", "contact_id", "position");

-- CreateIndex
CREATE INDEX "external_refs_organization_id_contact_id_idx" ON "external_refs"("organization_id", "contact_id");

-- CreateIndex
CREATE INDEX "external_refs_organization_id_company_id_idx" ON "external_refs"("organization_id", "company_id");
