import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseKind } from './support/database.js';
import type { TadaDocumentNode } from 'gql.tada';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// A lookup by email or external ref resolves the key on its unique index first, then reads the
// record by id: its cost does not grow with the organisation.

// The owner's key stays warm for the whole file (by default a cache entry lives
// KEY_CACHE_TTL_MS): the statements compared below do not depend on the time between requests.
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();

const SEEDED = databaseKind === 'postgres' ? 2_000 : 20;

const company = await owner.gql(
  graphql('mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } userErrors { code } } }'),
  { input: { name: 'Lookup  Works', externalRefs: [{ namespace: 'erp', externalId: 'C-1' }] } },
);
expect(company.data!.createCompany.userErrors).toEqual([]);
const companyId: string = company.data!.createCompany.company!.id;

const contactIds: string[] = [];
for (let start = 0; start < SEEDED; start += 500) {
  const contacts = Array.from({ length: Math.min(500, SEEDED - start) }, (_, k) => {
    const i = start + k;
    return {
      firstName: `Look${i}`,
      lastName: 'Up',
      emails: [{ address: `look${i}@a.example` }, { address: `look${i}@b.example` }],
      externalRefs: [{ namespace: 'crm', externalId: `L-${i}` }],
      tags: ['lookup'],
      companies: [{ company: { id: companyId } }, { company: { name: `Look Co ${i}` } }],
    };
  });
  const res = await owner.gql(
    graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } userErrors { message } } } }'),
    { input: { contacts } },
  );
  expect(res.errors).toBeUndefined();
  for (const result of res.data!.createContacts.results) {
    expect(result.userErrors).toEqual([]);
    contactIds.push(result.contact!.id);
  }
}
// The last contact: the one a walk over the organisation's contacts in id order meets last.
const last = SEEDED - 1;
const lastId = contactIds[last]!;
await h.db.sql.exec('ANALYZE');

// The canonical every-field selection (as in test/contact-list.test.ts).
const CONTACT = graphql(`query($by: ContactLookup!) {
  contact(by: $by) {
    id type firstName middleName lastName fullName abbreviation title gender birthday primaryLanguage
    description strategy jobTitle department email phone mobile linkedInUrl profilePictureUrl tags
    loginEmail mailingListOptIn purchaseOrderNumber etag version createdAt updatedAt deletedAt
    emails { address label isPrimary }
    phones { number original label countryCode isPrimary }
    addresses { street postalCode city country formatted isPrimary }
    urls { url isPrimary }
    externalRefs { namespace externalId }
    companies { jobTitle isPrimary company { id name domain } }
    primaryCompany { id name }
    groups { id name }
    customFieldValues { __typename field { id name type } ... on TextFieldValue { text } }
    createdBy { id fullName }
    updatedBy { id }
    interactionMetadata {
      user { approximateCount lastInteractedAt }
      workspace { approximateCount lastInteractedAt lastInteractedBy { id fullName } }
    }
  }
}`);
const COMPANY = graphql('query($by: CompanyLookup!) { company(by: $by) { id name externalRefs { namespace externalId } } }');

/** The statements of one operation after the key check (none for a warm key), parameters elided. */
async function lookupStatements<Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables: Variables) {
  const auth = await h.statementsOf(() => owner.gql(graphql('{ __typename }')));
  const { result, statements } = await h.statementsOf(() => owner.gql(query, variables));
  expect(result.errors).toBeUndefined();
  expect(statements.slice(0, auth.statements.length)).toEqual(auth.statements);
  return {
    data: result.data!,
    statements: statements.slice(auth.statements.length).map((sql) => sql.replace(/\$\d+/g, '$').replace(/\$(\s*,\s*\$)*/g, '$')),
  };
}

describe('contact(by:) and company(by:) statements', () => {
  it('finds a contact by email with one statement on contact_emails, then reads it by id', async () => {
    const { data, statements } = await lookupStatements(CONTACT, { by: { email: ` LOOK${last}@B.example` } });
    expect(data.contact).toMatchObject({ id: lastId, fullName: `Look${last} Up`, companies: [{ company: { name: 'Lookup Works' } }, { company: { name: `Look Co ${last}` } }] });
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."contact_id" AS "contactId", "ContactEmail_contact"."__prisma_data__" AS "contact" FROM "public"."contact_emails" AS "t0" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t1"."id", 'deletedAt', "t1"."deleted_at", 'mergedIntoId', "t1"."merged_into_id", 'mergedInto', "Contact_mergedInto"."__prisma_data__") AS "__prisma_data__" FROM "public"."contacts" AS "t1" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'deletedAt', "t2"."deleted_at") AS "__prisma_data__" FROM "public"."contacts" AS "t2" WHERE "t1"."merged_into_id" = "t2"."id" LIMIT $) AS "Contact_mergedInto" ON true WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."contact_id" = "t1"."id") LIMIT $) AS "ContactEmail_contact" ON true WHERE (("t0"."organization_id" = $ AND "t0"."address_normalized" = $) AND 1=1) LIMIT $",
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails", "Contact_phones"."__prisma_data__" AS "phones", "Contact_addresses"."__prisma_data__" AS "addresses", "Contact_urls"."__prisma_data__" AS "urls", "Contact_externalRefs"."__prisma_data__" AS "externalRefs", "Contact_companies"."__prisma_data__" AS "companies", "Contact_groups"."__prisma_data__" AS "groups", "Contact_customFieldValues"."__prisma_data__" AS "customFieldValues", "Contact_createdBy"."__prisma_data__" AS "createdBy", "Contact_updatedBy"."__prisma_data__" AS "updatedBy" FROM "public"."contacts" AS "t0" LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('address', "t2"."address", 'isPrimary', "t2"."is_primary", 'id', "t2"."id", 'label', "t2"."label") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t7"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('number', "t6"."number", 'isPrimary', "t6"."is_primary", 'label', "t6"."label", 'id', "t6"."id", 'original', "t6"."original", 'countryCode', "t6"."country_code") AS "__prisma_data__", "t6"."position" FROM (SELECT "t5".* FROM "public"."contact_phones" AS "t5" WHERE ("t0"."organization_id" = "t5"."organization_id" AND "t0"."id" = "t5"."contact_id") /* root select */) AS "t6" /* inner select */) AS "t7" ORDER BY "t7"."position" ASC /* middle select */) AS "t8" /* outer select */) AS "Contact_phones" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t11"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t10"."id", 'street', "t10"."street", 'postalCode', "t10"."postal_code", 'city', "t10"."city", 'country', "t10"."country", 'secondaryAddress', "t10"."secondary_address", 'state', "t10"."state", 'line', "t10"."line", 'isPrimary', "t10"."is_primary") AS "__prisma_data__", "t10"."position" FROM (SELECT "t9".* FROM "public"."contact_addresses" AS "t9" WHERE ("t0"."organization_id" = "t9"."organization_id" AND "t0"."id" = "t9"."contact_id") /* root select */) AS "t10" /* inner select */) AS "t11" ORDER BY "t11"."position" ASC /* middle select */) AS "t12" /* outer select */) AS "Contact_addresses" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t15"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t14"."id", 'url', "t14"."url", 'isPrimary', "t14"."is_primary") AS "__prisma_data__", "t14"."position" FROM (SELECT "t13".* FROM "public"."contact_urls" AS "t13" WHERE ("t0"."organization_id" = "t13"."organization_id" AND "t0"."id" = "t13"."contact_id") /* root select */) AS "t14" /* inner select */) AS "t15" ORDER BY "t15"."position" ASC /* middle select */) AS "t16" /* outer select */) AS "Contact_urls" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t19"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t18"."id", 'namespace', "t18"."namespace", 'externalId', "t18"."external_id") AS "__prisma_data__", "t18"."namespace", "t18"."external_id" FROM (SELECT "t17".* FROM "public"."external_refs" AS "t17" WHERE ("t0"."organization_id" = "t17"."organization_id" AND "t0"."id" = "t17"."contact_id") /* root select */) AS "t18" /* inner select */) AS "t19" ORDER BY "t19"."namespace" ASC, "t19"."external_id" ASC /* middle select */) AS "t20" /* outer select */) AS "Contact_externalRefs" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t23"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t22"."organization_id", 'companyId', "t22"."company_id", 'company', "ContactCompany_company"."__prisma_data__", 'contactId', "t22"."contact_id", 'companyId', "t22"."company_id", 'jobTitle', "t22"."job_title", 'isPrimary', "t22"."is_primary") AS "__prisma_data__", "t22"."position", "t22"."organization_id", "t22"."company_id" FROM (SELECT "t21".* FROM "public"."contact_companies" AS "t21" WHERE ("t0"."organization_id" = "t21"."organization_id" AND "t0"."id" = "t21"."contact_id") /* root select */) AS "t22" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t25"."id", 'organizationId', "t25"."organization_id", 'name', "t25"."name", 'normalizedName', "t25"."normalized_name", 'domain', "t25"."domain", 'createdAt', "t25"."created_at", 'updatedAt', "t25"."updated_at") AS "__prisma_data__" FROM "public"."companies" AS "t25" WHERE ("t22"."organization_id" = "t25"."organization_id" AND "t22"."company_id" = "t25"."id") LIMIT $) AS "ContactCompany_company" ON true /* inner select */) AS "t23" ORDER BY "t23"."position" ASC /* middle select */) AS "t24" /* outer select */) AS "Contact_companies" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t28"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t27"."organization_id", 'groupId', "t27"."group_id", 'group', "GroupMembership_group"."__prisma_data__") AS "__prisma_data__", "t27"."created_at", "t27"."organization_id", "t27"."group_id" FROM (SELECT "t26".* FROM "public"."group_memberships" AS "t26" WHERE ("t0"."organization_id" = "t26"."organization_id" AND "t0"."id" = "t26"."contact_id") /* root select */) AS "t27" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t30"."id", 'organizationId', "t30"."organization_id", 'name', "t30"."name", 'normalizedName', "t30"."normalized_name", 'createdAt', "t30"."created_at", 'updatedAt', "t30"."updated_at") AS "__prisma_data__" FROM "public"."groups" AS "t30" WHERE ("t27"."organization_id" = "t30"."organization_id" AND "t27"."group_id" = "t30"."id") LIMIT $) AS "GroupMembership_group" ON true /* inner select */) AS "t28" ORDER BY "t28"."created_at" ASC /* middle select */) AS "t29" /* outer select */) AS "Contact_groups" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t33"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t32"."organization_id", 'contactId', "t32"."contact_id", 'fieldId', "t32"."field_id", 'value', "t32"."value", 'organizationId', "t32"."organization_id", 'fieldId', "t32"."field_id", 'field', "CustomFieldValue_field"."__prisma_data__") AS "__prisma_data__", "t32"."organization_id", "t32"."field_id" FROM (SELECT "t31".* FROM "public"."custom_field_values" AS "t31" WHERE ("t0"."organization_id" = "t31"."organization_id" AND "t0"."id" = "t31"."contact_id") /* root select */) AS "t32" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t35"."id", 'organizationId', "t35"."organization_id", 'groupId', "t35"."group_id", 'name', "t35"."name", 'normalizedName', "t35"."normalized_name", 'type', "t35"."type", 'options', "t35"."options", 'position', "t35"."position", 'createdAt', "t35"."created_at") AS "__prisma_data__" FROM "public"."custom_fields" AS "t35" WHERE ("t32"."organization_id" = "t35"."organization_id" AND "t32"."field_id" = "t35"."id") LIMIT $) AS "CustomFieldValue_field" ON true /* inner select */) AS "t33" LEFT JOIN "public"."custom_fields" AS "orderby_1" ON ("orderby_1"."organization_id","orderby_1"."id") = ("t33"."organization_id","t33"."field_id") ORDER BY "orderby_1"."position" ASC, "t33"."field_id" ASC /* middle select */) AS "t34" /* outer select */) AS "Contact_customFieldValues" ON true LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t36"."id", 'organizationId', "t36"."organization_id", 'email', "t36"."email", 'emailNormalized', "t36"."email_normalized", 'fullName', "t36"."full_name", 'createdAt', "t36"."created_at") AS "__prisma_data__" FROM "public"."users" AS "t36" WHERE "t0"."created_by_id" = "t36"."id" LIMIT $) AS "Contact_createdBy" ON true LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t37"."id", 'organizationId', "t37"."organization_id", 'email', "t37"."email", 'emailNormalized', "t37"."email_normalized", 'fullName', "t37"."full_name", 'createdAt', "t37"."created_at") AS "__prisma_data__" FROM "public"."users" AS "t37" WHERE "t0"."updated_by_id" = "t37"."id" LIMIT $) AS "Contact_updatedBy" ON true WHERE ("t0"."id" = $ AND ("t0"."organization_id" = $ AND "t0"."deleted_at" IS NULL)) LIMIT $",
        "
          WITH latest_users AS (
            SELECT contact_id, user_id, max(occurred_at) AS last_at
              FROM interactions
             WHERE organization_id = $::uuid AND contact_id = ANY($::uuid[])
             GROUP BY contact_id, user_id
          )
          SELECT i.contact_id::text AS contact_id,
                 count(*)::int AS workspace_count,
                 max(i.occurred_at) AS workspace_last,
                 (SELECT array_agg(u.user_id::text ORDER BY u.last_at DESC)
                    FROM (SELECT * FROM latest_users lu WHERE lu.contact_id = i.contact_id ORDER BY lu.last_at DESC LIMIT $) u) AS last_user_ids,
                 (count(*) FILTER (WHERE i.user_id = $::uuid))::int AS user_count,
                 max(i.occurred_at) FILTER (WHERE i.user_id = $::uuid) AS user_last
            FROM interactions i
           WHERE i.organization_id = $::uuid AND i.contact_id = ANY($::uuid[])
           GROUP BY i.contact_id",
      ]
    `);
  });

  it('finds a contact by external ref (normalised as stored) with one statement on external_refs, then reads it by id', async () => {
    const { data, statements } = await lookupStatements(CONTACT, { by: { externalRef: { namespace: ' CRM ', externalId: ` L-${last} ` } } });
    expect(data.contact).toMatchObject({ id: lastId, externalRefs: [{ namespace: 'crm', externalId: `L-${last}` }] });
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."contact_id" AS "contactId", "ExternalRef_contact"."__prisma_data__" AS "contact" FROM "public"."external_refs" AS "t0" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t1"."id", 'deletedAt', "t1"."deleted_at", 'mergedIntoId', "t1"."merged_into_id", 'mergedInto', "Contact_mergedInto"."__prisma_data__") AS "__prisma_data__" FROM "public"."contacts" AS "t1" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'deletedAt', "t2"."deleted_at") AS "__prisma_data__" FROM "public"."contacts" AS "t2" WHERE "t1"."merged_into_id" = "t2"."id" LIMIT $) AS "Contact_mergedInto" ON true WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."contact_id" = "t1"."id") LIMIT $) AS "ExternalRef_contact" ON true WHERE (("t0"."organization_id" = $ AND "t0"."owner_type" = CAST($::text AS "public"."ExternalRefOwner") AND "t0"."namespace" = $ AND "t0"."external_id" = $) AND 1=1) LIMIT $",
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails", "Contact_phones"."__prisma_data__" AS "phones", "Contact_addresses"."__prisma_data__" AS "addresses", "Contact_urls"."__prisma_data__" AS "urls", "Contact_externalRefs"."__prisma_data__" AS "externalRefs", "Contact_companies"."__prisma_data__" AS "companies", "Contact_groups"."__prisma_data__" AS "groups", "Contact_customFieldValues"."__prisma_data__" AS "customFieldValues", "Contact_createdBy"."__prisma_data__" AS "createdBy", "Contact_updatedBy"."__prisma_data__" AS "updatedBy" FROM "public"."contacts" AS "t0" LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('address', "t2"."address", 'isPrimary', "t2"."is_primary", 'id', "t2"."id", 'label', "t2"."label") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t7"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('number', "t6"."number", 'isPrimary', "t6"."is_primary", 'label', "t6"."label", 'id', "t6"."id", 'original', "t6"."original", 'countryCode', "t6"."country_code") AS "__prisma_data__", "t6"."position" FROM (SELECT "t5".* FROM "public"."contact_phones" AS "t5" WHERE ("t0"."organization_id" = "t5"."organization_id" AND "t0"."id" = "t5"."contact_id") /* root select */) AS "t6" /* inner select */) AS "t7" ORDER BY "t7"."position" ASC /* middle select */) AS "t8" /* outer select */) AS "Contact_phones" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t11"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t10"."id", 'street', "t10"."street", 'postalCode', "t10"."postal_code", 'city', "t10"."city", 'country', "t10"."country", 'secondaryAddress', "t10"."secondary_address", 'state', "t10"."state", 'line', "t10"."line", 'isPrimary', "t10"."is_primary") AS "__prisma_data__", "t10"."position" FROM (SELECT "t9".* FROM "public"."contact_addresses" AS "t9" WHERE ("t0"."organization_id" = "t9"."organization_id" AND "t0"."id" = "t9"."contact_id") /* root select */) AS "t10" /* inner select */) AS "t11" ORDER BY "t11"."position" ASC /* middle select */) AS "t12" /* outer select */) AS "Contact_addresses" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t15"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t14"."id", 'url', "t14"."url", 'isPrimary', "t14"."is_primary") AS "__prisma_data__", "t14"."position" FROM (SELECT "t13".* FROM "public"."contact_urls" AS "t13" WHERE ("t0"."organization_id" = "t13"."organization_id" AND "t0"."id" = "t13"."contact_id") /* root select */) AS "t14" /* inner select */) AS "t15" ORDER BY "t15"."position" ASC /* middle select */) AS "t16" /* outer select */) AS "Contact_urls" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t19"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t18"."id", 'namespace', "t18"."namespace", 'externalId', "t18"."external_id") AS "__prisma_data__", "t18"."namespace", "t18"."external_id" FROM (SELECT "t17".* FROM "public"."external_refs" AS "t17" WHERE ("t0"."organization_id" = "t17"."organization_id" AND "t0"."id" = "t17"."contact_id") /* root select */) AS "t18" /* inner select */) AS "t19" ORDER BY "t19"."namespace" ASC, "t19"."external_id" ASC /* middle select */) AS "t20" /* outer select */) AS "Contact_externalRefs" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t23"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t22"."organization_id", 'companyId', "t22"."company_id", 'company', "ContactCompany_company"."__prisma_data__", 'contactId', "t22"."contact_id", 'companyId', "t22"."company_id", 'jobTitle', "t22"."job_title", 'isPrimary', "t22"."is_primary") AS "__prisma_data__", "t22"."position", "t22"."organization_id", "t22"."company_id" FROM (SELECT "t21".* FROM "public"."contact_companies" AS "t21" WHERE ("t0"."organization_id" = "t21"."organization_id" AND "t0"."id" = "t21"."contact_id") /* root select */) AS "t22" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t25"."id", 'organizationId', "t25"."organization_id", 'name', "t25"."name", 'normalizedName', "t25"."normalized_name", 'domain', "t25"."domain", 'createdAt', "t25"."created_at", 'updatedAt', "t25"."updated_at") AS "__prisma_data__" FROM "public"."companies" AS "t25" WHERE ("t22"."organization_id" = "t25"."organization_id" AND "t22"."company_id" = "t25"."id") LIMIT $) AS "ContactCompany_company" ON true /* inner select */) AS "t23" ORDER BY "t23"."position" ASC /* middle select */) AS "t24" /* outer select */) AS "Contact_companies" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t28"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t27"."organization_id", 'groupId', "t27"."group_id", 'group', "GroupMembership_group"."__prisma_data__") AS "__prisma_data__", "t27"."created_at", "t27"."organization_id", "t27"."group_id" FROM (SELECT "t26".* FROM "public"."group_memberships" AS "t26" WHERE ("t0"."organization_id" = "t26"."organization_id" AND "t0"."id" = "t26"."contact_id") /* root select */) AS "t27" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t30"."id", 'organizationId', "t30"."organization_id", 'name', "t30"."name", 'normalizedName', "t30"."normalized_name", 'createdAt', "t30"."created_at", 'updatedAt', "t30"."updated_at") AS "__prisma_data__" FROM "public"."groups" AS "t30" WHERE ("t27"."organization_id" = "t30"."organization_id" AND "t27"."group_id" = "t30"."id") LIMIT $) AS "GroupMembership_group" ON true /* inner select */) AS "t28" ORDER BY "t28"."created_at" ASC /* middle select */) AS "t29" /* outer select */) AS "Contact_groups" ON true LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t33"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t32"."organization_id", 'contactId', "t32"."contact_id", 'fieldId', "t32"."field_id", 'value', "t32"."value", 'organizationId', "t32"."organization_id", 'fieldId', "t32"."field_id", 'field', "CustomFieldValue_field"."__prisma_data__") AS "__prisma_data__", "t32"."organization_id", "t32"."field_id" FROM (SELECT "t31".* FROM "public"."custom_field_values" AS "t31" WHERE ("t0"."organization_id" = "t31"."organization_id" AND "t0"."id" = "t31"."contact_id") /* root select */) AS "t32" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t35"."id", 'organizationId', "t35"."organization_id", 'groupId', "t35"."group_id", 'name', "t35"."name", 'normalizedName', "t35"."normalized_name", 'type', "t35"."type", 'options', "t35"."options", 'position', "t35"."position", 'createdAt', "t35"."created_at") AS "__prisma_data__" FROM "public"."custom_fields" AS "t35" WHERE ("t32"."organization_id" = "t35"."organization_id" AND "t32"."field_id" = "t35"."id") LIMIT $) AS "CustomFieldValue_field" ON true /* inner select */) AS "t33" LEFT JOIN "public"."custom_fields" AS "orderby_1" ON ("orderby_1"."organization_id","orderby_1"."id") = ("t33"."organization_id","t33"."field_id") ORDER BY "orderby_1"."position" ASC, "t33"."field_id" ASC /* middle select */) AS "t34" /* outer select */) AS "Contact_customFieldValues" ON true LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t36"."id", 'organizationId', "t36"."organization_id", 'email', "t36"."email", 'emailNormalized', "t36"."email_normalized", 'fullName', "t36"."full_name", 'createdAt', "t36"."created_at") AS "__prisma_data__" FROM "public"."users" AS "t36" WHERE "t0"."created_by_id" = "t36"."id" LIMIT $) AS "Contact_createdBy" ON true LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t37"."id", 'organizationId', "t37"."organization_id", 'email', "t37"."email", 'emailNormalized', "t37"."email_normalized", 'fullName', "t37"."full_name", 'createdAt', "t37"."created_at") AS "__prisma_data__" FROM "public"."users" AS "t37" WHERE "t0"."updated_by_id" = "t37"."id" LIMIT $) AS "Contact_updatedBy" ON true WHERE ("t0"."id" = $ AND ("t0"."organization_id" = $ AND "t0"."deleted_at" IS NULL)) LIMIT $",
        "
          WITH latest_users AS (
            SELECT contact_id, user_id, max(occurred_at) AS last_at
              FROM interactions
             WHERE organization_id = $::uuid AND contact_id = ANY($::uuid[])
             GROUP BY contact_id, user_id
          )
          SELECT i.contact_id::text AS contact_id,
                 count(*)::int AS workspace_count,
                 max(i.occurred_at) AS workspace_last,
                 (SELECT array_agg(u.user_id::text ORDER BY u.last_at DESC)
                    FROM (SELECT * FROM latest_users lu WHERE lu.contact_id = i.contact_id ORDER BY lu.last_at DESC LIMIT $) u) AS last_user_ids,
                 (count(*) FILTER (WHERE i.user_id = $::uuid))::int AS user_count,
                 max(i.occurred_at) FILTER (WHERE i.user_id = $::uuid) AS user_last
            FROM interactions i
           WHERE i.organization_id = $::uuid AND i.contact_id = ANY($::uuid[])
           GROUP BY i.contact_id",
      ]
    `);
  });

  it('finds a company by name and by external ref the same way', async () => {
    const byName = await lookupStatements(COMPANY, { by: { name: 'lookup works ' } });
    expect(byName.data.company).toEqual({ id: companyId, name: 'Lookup Works', externalRefs: [{ namespace: 'erp', externalId: 'C-1' }] });
    expect(byName.statements).toMatchInlineSnapshot(`
      [
        "SELECT "t0"."id" FROM "public"."companies" AS "t0" WHERE (("t0"."organization_id" = $ AND "t0"."normalized_name" = $) AND 1=1) LIMIT $",
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."domain", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt", "Company_externalRefs"."__prisma_data__" AS "externalRefs" FROM "public"."companies" AS "t0" LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'namespace', "t2"."namespace", 'externalId', "t2"."external_id") AS "__prisma_data__", "t2"."namespace", "t2"."external_id" FROM (SELECT "t1".* FROM "public"."external_refs" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."company_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."namespace" ASC, "t3"."external_id" ASC /* middle select */) AS "t4" /* outer select */) AS "Company_externalRefs" ON true WHERE ("t0"."id" = $ AND "t0"."organization_id" = $) LIMIT $",
      ]
    `);
    const byRef = await lookupStatements(COMPANY, { by: { externalRef: { namespace: 'ERP', externalId: 'C-1' } } });
    expect(byRef.data.company).toEqual(byName.data.company);
    expect(byRef.statements).toMatchInlineSnapshot(`
      [
        "SELECT "t0"."id", "t0"."company_id" AS "companyId" FROM "public"."external_refs" AS "t0" WHERE (("t0"."organization_id" = $ AND "t0"."owner_type" = CAST($::text AS "public"."ExternalRefOwner") AND "t0"."namespace" = $ AND "t0"."external_id" = $) AND 1=1) LIMIT $",
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."domain", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt", "Company_externalRefs"."__prisma_data__" AS "externalRefs" FROM "public"."companies" AS "t0" LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'namespace', "t2"."namespace", 'externalId', "t2"."external_id") AS "__prisma_data__", "t2"."namespace", "t2"."external_id" FROM (SELECT "t1".* FROM "public"."external_refs" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."company_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."namespace" ASC, "t3"."external_id" ASC /* middle select */) AS "t4" /* outer select */) AS "Company_externalRefs" ON true WHERE ("t0"."id" = $ AND "t0"."organization_id" = $) LIMIT $",
      ]
    `);
  });

  it('answers null, with no read of the record, for a key nothing has or an invalid ref', async () => {
    for (const by of [{ email: 'nobody@a.example' }, { externalRef: { namespace: 'crm', externalId: 'NOPE' } }]) {
      const { data, statements } = await lookupStatements(CONTACT, { by });
      expect(data.contact).toBeNull();
      expect(statements).toHaveLength(1);
    }
    const invalid = await lookupStatements(CONTACT, { by: { externalRef: { namespace: 'not a namespace!', externalId: 'L-1' } } });
    expect(invalid.data.contact).toBeNull();
    expect(invalid.statements).toEqual([]);
  });
});

if (databaseKind === 'postgres') describe(`the lookup statement's plan at ${SEEDED} contacts (PostgreSQL)`, () => {
  /**
   * The plan PostgreSQL runs for each statement the operation sends that reads `table`. The
   * server sends named (prepared) statements, which PostgreSQL soon runs with a generic plan,
   * one made without the parameters' values: that is the plan explained (a plan for the
   * values alone can look fine while the generic one walks every contact).
   */
  async function plansOf<Data, Variables>(query: TadaDocumentNode<Data, Variables>, variables: Variables, table: string) {
    const sent: { sql: string; params: unknown[] }[] = [];
    const prisma = h.db.prisma as unknown as { $on(event: 'query', cb: (e: { query: string; params: string }) => void): void };
    let recording = true;
    prisma.$on('query', (e) => {
      if (recording) sent.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] });
    });
    const res = await owner.gql(query, variables);
    recording = false;
    expect(res.errors).toBeUndefined();
    const reads = sent.filter(({ sql }) => sql.includes(`"public"."${table}"`) && /^\s*SELECT/i.test(sql));
    expect(reads.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    try {
      await client.query('SET plan_cache_mode = force_generic_plan');
      const plans: string[] = [];
      for (const [index, { sql, params }] of reads.entries()) {
        await client.query(`PREPARE lookup_${index} AS ${sql}`);
        const values = params.map((value) => (typeof value === 'number' ? String(value) : client.escapeLiteral(String(value))));
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE lookup_${index}(${values.join(', ')})`);
        plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      }
      return plans;
    } finally {
      await client.end();
    }
  }

  /** Whether a plan reaches `table` only a row at a time (by a unique key), never walking it. */
  const scans = (plan: string, table: string) => plan.split('\n').filter((line) => new RegExp(`Scan .*\\bon ${table} `).test(line));
  const walks = (plan: string, table: string) => scans(plan, table).filter((line) => /Seq Scan/.test(line) || !/ rows=1 /.test(line));

  it('uses the unique index of contact_emails for a lookup by email, and never walks contacts', async () => {
    const plans = await plansOf(CONTACT, { by: { email: `look${last}@b.example` } }, 'contact_emails');
    expect(plans[0]).toMatch(/Index (Only )?Scan using contact_emails_organization_id_address_normalized_key on contact_emails/);
    for (const plan of plans) {
      expect(scans(plan, 'contacts').length).toBeGreaterThan(0);
      expect(walks(plan, 'contacts')).toEqual([]);
    }
  });

  it('uses the unique index of external_refs for a lookup by external ref, and never walks contacts', async () => {
    const plans = await plansOf(CONTACT, { by: { externalRef: { namespace: 'crm', externalId: `L-${last}` } } }, 'external_refs');
    expect(plans[0]).toMatch(/Index (Only )?Scan using external_refs_organization_id_owner_type_namespace_external_key on external_refs/);
    for (const plan of plans) {
      expect(scans(plan, 'contacts').length).toBeGreaterThan(0);
      expect(walks(plan, 'contacts')).toEqual([]);
    }
  });

  it('uses the unique indexes of companies and external_refs for a company by name and by ref, and never walks companies', async () => {
    const [byName] = await plansOf(COMPANY, { by: { name: 'Lookup Works' } }, 'companies');
    expect(byName).toMatch(/Index (Only )?Scan using companies_organization_id_normalized_name_key on companies/);
    const byRef = await plansOf(COMPANY, { by: { externalRef: { namespace: 'erp', externalId: 'C-1' } } }, 'external_refs');
    expect(byRef[0]).toMatch(/Index (Only )?Scan using external_refs_organization_id_owner_type_namespace_external_key on external_refs/);
    for (const plan of [byName!, ...byRef]) expect(walks(plan, 'companies')).toEqual([]);
  });
});
