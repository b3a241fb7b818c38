import { randomUUID } from 'node:crypto';
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
        "SELECT json_build_object('id', 'con_' || c.id, 'type', c."type", 'firstName', c."first_name", 'middleName', c."middle_name", 'lastName', c."last_name", 'fullName', c."full_name", 'abbreviation', c."abbreviation", 'title', c."title", 'gender', c."gender", 'birthday', to_char(c.birthday, 'YYYY-MM-DD'), 'primaryLanguage', c."primary_language", 'description', c."description", 'strategy', c."strategy", 'jobTitle', c."job_title", 'department', c."department", 'email', (SELECT x.address FROM contact_emails x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'phone', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'mobile', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.label = 'MOBILE' ORDER BY x.position LIMIT 1), 'linkedInUrl', c."linkedin_url", 'profilePictureUrl', c."profile_picture_url", 'tags', c."tags", 'loginEmail', c."login_email", 'mailingListOptIn', c."mailing_list_opt_in", 'purchaseOrderNumber', c."purchase_order_number", 'etag', 'W/"' || c.version || '"', 'version', c."version", 'createdAt', to_char(c."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updatedAt', to_char(c."updated_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'deletedAt', to_char(c."deleted_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'emails', (SELECT coalesce(json_agg(json_build_object('address', t1."address", 'label', t1."label", 'isPrimary', t1."is_primary") ORDER BY t1.position), '[]') FROM contact_emails t1 WHERE t1.organization_id = c.organization_id AND t1.contact_id = c.id), 'phones', (SELECT coalesce(json_agg(json_build_object('number', t2."number", 'original', t2."original", 'label', t2."label", 'countryCode', t2."country_code", 'isPrimary', t2."is_primary") ORDER BY t2.position), '[]') FROM contact_phones t2 WHERE t2.organization_id = c.organization_id AND t2.contact_id = c.id), 'addresses', (SELECT coalesce(json_agg(json_build_object('street', t3."street", 'postalCode', t3."postal_code", 'city', t3."city", 'country', t3."country", 'formatted', coalesce(nullif(concat_ws(', ', nullif(t3.street, ''), nullif(t3.secondary_address, ''), nullif(concat_ws(' ', nullif(t3.postal_code, ''), nullif(t3.city, '')), ''), nullif(t3.state, ''), nullif(t3.country, '')), ''), t3.line, ''), 'isPrimary', t3."is_primary") ORDER BY t3.position), '[]') FROM contact_addresses t3 WHERE t3.organization_id = c.organization_id AND t3.contact_id = c.id), 'urls', (SELECT coalesce(json_agg(json_build_object('url', t4."url", 'isPrimary', t4."is_primary") ORDER BY t4.position), '[]') FROM contact_urls t4 WHERE t4.organization_id = c.organization_id AND t4.contact_id = c.id), 'externalRefs', (SELECT coalesce(json_agg(json_build_object('namespace', t5."namespace", 'externalId', t5."external_id") ORDER BY t5.namespace, t5.external_id), '[]') FROM external_refs t5 WHERE t5.organization_id = c.organization_id AND t5.contact_id = c.id), 'companies', (SELECT coalesce(json_agg(json_build_object('jobTitle', t6."job_title", 'isPrimary', t6."is_primary", 'company', (SELECT json_build_object('id', 'com_' || t7.id, 'name', t7."name", 'domain', t7."domain") FROM companies t7 WHERE t7.organization_id = t6.organization_id AND t7.id = t6.company_id LIMIT 1)) ORDER BY t6.position), '[]') FROM contact_companies t6 WHERE t6.organization_id = c.organization_id AND t6.contact_id = c.id), 'primaryCompany', (SELECT json_build_object('id', 'com_' || t8.id, 'name', t8."name") FROM contact_companies l JOIN companies t8 ON t8.organization_id = l.organization_id AND t8.id = l.company_id
                 WHERE l.organization_id = c.organization_id AND l.contact_id = c.id AND l.is_primary ORDER BY l.position LIMIT 1), 'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || t9.id, 'name', t9."name") ORDER BY m.created_at, m.group_id), '[]') FROM group_memberships m JOIN groups t9 ON t9.organization_id = m.organization_id AND t9.id = m.group_id
                 WHERE m.organization_id = c.organization_id AND m.contact_id = c.id), 'customFieldValues', (SELECT coalesce(json_agg(CASE CASE t10_f.type WHEN 'TEXT' THEN 'TextFieldValue' WHEN 'NUMBER' THEN 'NumberFieldValue' WHEN 'DATE' THEN 'DateFieldValue' WHEN 'SINGLE_SELECT' THEN 'SingleSelectFieldValue' WHEN 'MULTIPLE_SELECT' THEN 'MultipleSelectFieldValue' WHEN 'CONTACT' THEN 'ContactFieldValue' WHEN 'USER' THEN 'UserFieldValue' WHEN 'OBJECT' THEN 'ObjectFieldValue' WHEN 'MAGIC' THEN 'MagicFieldValue' END WHEN 'ContactFieldValue' THEN json_build_object('__typename', 'ContactFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'DateFieldValue' THEN json_build_object('__typename', 'DateFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MagicFieldValue' THEN json_build_object('__typename', 'MagicFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MultipleSelectFieldValue' THEN json_build_object('__typename', 'MultipleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'NumberFieldValue' THEN json_build_object('__typename', 'NumberFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'ObjectFieldValue' THEN json_build_object('__typename', 'ObjectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'SingleSelectFieldValue' THEN json_build_object('__typename', 'SingleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'TextFieldValue' THEN json_build_object('__typename', 'TextFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'text', t10.value->>'text') WHEN 'UserFieldValue' THEN json_build_object('__typename', 'UserFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) END ORDER BY t10_f.position, t10.field_id), '[]') FROM custom_field_values t10 JOIN custom_fields t10_f ON t10_f.organization_id = t10.organization_id AND t10_f.id = t10.field_id
                 WHERE t10.organization_id = c.organization_id AND t10.contact_id = c.id), 'createdBy', (SELECT json_build_object('id', 'usr_' || t11.id, 'fullName', t11."full_name") FROM users t11 WHERE t11.id = c.created_by_id LIMIT 1), 'updatedBy', (SELECT json_build_object('id', 'usr_' || t12.id) FROM users t12 WHERE t12.id = c.updated_by_id LIMIT 1), 'interactionMetadata', (SELECT json_build_object('user', json_build_object('approximateCount', t13.user_count, 'lastInteractedAt', to_char(t13.user_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'workspace', json_build_object('approximateCount', t13.workspace_count, 'lastInteractedAt', to_char(t13.workspace_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t14.id, 'fullName', t14."full_name") ORDER BY lu.last_at DESC, lu.user_id), '[]') FROM (SELECT i.user_id, max(i.occurred_at) AS last_at FROM interactions i
                          WHERE i.organization_id = t13.organization_id AND i.contact_id = t13.contact_id
                          GROUP BY i.user_id ORDER BY last_at DESC, i.user_id LIMIT 5) lu
                   JOIN users t14 ON t14.organization_id = t13.organization_id AND t14.id = lu.user_id))) FROM (SELECT c.organization_id, c.id AS contact_id,
                                     (count(*) FILTER (WHERE i.user_id = $::uuid))::int AS user_count,
                                     max(i.occurred_at) FILTER (WHERE i.user_id = $::uuid) AS user_last,
                                     count(*)::int AS workspace_count, max(i.occurred_at) AS workspace_last
                                FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id) t13 LIMIT 1)) AS json
                       FROM contacts k JOIN contacts c ON c.organization_id = k.organization_id AND c.id = coalesce(k.merged_into_id, k.id)
                      WHERE k.organization_id = $::uuid AND k.id = $::uuid AND c.deleted_at IS NULL",
      ]
    `);
  });

  it('finds a contact by external ref (normalised as stored) with one statement on external_refs, then reads it by id', async () => {
    const { data, statements } = await lookupStatements(CONTACT, { by: { externalRef: { namespace: ' CRM ', externalId: ` L-${last} ` } } });
    expect(data.contact).toMatchObject({ id: lastId, externalRefs: [{ namespace: 'crm', externalId: `L-${last}` }] });
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."contact_id" AS "contactId", "ExternalRef_contact"."__prisma_data__" AS "contact" FROM "public"."external_refs" AS "t0" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t1"."id", 'deletedAt', "t1"."deleted_at", 'mergedIntoId', "t1"."merged_into_id", 'mergedInto', "Contact_mergedInto"."__prisma_data__") AS "__prisma_data__" FROM "public"."contacts" AS "t1" LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'deletedAt', "t2"."deleted_at") AS "__prisma_data__" FROM "public"."contacts" AS "t2" WHERE "t1"."merged_into_id" = "t2"."id" LIMIT $) AS "Contact_mergedInto" ON true WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."contact_id" = "t1"."id") LIMIT $) AS "ExternalRef_contact" ON true WHERE (("t0"."organization_id" = $ AND "t0"."owner_type" = CAST($::text AS "public"."ExternalRefOwner") AND "t0"."namespace" = $ AND "t0"."external_id" = $) AND 1=1) LIMIT $",
        "SELECT json_build_object('id', 'con_' || c.id, 'type', c."type", 'firstName', c."first_name", 'middleName', c."middle_name", 'lastName', c."last_name", 'fullName', c."full_name", 'abbreviation', c."abbreviation", 'title', c."title", 'gender', c."gender", 'birthday', to_char(c.birthday, 'YYYY-MM-DD'), 'primaryLanguage', c."primary_language", 'description', c."description", 'strategy', c."strategy", 'jobTitle', c."job_title", 'department', c."department", 'email', (SELECT x.address FROM contact_emails x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'phone', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'mobile', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.label = 'MOBILE' ORDER BY x.position LIMIT 1), 'linkedInUrl', c."linkedin_url", 'profilePictureUrl', c."profile_picture_url", 'tags', c."tags", 'loginEmail', c."login_email", 'mailingListOptIn', c."mailing_list_opt_in", 'purchaseOrderNumber', c."purchase_order_number", 'etag', 'W/"' || c.version || '"', 'version', c."version", 'createdAt', to_char(c."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updatedAt', to_char(c."updated_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'deletedAt', to_char(c."deleted_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'emails', (SELECT coalesce(json_agg(json_build_object('address', t1."address", 'label', t1."label", 'isPrimary', t1."is_primary") ORDER BY t1.position), '[]') FROM contact_emails t1 WHERE t1.organization_id = c.organization_id AND t1.contact_id = c.id), 'phones', (SELECT coalesce(json_agg(json_build_object('number', t2."number", 'original', t2."original", 'label', t2."label", 'countryCode', t2."country_code", 'isPrimary', t2."is_primary") ORDER BY t2.position), '[]') FROM contact_phones t2 WHERE t2.organization_id = c.organization_id AND t2.contact_id = c.id), 'addresses', (SELECT coalesce(json_agg(json_build_object('street', t3."street", 'postalCode', t3."postal_code", 'city', t3."city", 'country', t3."country", 'formatted', coalesce(nullif(concat_ws(', ', nullif(t3.street, ''), nullif(t3.secondary_address, ''), nullif(concat_ws(' ', nullif(t3.postal_code, ''), nullif(t3.city, '')), ''), nullif(t3.state, ''), nullif(t3.country, '')), ''), t3.line, ''), 'isPrimary', t3."is_primary") ORDER BY t3.position), '[]') FROM contact_addresses t3 WHERE t3.organization_id = c.organization_id AND t3.contact_id = c.id), 'urls', (SELECT coalesce(json_agg(json_build_object('url', t4."url", 'isPrimary', t4."is_primary") ORDER BY t4.position), '[]') FROM contact_urls t4 WHERE t4.organization_id = c.organization_id AND t4.contact_id = c.id), 'externalRefs', (SELECT coalesce(json_agg(json_build_object('namespace', t5."namespace", 'externalId', t5."external_id") ORDER BY t5.namespace, t5.external_id), '[]') FROM external_refs t5 WHERE t5.organization_id = c.organization_id AND t5.contact_id = c.id), 'companies', (SELECT coalesce(json_agg(json_build_object('jobTitle', t6."job_title", 'isPrimary', t6."is_primary", 'company', (SELECT json_build_object('id', 'com_' || t7.id, 'name', t7."name", 'domain', t7."domain") FROM companies t7 WHERE t7.organization_id = t6.organization_id AND t7.id = t6.company_id LIMIT 1)) ORDER BY t6.position), '[]') FROM contact_companies t6 WHERE t6.organization_id = c.organization_id AND t6.contact_id = c.id), 'primaryCompany', (SELECT json_build_object('id', 'com_' || t8.id, 'name', t8."name") FROM contact_companies l JOIN companies t8 ON t8.organization_id = l.organization_id AND t8.id = l.company_id
                 WHERE l.organization_id = c.organization_id AND l.contact_id = c.id AND l.is_primary ORDER BY l.position LIMIT 1), 'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || t9.id, 'name', t9."name") ORDER BY m.created_at, m.group_id), '[]') FROM group_memberships m JOIN groups t9 ON t9.organization_id = m.organization_id AND t9.id = m.group_id
                 WHERE m.organization_id = c.organization_id AND m.contact_id = c.id), 'customFieldValues', (SELECT coalesce(json_agg(CASE CASE t10_f.type WHEN 'TEXT' THEN 'TextFieldValue' WHEN 'NUMBER' THEN 'NumberFieldValue' WHEN 'DATE' THEN 'DateFieldValue' WHEN 'SINGLE_SELECT' THEN 'SingleSelectFieldValue' WHEN 'MULTIPLE_SELECT' THEN 'MultipleSelectFieldValue' WHEN 'CONTACT' THEN 'ContactFieldValue' WHEN 'USER' THEN 'UserFieldValue' WHEN 'OBJECT' THEN 'ObjectFieldValue' WHEN 'MAGIC' THEN 'MagicFieldValue' END WHEN 'ContactFieldValue' THEN json_build_object('__typename', 'ContactFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'DateFieldValue' THEN json_build_object('__typename', 'DateFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MagicFieldValue' THEN json_build_object('__typename', 'MagicFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MultipleSelectFieldValue' THEN json_build_object('__typename', 'MultipleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'NumberFieldValue' THEN json_build_object('__typename', 'NumberFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'ObjectFieldValue' THEN json_build_object('__typename', 'ObjectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'SingleSelectFieldValue' THEN json_build_object('__typename', 'SingleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'TextFieldValue' THEN json_build_object('__typename', 'TextFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'text', t10.value->>'text') WHEN 'UserFieldValue' THEN json_build_object('__typename', 'UserFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) END ORDER BY t10_f.position, t10.field_id), '[]') FROM custom_field_values t10 JOIN custom_fields t10_f ON t10_f.organization_id = t10.organization_id AND t10_f.id = t10.field_id
                 WHERE t10.organization_id = c.organization_id AND t10.contact_id = c.id), 'createdBy', (SELECT json_build_object('id', 'usr_' || t11.id, 'fullName', t11."full_name") FROM users t11 WHERE t11.id = c.created_by_id LIMIT 1), 'updatedBy', (SELECT json_build_object('id', 'usr_' || t12.id) FROM users t12 WHERE t12.id = c.updated_by_id LIMIT 1), 'interactionMetadata', (SELECT json_build_object('user', json_build_object('approximateCount', t13.user_count, 'lastInteractedAt', to_char(t13.user_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'workspace', json_build_object('approximateCount', t13.workspace_count, 'lastInteractedAt', to_char(t13.workspace_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t14.id, 'fullName', t14."full_name") ORDER BY lu.last_at DESC, lu.user_id), '[]') FROM (SELECT i.user_id, max(i.occurred_at) AS last_at FROM interactions i
                          WHERE i.organization_id = t13.organization_id AND i.contact_id = t13.contact_id
                          GROUP BY i.user_id ORDER BY last_at DESC, i.user_id LIMIT 5) lu
                   JOIN users t14 ON t14.organization_id = t13.organization_id AND t14.id = lu.user_id))) FROM (SELECT c.organization_id, c.id AS contact_id,
                                     (count(*) FILTER (WHERE i.user_id = $::uuid))::int AS user_count,
                                     max(i.occurred_at) FILTER (WHERE i.user_id = $::uuid) AS user_last,
                                     count(*)::int AS workspace_count, max(i.occurred_at) AS workspace_last
                                FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id) t13 LIMIT 1)) AS json
                       FROM contacts k JOIN contacts c ON c.organization_id = k.organization_id AND c.id = coalesce(k.merged_into_id, k.id)
                      WHERE k.organization_id = $::uuid AND k.id = $::uuid AND c.deleted_at IS NULL",
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

  it("checks a bulk create's external refs, emails and company names through their unique indexes, whatever the statistics", async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const prisma = h.db.prisma as unknown as { $on(event: 'query', cb: (e: { query: string; params: string }) => void): void };
    let recording = true;
    prisma.$on('query', (e) => {
      if (recording) sent.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] });
    });
    const contacts = Array.from({ length: 200 }, (_, i) => ({
      lastName: `Bulk${i}`,
      externalRefs: [{ namespace: 'crm', externalId: `B-${i}` }],
      emails: [{ address: `bulk${i}@lookups.example` }],
      companies: [{ company: { name: `Bulk Company ${i % 20}` } }],
    }));
    const res = await owner.gql(
      graphql('mutation($input: CreateContactsInput!) { createContacts(input: $input) { results { contact { id } userErrors { message } } } }'),
      { input: { contacts } },
    );
    recording = false;
    expect(res.data!.createContacts.results.flatMap((r) => r.userErrors)).toEqual([]);
    const lookups = {
      external_refs: { index: 'external_refs_organization_id_owner_type_namespace_external_key', cond: /Index Cond: .*\(\(namespace\)::text = k\.namespace\) AND \(\(external_id\)::text = k\.external_id\)/ },
      contact_emails: { index: 'contact_emails_organization_id_address_normalized_key', cond: /Index Cond: .*\(\(address_normalized\)::text = k\.address\)/ },
      companies: { index: 'companies_organization_id_normalized_name_key', cond: /Index Cond: .*\(\(normalized_name\)::text = k\.name\)/ },
    };
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    try {
      for (const [table, expected] of Object.entries(lookups)) {
        const reads = sent.filter(({ sql }) => /^\s*SELECT/i.test(sql) && new RegExp(`\\bFROM ${table} [a-z]\\b`).test(sql));
        expect(reads, table).toHaveLength(1);
        // the generic plan (what PostgreSQL runs after any number of runs, for any values), and
        // the custom plans of its first runs, for this organisation and for one the statistics
        // do not know yet (created after the last ANALYZE, as one a first import fills)
        const { sql, params } = reads[0]!;
        await client.query(`PREPARE bulk_${table} AS ${sql}`);
        const literal = (value: unknown) => client.escapeLiteral(Array.isArray(value) ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}` : String(value));
        const organizationAt = params.findIndex((value) => value === owner.organizationId);
        expect(organizationAt).toBeGreaterThanOrEqual(0);
        for (const [mode, organizationId] of [['force_generic_plan', owner.organizationId], ['force_custom_plan', owner.organizationId], ['force_custom_plan', randomUUID()]] as const) {
          await client.query(`SET plan_cache_mode = ${mode}`);
          const values = params.map((value, index) => literal(index === organizationAt ? organizationId : value));
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE bulk_${table}(${values.join(', ')})`);
          const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
          expect(plan, `${table}, ${mode}`).toMatch(new RegExp(`Index (Only )?Scan using ${expected.index} on ${table}`));
          expect(plan, `${table}, ${mode}`).toMatch(expected.cond);
          expect(plan, `${table}, ${mode}`).not.toMatch(/Seq Scan|Filter:/);
        }
      }
    } finally {
      await client.end();
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
