import { readFileSync } from 'node:fs';
import type { TadaDocumentNode } from 'gql.tada';
import { expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, rootField, type VariablesOf } from './support/graphql.js';

// The SQL each canonical operation sends, pinned next to its response (as Pothos' plugin-prisma
// tests pin every Prisma call): an N+1, an extra round trip or a wider read shows as a diff.
// The same snapshots hold on PGlite and on PostgreSQL. Each shows a warm API key, which costs
// no statement: the app's key cache outlives this file here (by default an entry lives
// KEY_CACHE_TTL_MS), so no snapshot depends on how long the one before took. The cold lookup
// and its TTL are pinned in test/auth.test.ts.

const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization({ name: 'Snapshot Org' });

/** The canonical list query, as test/contact-list.test.ts and the benchmark send it. */
const CANONICAL = /export const CANONICAL = graphql\(`([\s\S]*?)`\);/.exec(readFileSync(new URL('./contact-list.test.ts', import.meta.url), 'utf8'))![1]!;
/** Its selection under `node { … }`: every field of a contact. */
const NODE = CANONICAL.slice(CANONICAL.indexOf('node {') + 'node {'.length, CANONICAL.lastIndexOf('} }'));

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Names for the ids of what the file seeds, so a snapshot says which record it shows. */
const labels = new Map<string, string>([
  [owner.userId, 'owner'],
  [owner.organizationId, 'org'],
]);
const label = (publicId: string, name: string) => labels.set(publicId.slice(publicId.indexOf('_') + 1), name);

/** The response with stable placeholders: seeded ids by name, new ids numbered, dates and cursors masked. */
function masked(value: unknown): unknown {
  const fresh = new Map<string, string>();
  const text = JSON.stringify(value)
    .replace(UUID, (uuid) => {
      if (labels.has(uuid)) return `<${labels.get(uuid)}>`;
      if (!fresh.has(uuid)) fresh.set(uuid, `<new ${fresh.size + 1}>`);
      return fresh.get(uuid)!;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<date>')
    .replace(/"(cursor|endCursor)":"[^"]+"/g, '"$1":"<cursor>"');
  return JSON.parse(text);
}

/**
 * A statement with its whitespace collapsed (parameters are $1, $2…, so nothing else varies),
 * and each joined relation on a line of its own so that a diff points at the relation.
 * pglite-prisma-adapter ends a transaction through PGlite's own API, which Prisma reports as
 * `-- Implicit "COMMIT" query via underlying driver`; PrismaPg sends the COMMIT itself.
 */
const normalised = (sql: string) =>
  sql
    .replace(/^-- Implicit "(COMMIT|ROLLBACK)" query via underlying driver$/, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replaceAll(' LEFT JOIN LATERAL ', '\n  LEFT JOIN LATERAL ');

/**
 * The statements in a stable order. Those sent at once (the loads of one resolver tick, a
 * Promise.all) are reported as they finish, which on PostgreSQL's pool varies from run to run;
 * only a transaction's end orders them for sure, so the run between two COMMITs is sorted.
 */
function stableOrder(statements: string[]): string[] {
  const runs: string[][] = [[]];
  for (const sql of statements) {
    runs.at(-1)!.push(sql);
    if (sql === 'COMMIT' || sql === 'ROLLBACK') runs.push([]);
  }
  return runs.flatMap((run) => {
    const end = run.at(-1) === 'COMMIT' || run.at(-1) === 'ROLLBACK' ? run.splice(-1) : [];
    return [...run.sort(), ...end];
  });
}

/** Runs one operation as `owner`: its masked response and the SQL it sent. */
async function run(query: string, variables: Record<string, unknown>) {
  const { result, statements } = await h.statementsOf(() => owner.gql(query, variables));
  expect(result.errors).toBeUndefined();
  return { response: masked(result.data), statements: stableOrder(statements.map(normalised)) };
}

async function mutate<Data extends Record<string, { userErrors: unknown[] }>, Input>(query: TadaDocumentNode<Data, { input: Input }>, input: Input) {
  const res = await owner.gql(query, { input });
  expect(res.errors).toBeUndefined();
  const payload = rootField(res.data!);
  expect(payload.userErrors).toEqual([]);
  return payload;
}

// What the operations read: a group with a custom field of each kind, two companies and three
// contacts with something in every relation (the first with every field set), made one by one
// so that they list in a stable order.
const group = (await mutate(graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { message } } }'), { name: 'Customers' })).group;
label(group!.id, 'group');
const fields: Record<string, string> = {};
const CREATE_FIELD = graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { message } } }');
const fieldInputs: Omit<VariablesOf<typeof CREATE_FIELD>['input'], 'groupId'>[] = [
  { name: 'Note', type: 'TEXT' },
  { name: 'Score', type: 'NUMBER' },
  { name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] },
  { name: 'Buddy', type: 'CONTACT' },
  { name: 'Owner', type: 'USER' },
  { name: 'Related', type: 'OBJECT' },
];
for (const field of fieldInputs) {
  const created = await mutate(CREATE_FIELD, { groupId: group!.id, ...field });
  fields[field.name] = created.customField!.id;
  label(created.customField!.id, `field ${field.name}`);
}
const viewerEmail = (await owner.gql(graphql('{ viewer { user { email } } }'))).data!.viewer.user.email;
const seeded: string[] = [];
for (const i of [0, 1, 2]) {
  const created = await mutate(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id companies { company { id name } } } userErrors { message } } }'), {
    firstName: `Seed${i}`,
    lastName: 'Contact',
    emails: [{ address: `seed${i}@a.example` }, { address: `seed${i}@b.example`, label: 'work' }],
    phones: [{ number: `+4420794${60000 + i}` }],
    ...(i === 0 && {
      birthday: '1990-05-17',
      addresses: [{ city: 'London', country: 'GB' }],
      urls: [{ url: 'https://seed0.example' }],
      mailingListOptIn: true,
    }),
    externalRefs: [{ namespace: 'crm', externalId: `S${i}` }],
    tags: ['canon'],
    companies: [{ company: { name: `Seed Co ${i % 2}` }, jobTitle: 'Engineer' }],
    groups: [group!.id],
    customFieldValues: [
      { field: fields.Note, value: `note ${i}` },
      { field: fields.Score, value: i },
      ...(i === 0
        ? [
            { field: fields.Tier, value: 'Gold' },
            { field: fields.Owner, value: [{ email: viewerEmail }] },
            { field: fields.Related, value: [{ id: group!.id }] },
          ]
        : [{ field: fields.Buddy, value: [{ id: seeded[0] }] }]),
    ],
  });
  seeded.push(created.contact!.id);
  label(created.contact!.id, `Seed${i}`);
  label(created.contact!.companies[0]!.company.id, `Seed Co ${i % 2}`);
}
const first = seeded[0]!;
await mutate(graphql('mutation($input: RecordInteractionInput!) { recordInteraction(input: $input) { contact { id } userErrors { message } } }'), { contactId: first });

it('the contact page (contacts(first: 50), the canonical list query)', async () => {
  const { response, statements } = await run(CANONICAL, { first: 50 });
  expect(response).toMatchInlineSnapshot(`
    {
      "contacts": {
        "edges": [
          {
            "cursor": "<cursor>",
            "node": {
              "abbreviation": null,
              "addresses": [
                {
                  "city": "London",
                  "country": "GB",
                  "formatted": "London, GB",
                  "isPrimary": true,
                  "postalCode": null,
                  "street": null,
                },
              ],
              "birthday": "1990-05-17",
              "companies": [
                {
                  "company": {
                    "domain": null,
                    "id": "com_<Seed Co 0>",
                    "name": "Seed Co 0",
                  },
                  "isPrimary": true,
                  "jobTitle": "Engineer",
                },
              ],
              "createdAt": "<date>",
              "createdBy": {
                "fullName": "User 1",
                "id": "usr_<owner>",
              },
              "customFieldValues": [
                {
                  "__typename": "TextFieldValue",
                  "field": {
                    "id": "fld_<field Note>",
                    "name": "Note",
                    "type": "TEXT",
                  },
                  "text": "note 0",
                },
                {
                  "__typename": "NumberFieldValue",
                  "field": {
                    "id": "fld_<field Score>",
                    "name": "Score",
                    "type": "NUMBER",
                  },
                  "number": 0,
                },
                {
                  "__typename": "SingleSelectFieldValue",
                  "field": {
                    "id": "fld_<field Tier>",
                    "name": "Tier",
                    "type": "SINGLE_SELECT",
                  },
                  "option": "Gold",
                },
                {
                  "__typename": "UserFieldValue",
                  "field": {
                    "id": "fld_<field Owner>",
                    "name": "Owner",
                    "type": "USER",
                  },
                  "users": [
                    {
                      "fullName": "User 1",
                      "id": "usr_<owner>",
                    },
                  ],
                },
                {
                  "__typename": "ObjectFieldValue",
                  "field": {
                    "id": "fld_<field Related>",
                    "name": "Related",
                    "type": "OBJECT",
                  },
                  "objects": [
                    {
                      "id": "grp_<group>",
                    },
                  ],
                },
              ],
              "deletedAt": null,
              "department": null,
              "description": null,
              "email": "seed0@a.example",
              "emails": [
                {
                  "address": "seed0@a.example",
                  "isPrimary": true,
                  "label": null,
                },
                {
                  "address": "seed0@b.example",
                  "isPrimary": false,
                  "label": "work",
                },
              ],
              "etag": "W/"1"",
              "externalRefs": [
                {
                  "externalId": "S0",
                  "namespace": "crm",
                },
              ],
              "firstName": "Seed0",
              "fullName": "Seed0 Contact",
              "gender": null,
              "groups": [
                {
                  "id": "grp_<group>",
                  "name": "Customers",
                },
              ],
              "id": "con_<Seed0>",
              "interactionMetadata": {
                "user": {
                  "approximateCount": 1,
                  "lastInteractedAt": "<date>",
                },
                "workspace": {
                  "approximateCount": 1,
                  "lastInteractedAt": "<date>",
                  "lastInteractedBy": [
                    {
                      "fullName": "User 1",
                      "id": "usr_<owner>",
                    },
                  ],
                },
              },
              "jobTitle": "Engineer",
              "lastName": "Contact",
              "linkedInUrl": null,
              "loginEmail": null,
              "mailingListOptIn": true,
              "middleName": null,
              "mobile": null,
              "phone": "+442079460000",
              "phones": [
                {
                  "countryCode": "GB",
                  "isPrimary": true,
                  "label": null,
                  "number": "+442079460000",
                  "original": "+442079460000",
                },
              ],
              "primaryCompany": {
                "id": "com_<Seed Co 0>",
                "name": "Seed Co 0",
              },
              "primaryLanguage": null,
              "profilePictureUrl": null,
              "purchaseOrderNumber": null,
              "strategy": null,
              "tags": [
                "canon",
              ],
              "title": null,
              "type": "GENERAL",
              "updatedAt": "<date>",
              "updatedBy": {
                "id": "usr_<owner>",
              },
              "urls": [
                {
                  "isPrimary": true,
                  "url": "https://seed0.example",
                },
              ],
              "version": 1,
            },
          },
          {
            "cursor": "<cursor>",
            "node": {
              "abbreviation": null,
              "addresses": [],
              "birthday": null,
              "companies": [
                {
                  "company": {
                    "domain": null,
                    "id": "com_<Seed Co 1>",
                    "name": "Seed Co 1",
                  },
                  "isPrimary": true,
                  "jobTitle": "Engineer",
                },
              ],
              "createdAt": "<date>",
              "createdBy": {
                "fullName": "User 1",
                "id": "usr_<owner>",
              },
              "customFieldValues": [
                {
                  "__typename": "TextFieldValue",
                  "field": {
                    "id": "fld_<field Note>",
                    "name": "Note",
                    "type": "TEXT",
                  },
                  "text": "note 1",
                },
                {
                  "__typename": "NumberFieldValue",
                  "field": {
                    "id": "fld_<field Score>",
                    "name": "Score",
                    "type": "NUMBER",
                  },
                  "number": 1,
                },
                {
                  "__typename": "ContactFieldValue",
                  "contacts": [
                    {
                      "fullName": "Seed0 Contact",
                      "id": "con_<Seed0>",
                    },
                  ],
                  "field": {
                    "id": "fld_<field Buddy>",
                    "name": "Buddy",
                    "type": "CONTACT",
                  },
                },
              ],
              "deletedAt": null,
              "department": null,
              "description": null,
              "email": "seed1@a.example",
              "emails": [
                {
                  "address": "seed1@a.example",
                  "isPrimary": true,
                  "label": null,
                },
                {
                  "address": "seed1@b.example",
                  "isPrimary": false,
                  "label": "work",
                },
              ],
              "etag": "W/"1"",
              "externalRefs": [
                {
                  "externalId": "S1",
                  "namespace": "crm",
                },
              ],
              "firstName": "Seed1",
              "fullName": "Seed1 Contact",
              "gender": null,
              "groups": [
                {
                  "id": "grp_<group>",
                  "name": "Customers",
                },
              ],
              "id": "con_<Seed1>",
              "interactionMetadata": {
                "user": {
                  "approximateCount": 0,
                  "lastInteractedAt": null,
                },
                "workspace": {
                  "approximateCount": 0,
                  "lastInteractedAt": null,
                  "lastInteractedBy": [],
                },
              },
              "jobTitle": "Engineer",
              "lastName": "Contact",
              "linkedInUrl": null,
              "loginEmail": null,
              "mailingListOptIn": null,
              "middleName": null,
              "mobile": null,
              "phone": "+442079460001",
              "phones": [
                {
                  "countryCode": "GB",
                  "isPrimary": true,
                  "label": null,
                  "number": "+442079460001",
                  "original": "+442079460001",
                },
              ],
              "primaryCompany": {
                "id": "com_<Seed Co 1>",
                "name": "Seed Co 1",
              },
              "primaryLanguage": null,
              "profilePictureUrl": null,
              "purchaseOrderNumber": null,
              "strategy": null,
              "tags": [
                "canon",
              ],
              "title": null,
              "type": "GENERAL",
              "updatedAt": "<date>",
              "updatedBy": {
                "id": "usr_<owner>",
              },
              "urls": [],
              "version": 1,
            },
          },
          {
            "cursor": "<cursor>",
            "node": {
              "abbreviation": null,
              "addresses": [],
              "birthday": null,
              "companies": [
                {
                  "company": {
                    "domain": null,
                    "id": "com_<Seed Co 0>",
                    "name": "Seed Co 0",
                  },
                  "isPrimary": true,
                  "jobTitle": "Engineer",
                },
              ],
              "createdAt": "<date>",
              "createdBy": {
                "fullName": "User 1",
                "id": "usr_<owner>",
              },
              "customFieldValues": [
                {
                  "__typename": "TextFieldValue",
                  "field": {
                    "id": "fld_<field Note>",
                    "name": "Note",
                    "type": "TEXT",
                  },
                  "text": "note 2",
                },
                {
                  "__typename": "NumberFieldValue",
                  "field": {
                    "id": "fld_<field Score>",
                    "name": "Score",
                    "type": "NUMBER",
                  },
                  "number": 2,
                },
                {
                  "__typename": "ContactFieldValue",
                  "contacts": [
                    {
                      "fullName": "Seed0 Contact",
                      "id": "con_<Seed0>",
                    },
                  ],
                  "field": {
                    "id": "fld_<field Buddy>",
                    "name": "Buddy",
                    "type": "CONTACT",
                  },
                },
              ],
              "deletedAt": null,
              "department": null,
              "description": null,
              "email": "seed2@a.example",
              "emails": [
                {
                  "address": "seed2@a.example",
                  "isPrimary": true,
                  "label": null,
                },
                {
                  "address": "seed2@b.example",
                  "isPrimary": false,
                  "label": "work",
                },
              ],
              "etag": "W/"1"",
              "externalRefs": [
                {
                  "externalId": "S2",
                  "namespace": "crm",
                },
              ],
              "firstName": "Seed2",
              "fullName": "Seed2 Contact",
              "gender": null,
              "groups": [
                {
                  "id": "grp_<group>",
                  "name": "Customers",
                },
              ],
              "id": "con_<Seed2>",
              "interactionMetadata": {
                "user": {
                  "approximateCount": 0,
                  "lastInteractedAt": null,
                },
                "workspace": {
                  "approximateCount": 0,
                  "lastInteractedAt": null,
                  "lastInteractedBy": [],
                },
              },
              "jobTitle": "Engineer",
              "lastName": "Contact",
              "linkedInUrl": null,
              "loginEmail": null,
              "mailingListOptIn": null,
              "middleName": null,
              "mobile": null,
              "phone": "+442079460002",
              "phones": [
                {
                  "countryCode": "GB",
                  "isPrimary": true,
                  "label": null,
                  "number": "+442079460002",
                  "original": "+442079460002",
                },
              ],
              "primaryCompany": {
                "id": "com_<Seed Co 0>",
                "name": "Seed Co 0",
              },
              "primaryLanguage": null,
              "profilePictureUrl": null,
              "purchaseOrderNumber": null,
              "strategy": null,
              "tags": [
                "canon",
              ],
              "title": null,
              "type": "GENERAL",
              "updatedAt": "<date>",
              "updatedBy": {
                "id": "usr_<owner>",
              },
              "urls": [],
              "version": 1,
            },
          },
        ],
        "pageInfo": {
          "endCursor": "<cursor>",
          "hasNextPage": false,
        },
        "totalCount": 3,
      },
    }
  `);
  expect(statements).toMatchInlineSnapshot(`
    [
      "/* planned each run */ SELECT count(*)::int AS total FROM (SELECT 1 FROM contacts c WHERE c.organization_id = $1::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL AND c.tags && $2::text[] LIMIT 1001) c",
      "SELECT p.*, json_build_object('id', 'con_' || c.id, 'type', c."type", 'firstName', c."first_name", 'middleName', c."middle_name", 'lastName', c."last_name", 'fullName', c."full_name", 'abbreviation', c."abbreviation", 'title', c."title", 'gender', c."gender", 'birthday', to_char(c.birthday, 'YYYY-MM-DD'), 'primaryLanguage', c."primary_language", 'description', c."description", 'strategy', c."strategy", 'jobTitle', c."job_title", 'department', c."department", 'email', (SELECT x.address FROM contact_emails x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'phone', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'mobile', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.label = 'MOBILE' ORDER BY x.position LIMIT 1), 'linkedInUrl', c."linkedin_url", 'profilePictureUrl', c."profile_picture_url", 'tags', c."tags", 'loginEmail', c."login_email", 'mailingListOptIn', c."mailing_list_opt_in", 'purchaseOrderNumber', c."purchase_order_number", 'etag', 'W/"' || c.version || '"', 'version', c."version", 'createdAt', to_char(c."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updatedAt', to_char(c."updated_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'deletedAt', to_char(c."deleted_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'emails', (SELECT coalesce(json_agg(json_build_object('address', t1."address", 'label', t1."label", 'isPrimary', t1."is_primary") ORDER BY t1.position), '[]') FROM contact_emails t1 WHERE t1.organization_id = c.organization_id AND t1.contact_id = c.id), 'phones', (SELECT coalesce(json_agg(json_build_object('number', t2."number", 'original', t2."original", 'label', t2."label", 'countryCode', t2."country_code", 'isPrimary', t2."is_primary") ORDER BY t2.position), '[]') FROM contact_phones t2 WHERE t2.organization_id = c.organization_id AND t2.contact_id = c.id), 'addresses', (SELECT coalesce(json_agg(json_build_object('street', t3."street", 'postalCode', t3."postal_code", 'city', t3."city", 'country', t3."country", 'formatted', coalesce(nullif(concat_ws(', ', nullif(t3.street, ''), nullif(t3.secondary_address, ''), nullif(concat_ws(' ', nullif(t3.postal_code, ''), nullif(t3.city, '')), ''), nullif(t3.state, ''), nullif(t3.country, '')), ''), t3.line, ''), 'isPrimary', t3."is_primary") ORDER BY t3.position), '[]') FROM contact_addresses t3 WHERE t3.organization_id = c.organization_id AND t3.contact_id = c.id), 'urls', (SELECT coalesce(json_agg(json_build_object('url', t4."url", 'isPrimary', t4."is_primary") ORDER BY t4.position), '[]') FROM contact_urls t4 WHERE t4.organization_id = c.organization_id AND t4.contact_id = c.id), 'externalRefs', (SELECT coalesce(json_agg(json_build_object('namespace', t5."namespace", 'externalId', t5."external_id") ORDER BY t5.namespace, t5.external_id), '[]') FROM external_refs t5 WHERE t5.organization_id = c.organization_id AND t5.contact_id = c.id), 'companies', (SELECT coalesce(json_agg(json_build_object('jobTitle', t6."job_title", 'isPrimary', t6."is_primary", 'company', (SELECT json_build_object('id', 'com_' || t7.id, 'name', t7."name", 'domain', t7."domain") FROM companies t7 WHERE t7.organization_id = t6.organization_id AND t7.id = t6.company_id LIMIT 1)) ORDER BY t6.position), '[]') FROM contact_companies t6 WHERE t6.organization_id = c.organization_id AND t6.contact_id = c.id), 'primaryCompany', (SELECT json_build_object('id', 'com_' || t8.id, 'name', t8."name") FROM contact_companies l JOIN companies t8 ON t8.organization_id = l.organization_id AND t8.id = l.company_id WHERE l.organization_id = c.organization_id AND l.contact_id = c.id AND l.is_primary ORDER BY l.position LIMIT 1), 'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || t9.id, 'name', t9."name") ORDER BY m.created_at, m.group_id), '[]') FROM group_memberships m JOIN groups t9 ON t9.organization_id = m.organization_id AND t9.id = m.group_id WHERE m.organization_id = c.organization_id AND m.contact_id = c.id), 'customFieldValues', (SELECT coalesce(json_agg(CASE CASE t10_f.type WHEN 'TEXT' THEN 'TextFieldValue' WHEN 'NUMBER' THEN 'NumberFieldValue' WHEN 'DATE' THEN 'DateFieldValue' WHEN 'SINGLE_SELECT' THEN 'SingleSelectFieldValue' WHEN 'MULTIPLE_SELECT' THEN 'MultipleSelectFieldValue' WHEN 'CONTACT' THEN 'ContactFieldValue' WHEN 'USER' THEN 'UserFieldValue' WHEN 'OBJECT' THEN 'ObjectFieldValue' WHEN 'MAGIC' THEN 'MagicFieldValue' END WHEN 'ContactFieldValue' THEN json_build_object('__typename', 'ContactFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'contacts', (SELECT coalesce(json_agg(json_build_object('id', 'con_' || t11.id, 'fullName', t11."full_name") ORDER BY e.n), '[]') FROM jsonb_array_elements_text(t10.value->'contactIds') WITH ORDINALITY e(id, n) JOIN contacts s ON s.organization_id = t10.organization_id AND s.id = e.id::uuid JOIN contacts t11 ON t11.organization_id = s.organization_id AND t11.id = coalesce(s.merged_into_id, s.id))) WHEN 'DateFieldValue' THEN json_build_object('__typename', 'DateFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MagicFieldValue' THEN json_build_object('__typename', 'MagicFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MultipleSelectFieldValue' THEN json_build_object('__typename', 'MultipleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'NumberFieldValue' THEN json_build_object('__typename', 'NumberFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'number', t10.value->'number') WHEN 'ObjectFieldValue' THEN json_build_object('__typename', 'ObjectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'objects', (SELECT coalesce(json_agg(CASE t12.typename WHEN 'Company' THEN json_build_object('id', 'com_' || t12.id) WHEN 'Contact' THEN json_build_object('id', 'con_' || t12.id) WHEN 'CustomField' THEN json_build_object('id', 'fld_' || t12.id) WHEN 'Group' THEN json_build_object('id', 'grp_' || t12.id) WHEN 'Organization' THEN json_build_object('id', 'org_' || t12.id) WHEN 'User' THEN json_build_object('id', 'usr_' || t12.id) END ORDER BY t12.n), '[]') FROM (SELECT e.n, e.ref->>'typename' AS typename, coalesce(coalesce(cs.merged_into_id, cs.id), co.id, g.id, f.id, u.id, o.id) AS id FROM jsonb_array_elements(t10.value->'objects') WITH ORDINALITY e(ref, n) LEFT JOIN contacts cs ON e.ref->>'typename' = 'Contact' AND cs.organization_id = t10.organization_id AND cs.id = (e.ref->>'id')::uuid LEFT JOIN companies co ON e.ref->>'typename' = 'Company' AND co.organization_id = t10.organization_id AND co.id = (e.ref->>'id')::uuid LEFT JOIN groups g ON e.ref->>'typename' = 'Group' AND g.organization_id = t10.organization_id AND g.id = (e.ref->>'id')::uuid LEFT JOIN custom_fields f ON e.ref->>'typename' = 'CustomField' AND f.organization_id = t10.organization_id AND f.id = (e.ref->>'id')::uuid LEFT JOIN users u ON e.ref->>'typename' = 'User' AND u.organization_id = t10.organization_id AND u.id = (e.ref->>'id')::uuid LEFT JOIN organizations o ON e.ref->>'typename' = 'Organization' AND o.id = t10.organization_id AND o.id = (e.ref->>'id')::uuid) t12 WHERE t12.id IS NOT NULL)) WHEN 'SingleSelectFieldValue' THEN json_build_object('__typename', 'SingleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'option', t10.value->>'option') WHEN 'TextFieldValue' THEN json_build_object('__typename', 'TextFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'text', t10.value->>'text') WHEN 'UserFieldValue' THEN json_build_object('__typename', 'UserFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'users', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t13.id, 'fullName', t13."full_name") ORDER BY e.n), '[]') FROM jsonb_array_elements_text(t10.value->'userIds') WITH ORDINALITY e(id, n) JOIN users t13 ON t13.organization_id = t10.organization_id AND t13.id = e.id::uuid)) END ORDER BY t10_f.position, t10.field_id), '[]') FROM custom_field_values t10 JOIN custom_fields t10_f ON t10_f.organization_id = t10.organization_id AND t10_f.id = t10.field_id WHERE t10.organization_id = c.organization_id AND t10.contact_id = c.id), 'createdBy', (SELECT json_build_object('id', 'usr_' || t14.id, 'fullName', t14."full_name") FROM users t14 WHERE t14.id = c.created_by_id LIMIT 1), 'updatedBy', (SELECT json_build_object('id', 'usr_' || t15.id) FROM users t15 WHERE t15.id = c.updated_by_id LIMIT 1), 'interactionMetadata', (SELECT json_build_object('user', json_build_object('approximateCount', t16.user_count, 'lastInteractedAt', to_char(t16.user_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'workspace', json_build_object('approximateCount', t16.workspace_count, 'lastInteractedAt', to_char(t16.workspace_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t17.id, 'fullName', t17."full_name") ORDER BY lu.last_at DESC, lu.user_id), '[]') FROM (SELECT i.user_id, max(i.occurred_at) AS last_at FROM interactions i WHERE i.organization_id = t16.organization_id AND i.contact_id = t16.contact_id GROUP BY i.user_id ORDER BY last_at DESC, i.user_id LIMIT 5) lu JOIN users t17 ON t17.organization_id = t16.organization_id AND t17.id = lu.user_id))) FROM (SELECT c.organization_id, c.id AS contact_id, (count(*) FILTER (WHERE i.user_id = $9::uuid))::int AS user_count, max(i.occurred_at) FILTER (WHERE i.user_id = $9::uuid) AS user_last, count(*)::int AS workspace_count, max(i.occurred_at) AS workspace_last FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id) t16 LIMIT 1)) AS node_0 FROM ( WITH walked AS MATERIALIZED ( SELECT c.id::text AS id, c.created_at AS sort_value FROM (SELECT c.id, c.created_at, c.organization_id, c.tags FROM contacts c WHERE c.organization_id = $1::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL ORDER BY c.created_at ASC, c.id ASC LIMIT 1000) c WHERE c.tags && $2::text[] ORDER BY c.created_at ASC, c.id ASC LIMIT $3), matches AS MATERIALIZED (SELECT c.id, c.created_at AS sort_value FROM contacts c WHERE c.organization_id = $4::uuid AND c.merged_into_id IS NULL AND c.deleted_at IS NULL AND c.tags && $5::text[]) SELECT id, sort_value FROM walked WHERE (SELECT count(*) FROM walked) > $6 UNION ALL (SELECT c.id::text, c.sort_value FROM matches c WHERE (SELECT count(*) FROM walked) <= $7 ORDER BY c.sort_value ASC, c.id ASC LIMIT $8)) p LEFT JOIN contacts c ON c.organization_id = $10::uuid AND c.id = p.id::uuid ORDER BY p.sort_value ASC, p.id::uuid ASC",
    ]
  `);
});

it('a contact by id, every field', async () => {
  const { response, statements } = await run(`query($id: ID!) { contact(by: { id: $id }) {${NODE} ssn } }`, { id: first });
  expect(response).toMatchInlineSnapshot(`
    {
      "contact": {
        "abbreviation": null,
        "addresses": [
          {
            "city": "London",
            "country": "GB",
            "formatted": "London, GB",
            "isPrimary": true,
            "postalCode": null,
            "street": null,
          },
        ],
        "birthday": "1990-05-17",
        "companies": [
          {
            "company": {
              "domain": null,
              "id": "com_<Seed Co 0>",
              "name": "Seed Co 0",
            },
            "isPrimary": true,
            "jobTitle": "Engineer",
          },
        ],
        "createdAt": "<date>",
        "createdBy": {
          "fullName": "User 1",
          "id": "usr_<owner>",
        },
        "customFieldValues": [
          {
            "__typename": "TextFieldValue",
            "field": {
              "id": "fld_<field Note>",
              "name": "Note",
              "type": "TEXT",
            },
            "text": "note 0",
          },
          {
            "__typename": "NumberFieldValue",
            "field": {
              "id": "fld_<field Score>",
              "name": "Score",
              "type": "NUMBER",
            },
            "number": 0,
          },
          {
            "__typename": "SingleSelectFieldValue",
            "field": {
              "id": "fld_<field Tier>",
              "name": "Tier",
              "type": "SINGLE_SELECT",
            },
            "option": "Gold",
          },
          {
            "__typename": "UserFieldValue",
            "field": {
              "id": "fld_<field Owner>",
              "name": "Owner",
              "type": "USER",
            },
            "users": [
              {
                "fullName": "User 1",
                "id": "usr_<owner>",
              },
            ],
          },
          {
            "__typename": "ObjectFieldValue",
            "field": {
              "id": "fld_<field Related>",
              "name": "Related",
              "type": "OBJECT",
            },
            "objects": [
              {
                "id": "grp_<group>",
              },
            ],
          },
        ],
        "deletedAt": null,
        "department": null,
        "description": null,
        "email": "seed0@a.example",
        "emails": [
          {
            "address": "seed0@a.example",
            "isPrimary": true,
            "label": null,
          },
          {
            "address": "seed0@b.example",
            "isPrimary": false,
            "label": "work",
          },
        ],
        "etag": "W/"1"",
        "externalRefs": [
          {
            "externalId": "S0",
            "namespace": "crm",
          },
        ],
        "firstName": "Seed0",
        "fullName": "Seed0 Contact",
        "gender": null,
        "groups": [
          {
            "id": "grp_<group>",
            "name": "Customers",
          },
        ],
        "id": "con_<Seed0>",
        "interactionMetadata": {
          "user": {
            "approximateCount": 1,
            "lastInteractedAt": "<date>",
          },
          "workspace": {
            "approximateCount": 1,
            "lastInteractedAt": "<date>",
            "lastInteractedBy": [
              {
                "fullName": "User 1",
                "id": "usr_<owner>",
              },
            ],
          },
        },
        "jobTitle": "Engineer",
        "lastName": "Contact",
        "linkedInUrl": null,
        "loginEmail": null,
        "mailingListOptIn": true,
        "middleName": null,
        "mobile": null,
        "phone": "+442079460000",
        "phones": [
          {
            "countryCode": "GB",
            "isPrimary": true,
            "label": null,
            "number": "+442079460000",
            "original": "+442079460000",
          },
        ],
        "primaryCompany": {
          "id": "com_<Seed Co 0>",
          "name": "Seed Co 0",
        },
        "primaryLanguage": null,
        "profilePictureUrl": null,
        "purchaseOrderNumber": null,
        "ssn": null,
        "strategy": null,
        "tags": [
          "canon",
        ],
        "title": null,
        "type": "GENERAL",
        "updatedAt": "<date>",
        "updatedBy": {
          "id": "usr_<owner>",
        },
        "urls": [
          {
            "isPrimary": true,
            "url": "https://seed0.example",
          },
        ],
        "version": 1,
      },
    }
  `);
  expect(statements).toMatchInlineSnapshot(`
    [
      "SELECT json_build_object('id', 'con_' || c.id, 'type', c."type", 'firstName', c."first_name", 'middleName', c."middle_name", 'lastName', c."last_name", 'fullName', c."full_name", 'abbreviation', c."abbreviation", 'title', c."title", 'gender', c."gender", 'birthday', to_char(c.birthday, 'YYYY-MM-DD'), 'primaryLanguage', c."primary_language", 'description', c."description", 'strategy', c."strategy", 'jobTitle', c."job_title", 'department', c."department", 'email', (SELECT x.address FROM contact_emails x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'phone', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.is_primary ORDER BY x.position LIMIT 1), 'mobile', (SELECT x.number FROM contact_phones x WHERE x.organization_id = c.organization_id AND x.contact_id = c.id AND x.label = 'MOBILE' ORDER BY x.position LIMIT 1), 'linkedInUrl', c."linkedin_url", 'profilePictureUrl', c."profile_picture_url", 'tags', c."tags", 'loginEmail', c."login_email", 'mailingListOptIn', c."mailing_list_opt_in", 'purchaseOrderNumber', c."purchase_order_number", 'etag', 'W/"' || c.version || '"', 'version', c."version", 'createdAt', to_char(c."created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updatedAt', to_char(c."updated_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'deletedAt', to_char(c."deleted_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'emails', (SELECT coalesce(json_agg(json_build_object('address', t1."address", 'label', t1."label", 'isPrimary', t1."is_primary") ORDER BY t1.position), '[]') FROM contact_emails t1 WHERE t1.organization_id = c.organization_id AND t1.contact_id = c.id), 'phones', (SELECT coalesce(json_agg(json_build_object('number', t2."number", 'original', t2."original", 'label', t2."label", 'countryCode', t2."country_code", 'isPrimary', t2."is_primary") ORDER BY t2.position), '[]') FROM contact_phones t2 WHERE t2.organization_id = c.organization_id AND t2.contact_id = c.id), 'addresses', (SELECT coalesce(json_agg(json_build_object('street', t3."street", 'postalCode', t3."postal_code", 'city', t3."city", 'country', t3."country", 'formatted', coalesce(nullif(concat_ws(', ', nullif(t3.street, ''), nullif(t3.secondary_address, ''), nullif(concat_ws(' ', nullif(t3.postal_code, ''), nullif(t3.city, '')), ''), nullif(t3.state, ''), nullif(t3.country, '')), ''), t3.line, ''), 'isPrimary', t3."is_primary") ORDER BY t3.position), '[]') FROM contact_addresses t3 WHERE t3.organization_id = c.organization_id AND t3.contact_id = c.id), 'urls', (SELECT coalesce(json_agg(json_build_object('url', t4."url", 'isPrimary', t4."is_primary") ORDER BY t4.position), '[]') FROM contact_urls t4 WHERE t4.organization_id = c.organization_id AND t4.contact_id = c.id), 'externalRefs', (SELECT coalesce(json_agg(json_build_object('namespace', t5."namespace", 'externalId', t5."external_id") ORDER BY t5.namespace, t5.external_id), '[]') FROM external_refs t5 WHERE t5.organization_id = c.organization_id AND t5.contact_id = c.id), 'companies', (SELECT coalesce(json_agg(json_build_object('jobTitle', t6."job_title", 'isPrimary', t6."is_primary", 'company', (SELECT json_build_object('id', 'com_' || t7.id, 'name', t7."name", 'domain', t7."domain") FROM companies t7 WHERE t7.organization_id = t6.organization_id AND t7.id = t6.company_id LIMIT 1)) ORDER BY t6.position), '[]') FROM contact_companies t6 WHERE t6.organization_id = c.organization_id AND t6.contact_id = c.id), 'primaryCompany', (SELECT json_build_object('id', 'com_' || t8.id, 'name', t8."name") FROM contact_companies l JOIN companies t8 ON t8.organization_id = l.organization_id AND t8.id = l.company_id WHERE l.organization_id = c.organization_id AND l.contact_id = c.id AND l.is_primary ORDER BY l.position LIMIT 1), 'groups', (SELECT coalesce(json_agg(json_build_object('id', 'grp_' || t9.id, 'name', t9."name") ORDER BY m.created_at, m.group_id), '[]') FROM group_memberships m JOIN groups t9 ON t9.organization_id = m.organization_id AND t9.id = m.group_id WHERE m.organization_id = c.organization_id AND m.contact_id = c.id), 'customFieldValues', (SELECT coalesce(json_agg(CASE CASE t10_f.type WHEN 'TEXT' THEN 'TextFieldValue' WHEN 'NUMBER' THEN 'NumberFieldValue' WHEN 'DATE' THEN 'DateFieldValue' WHEN 'SINGLE_SELECT' THEN 'SingleSelectFieldValue' WHEN 'MULTIPLE_SELECT' THEN 'MultipleSelectFieldValue' WHEN 'CONTACT' THEN 'ContactFieldValue' WHEN 'USER' THEN 'UserFieldValue' WHEN 'OBJECT' THEN 'ObjectFieldValue' WHEN 'MAGIC' THEN 'MagicFieldValue' END WHEN 'ContactFieldValue' THEN json_build_object('__typename', 'ContactFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'contacts', (SELECT coalesce(json_agg(json_build_object('id', 'con_' || t11.id, 'fullName', t11."full_name") ORDER BY e.n), '[]') FROM jsonb_array_elements_text(t10.value->'contactIds') WITH ORDINALITY e(id, n) JOIN contacts s ON s.organization_id = t10.organization_id AND s.id = e.id::uuid JOIN contacts t11 ON t11.organization_id = s.organization_id AND t11.id = coalesce(s.merged_into_id, s.id))) WHEN 'DateFieldValue' THEN json_build_object('__typename', 'DateFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MagicFieldValue' THEN json_build_object('__typename', 'MagicFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'MultipleSelectFieldValue' THEN json_build_object('__typename', 'MultipleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type")) WHEN 'NumberFieldValue' THEN json_build_object('__typename', 'NumberFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'number', t10.value->'number') WHEN 'ObjectFieldValue' THEN json_build_object('__typename', 'ObjectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'objects', (SELECT coalesce(json_agg(CASE t12.typename WHEN 'Company' THEN json_build_object('id', 'com_' || t12.id) WHEN 'Contact' THEN json_build_object('id', 'con_' || t12.id) WHEN 'CustomField' THEN json_build_object('id', 'fld_' || t12.id) WHEN 'Group' THEN json_build_object('id', 'grp_' || t12.id) WHEN 'Organization' THEN json_build_object('id', 'org_' || t12.id) WHEN 'User' THEN json_build_object('id', 'usr_' || t12.id) END ORDER BY t12.n), '[]') FROM (SELECT e.n, e.ref->>'typename' AS typename, coalesce(coalesce(cs.merged_into_id, cs.id), co.id, g.id, f.id, u.id, o.id) AS id FROM jsonb_array_elements(t10.value->'objects') WITH ORDINALITY e(ref, n) LEFT JOIN contacts cs ON e.ref->>'typename' = 'Contact' AND cs.organization_id = t10.organization_id AND cs.id = (e.ref->>'id')::uuid LEFT JOIN companies co ON e.ref->>'typename' = 'Company' AND co.organization_id = t10.organization_id AND co.id = (e.ref->>'id')::uuid LEFT JOIN groups g ON e.ref->>'typename' = 'Group' AND g.organization_id = t10.organization_id AND g.id = (e.ref->>'id')::uuid LEFT JOIN custom_fields f ON e.ref->>'typename' = 'CustomField' AND f.organization_id = t10.organization_id AND f.id = (e.ref->>'id')::uuid LEFT JOIN users u ON e.ref->>'typename' = 'User' AND u.organization_id = t10.organization_id AND u.id = (e.ref->>'id')::uuid LEFT JOIN organizations o ON e.ref->>'typename' = 'Organization' AND o.id = t10.organization_id AND o.id = (e.ref->>'id')::uuid) t12 WHERE t12.id IS NOT NULL)) WHEN 'SingleSelectFieldValue' THEN json_build_object('__typename', 'SingleSelectFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'option', t10.value->>'option') WHEN 'TextFieldValue' THEN json_build_object('__typename', 'TextFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'text', t10.value->>'text') WHEN 'UserFieldValue' THEN json_build_object('__typename', 'UserFieldValue', 'field', json_build_object('id', 'fld_' || t10_f.id, 'name', t10_f."name", 'type', t10_f."type"), 'users', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t13.id, 'fullName', t13."full_name") ORDER BY e.n), '[]') FROM jsonb_array_elements_text(t10.value->'userIds') WITH ORDINALITY e(id, n) JOIN users t13 ON t13.organization_id = t10.organization_id AND t13.id = e.id::uuid)) END ORDER BY t10_f.position, t10.field_id), '[]') FROM custom_field_values t10 JOIN custom_fields t10_f ON t10_f.organization_id = t10.organization_id AND t10_f.id = t10.field_id WHERE t10.organization_id = c.organization_id AND t10.contact_id = c.id), 'createdBy', (SELECT json_build_object('id', 'usr_' || t14.id, 'fullName', t14."full_name") FROM users t14 WHERE t14.id = c.created_by_id LIMIT 1), 'updatedBy', (SELECT json_build_object('id', 'usr_' || t15.id) FROM users t15 WHERE t15.id = c.updated_by_id LIMIT 1), 'interactionMetadata', (SELECT json_build_object('user', json_build_object('approximateCount', t16.user_count, 'lastInteractedAt', to_char(t16.user_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'workspace', json_build_object('approximateCount', t16.workspace_count, 'lastInteractedAt', to_char(t16.workspace_last AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'lastInteractedBy', (SELECT coalesce(json_agg(json_build_object('id', 'usr_' || t17.id, 'fullName', t17."full_name") ORDER BY lu.last_at DESC, lu.user_id), '[]') FROM (SELECT i.user_id, max(i.occurred_at) AS last_at FROM interactions i WHERE i.organization_id = t16.organization_id AND i.contact_id = t16.contact_id GROUP BY i.user_id ORDER BY last_at DESC, i.user_id LIMIT 5) lu JOIN users t17 ON t17.organization_id = t16.organization_id AND t17.id = lu.user_id))) FROM (SELECT c.organization_id, c.id AS contact_id, (count(*) FILTER (WHERE i.user_id = $1::uuid))::int AS user_count, max(i.occurred_at) FILTER (WHERE i.user_id = $1::uuid) AS user_last, count(*)::int AS workspace_count, max(i.occurred_at) AS workspace_last FROM interactions i WHERE i.organization_id = c.organization_id AND i.contact_id = c.id) t16 LIMIT 1), 'ssn', c."ssn") AS json FROM contacts k JOIN contacts c ON c.organization_id = k.organization_id AND c.id = coalesce(k.merged_into_id, k.id) WHERE k.organization_id = $2::uuid AND k.id = $3::uuid AND c.deleted_at IS NULL",
    ]
  `);
});

it('createContact with companies by name (one new, one existing), a group and custom values', async () => {
  const { response, statements } = await run(
    `mutation($input: CreateContactInput!) {
      createContact(input: $input) {
        contact { id fullName email jobTitle etag primaryCompany { id name } groups { id name } customFieldValues { field { name } ... on TextFieldValue { text } } }
        companyResolutions { index action company { id name } }
        userErrors { code field message existingId }
      }
    }`,
    {
      input: {
        firstName: 'New',
        lastName: 'Person',
        email: 'new.person@c.example',
        companies: [{ company: { name: 'Seed Co 0' }, jobTitle: 'Buyer' }, { company: { name: 'Brand New Co' } }],
        groups: [group!.id],
        customFieldValues: [{ field: fields.Note, value: 'from createContact' }],
      },
    },
  );
  expect(response).toMatchInlineSnapshot(`
    {
      "createContact": {
        "companyResolutions": [
          {
            "action": "MATCHED",
            "company": {
              "id": "com_<Seed Co 0>",
              "name": "Seed Co 0",
            },
            "index": 0,
          },
          {
            "action": "CREATED",
            "company": {
              "id": "com_<new 2>",
              "name": "Brand New Co",
            },
            "index": 1,
          },
        ],
        "contact": {
          "customFieldValues": [
            {
              "field": {
                "name": "Note",
              },
              "text": "from createContact",
            },
          ],
          "email": "new.person@c.example",
          "etag": "W/"1"",
          "fullName": "New Person",
          "groups": [
            {
              "id": "grp_<group>",
              "name": "Customers",
            },
          ],
          "id": "con_<new 1>",
          "jobTitle": "Buyer",
          "primaryCompany": {
            "id": "com_<Seed Co 0>",
            "name": "Seed Co 0",
          },
        },
        "userErrors": [],
      },
    }
  `);
  expect(statements).toMatchInlineSnapshot(`
    [
      "INSERT INTO "companies" ("id", "organization_id", "name", "normalized_name") SELECT "id", "organization_id", "name", "normalized_name" FROM json_populate_recordset(NULL::"companies", $1::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id", "normalized_name" AS "normalizedName"",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."group_id" AS "groupId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."type"::text, "t0"."options", "t0"."position", "t0"."created_at" AS "createdAt" FROM "public"."custom_fields" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt" FROM "public"."groups" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT c.id, k.name AS "normalizedName" FROM unnest($1::text[]) AS k(name) CROSS JOIN LATERAL ( SELECT c.id::text FROM companies c WHERE c.organization_id = (SELECT $2::uuid) AND c.normalized_name = k.name LIMIT 1) c",
      "SELECT k.address AS "addressNormalized", e.contact_id AS "contactId" FROM unnest($1::text[]) AS k(address) CROSS JOIN LATERAL ( SELECT e.contact_id::text FROM contact_emails e WHERE e.organization_id = (SELECT $2::uuid) AND e.address_normalized = k.address LIMIT 1) e",
      "WITH i0 AS (INSERT INTO "contacts" ("type", "first_name", "middle_name", "last_name", "full_name", "full_name_explicit", "abbreviation", "title", "gender", "birthday", "primary_language", "description", "strategy", "linkedin_url", "profile_picture_url", "tags", "login_email", "mailing_list_opt_in", "purchase_order_number", "ssn", "job_title", "department", "sort_last_name", "sort_full_name", "search_text", "created_by_id", "updated_by_id", "id", "organization_id") SELECT "type", "first_name", "middle_name", "last_name", "full_name", "full_name_explicit", "abbreviation", "title", "gender", "birthday", "primary_language", "description", "strategy", "linkedin_url", "profile_picture_url", "tags", "login_email", "mailing_list_opt_in", "purchase_order_number", "ssn", "job_title", "department", "sort_last_name", "sort_full_name", "search_text", "created_by_id", "updated_by_id", "id", "organization_id" FROM json_populate_recordset(NULL::"contacts", $1::json)), i1 AS (INSERT INTO "contact_emails" ("address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_emails", $2::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id"), i2 AS (INSERT INTO "contact_companies" ("organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position") SELECT "organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position" FROM json_populate_recordset(NULL::"contact_companies", $3::json)), i3 AS (INSERT INTO "group_memberships" ("organization_id", "group_id", "contact_id") SELECT "organization_id", "group_id", "contact_id" FROM json_populate_recordset(NULL::"group_memberships", $4::json)), i4 AS (INSERT INTO "custom_field_values" ("organization_id", "contact_id", "field_id", "value") SELECT "organization_id", "contact_id", "field_id", "value" FROM json_populate_recordset(NULL::"custom_field_values", $5::json)), i5 AS (INSERT INTO "contact_changes" ("organization_id", "contact_id", "change_type", "changed_fields", "version", "change_origin") SELECT "organization_id", "contact_id", "change_type", "changed_fields", "version", "change_origin" FROM json_populate_recordset(NULL::"contact_changes", $6::json)) SELECT 1 AS part, to_json(i1) AS row FROM i1",
      "COMMIT",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."domain", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt" FROM "public"."companies" AS "t0" WHERE (("t0"."id" = $1 AND "t0"."organization_id" = $2) OR ("t0"."id" = $3 AND "t0"."organization_id" = $4))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails", "Contact_companies"."__prisma_data__" AS "companies", "Contact_groups"."__prisma_data__" AS "groups", "Contact_customFieldValues"."__prisma_data__" AS "customFieldValues" FROM "public"."contacts" AS "t0"
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('address', "t2"."address", 'isPrimary', "t2"."is_primary") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t7"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t6"."organization_id", 'companyId', "t6"."company_id", 'company', "ContactCompany_company"."__prisma_data__", 'isPrimary', "t6"."is_primary") AS "__prisma_data__", "t6"."position", "t6"."organization_id", "t6"."company_id" FROM (SELECT "t5".* FROM "public"."contact_companies" AS "t5" WHERE ("t0"."organization_id" = "t5"."organization_id" AND "t0"."id" = "t5"."contact_id") /* root select */) AS "t6"
      LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t9"."id", 'organizationId', "t9"."organization_id", 'name', "t9"."name", 'normalizedName', "t9"."normalized_name", 'domain', "t9"."domain", 'createdAt', "t9"."created_at", 'updatedAt', "t9"."updated_at") AS "__prisma_data__" FROM "public"."companies" AS "t9" WHERE ("t6"."organization_id" = "t9"."organization_id" AND "t6"."company_id" = "t9"."id") LIMIT $1) AS "ContactCompany_company" ON true /* inner select */) AS "t7" ORDER BY "t7"."position" ASC /* middle select */) AS "t8" /* outer select */) AS "Contact_companies" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t12"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t11"."organization_id", 'groupId', "t11"."group_id", 'group', "GroupMembership_group"."__prisma_data__") AS "__prisma_data__", "t11"."created_at", "t11"."group_id", "t11"."organization_id" FROM (SELECT "t10".* FROM "public"."group_memberships" AS "t10" WHERE ("t0"."organization_id" = "t10"."organization_id" AND "t0"."id" = "t10"."contact_id") /* root select */) AS "t11"
      LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t14"."id", 'organizationId', "t14"."organization_id", 'name', "t14"."name", 'normalizedName', "t14"."normalized_name", 'createdAt', "t14"."created_at", 'updatedAt', "t14"."updated_at") AS "__prisma_data__" FROM "public"."groups" AS "t14" WHERE ("t11"."organization_id" = "t14"."organization_id" AND "t11"."group_id" = "t14"."id") LIMIT $2) AS "GroupMembership_group" ON true /* inner select */) AS "t12" ORDER BY "t12"."created_at" ASC, "t12"."group_id" ASC /* middle select */) AS "t13" /* outer select */) AS "Contact_groups" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t17"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t16"."organization_id", 'contactId', "t16"."contact_id", 'fieldId', "t16"."field_id", 'value', "t16"."value", 'organizationId', "t16"."organization_id", 'fieldId', "t16"."field_id", 'field', "CustomFieldValue_field"."__prisma_data__") AS "__prisma_data__", "t16"."organization_id", "t16"."field_id" FROM (SELECT "t15".* FROM "public"."custom_field_values" AS "t15" WHERE ("t0"."organization_id" = "t15"."organization_id" AND "t0"."id" = "t15"."contact_id") /* root select */) AS "t16"
      LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t19"."id", 'organizationId', "t19"."organization_id", 'groupId', "t19"."group_id", 'name', "t19"."name", 'normalizedName', "t19"."normalized_name", 'type', "t19"."type", 'options', "t19"."options", 'position', "t19"."position", 'createdAt', "t19"."created_at") AS "__prisma_data__" FROM "public"."custom_fields" AS "t19" WHERE ("t16"."organization_id" = "t19"."organization_id" AND "t16"."field_id" = "t19"."id") LIMIT $3) AS "CustomFieldValue_field" ON true /* inner select */) AS "t17" LEFT JOIN "public"."custom_fields" AS "orderby_1" ON ("orderby_1"."organization_id","orderby_1"."id") = ("t17"."organization_id","t17"."field_id") ORDER BY "orderby_1"."position" ASC, "t17"."field_id" ASC /* middle select */) AS "t18" /* outer select */) AS "Contact_customFieldValues" ON true WHERE ("t0"."id" = $4 AND "t0"."organization_id" = $5) LIMIT $6",
    ]
  `);
});

it('createContacts with 3 items (an existing company, and a new one that two items name)', async () => {
  const { response, statements } = await run(
    `mutation($input: CreateContactsInput!) {
      createContacts(input: $input) {
        results { clientRef contact { id fullName email } companyResolutions { index action } userErrors { code field message } }
        userErrors { code field message }
      }
    }`,
    {
      input: {
        contacts: [0, 1, 2].map((i) => ({
          clientRef: `row-${i}`,
          firstName: `Bulk${i}`,
          email: `bulk${i}@d.example`,
          companies: [{ company: { name: i === 0 ? 'Seed Co 1' : 'Bulk New Co' } }],
          groups: [group!.id],
          customFieldValues: [{ field: fields.Score, value: i }],
        })),
      },
    },
  );
  expect(response).toMatchInlineSnapshot(`
    {
      "createContacts": {
        "results": [
          {
            "clientRef": "row-0",
            "companyResolutions": [
              {
                "action": "MATCHED",
                "index": 0,
              },
            ],
            "contact": {
              "email": "bulk0@d.example",
              "fullName": "Bulk0",
              "id": "con_<new 1>",
            },
            "userErrors": [],
          },
          {
            "clientRef": "row-1",
            "companyResolutions": [
              {
                "action": "CREATED",
                "index": 0,
              },
            ],
            "contact": {
              "email": "bulk1@d.example",
              "fullName": "Bulk1",
              "id": "con_<new 2>",
            },
            "userErrors": [],
          },
          {
            "clientRef": "row-2",
            "companyResolutions": [
              {
                "action": "MATCHED",
                "index": 0,
              },
            ],
            "contact": {
              "email": "bulk2@d.example",
              "fullName": "Bulk2",
              "id": "con_<new 3>",
            },
            "userErrors": [],
          },
        ],
        "userErrors": [],
      },
    }
  `);
  expect(statements).toMatchInlineSnapshot(`
    [
      "INSERT INTO "companies" ("id", "organization_id", "name", "normalized_name") SELECT "id", "organization_id", "name", "normalized_name" FROM json_populate_recordset(NULL::"companies", $1::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id", "normalized_name" AS "normalizedName"",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."group_id" AS "groupId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."type"::text, "t0"."options", "t0"."position", "t0"."created_at" AS "createdAt" FROM "public"."custom_fields" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt" FROM "public"."groups" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT c.id, k.name AS "normalizedName" FROM unnest($1::text[]) AS k(name) CROSS JOIN LATERAL ( SELECT c.id::text FROM companies c WHERE c.organization_id = (SELECT $2::uuid) AND c.normalized_name = k.name LIMIT 1) c",
      "SELECT k.address AS "addressNormalized", e.contact_id AS "contactId" FROM unnest($1::text[]) AS k(address) CROSS JOIN LATERAL ( SELECT e.contact_id::text FROM contact_emails e WHERE e.organization_id = (SELECT $2::uuid) AND e.address_normalized = k.address LIMIT 1) e",
      "SET LOCAL statement_timeout = 60000",
      "WITH i0 AS (INSERT INTO "contacts" ("type", "first_name", "middle_name", "last_name", "full_name", "full_name_explicit", "abbreviation", "title", "gender", "birthday", "primary_language", "description", "strategy", "linkedin_url", "profile_picture_url", "tags", "login_email", "mailing_list_opt_in", "purchase_order_number", "ssn", "job_title", "department", "sort_last_name", "sort_full_name", "search_text", "created_by_id", "updated_by_id", "id", "organization_id") SELECT "type", "first_name", "middle_name", "last_name", "full_name", "full_name_explicit", "abbreviation", "title", "gender", "birthday", "primary_language", "description", "strategy", "linkedin_url", "profile_picture_url", "tags", "login_email", "mailing_list_opt_in", "purchase_order_number", "ssn", "job_title", "department", "sort_last_name", "sort_full_name", "search_text", "created_by_id", "updated_by_id", "id", "organization_id" FROM json_populate_recordset(NULL::"contacts", $1::json)), i1 AS (INSERT INTO "contact_emails" ("address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_emails", $2::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id"), i2 AS (INSERT INTO "contact_companies" ("organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position") SELECT "organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position" FROM json_populate_recordset(NULL::"contact_companies", $3::json)), i3 AS (INSERT INTO "group_memberships" ("organization_id", "group_id", "contact_id") SELECT "organization_id", "group_id", "contact_id" FROM json_populate_recordset(NULL::"group_memberships", $4::json)), i4 AS (INSERT INTO "custom_field_values" ("organization_id", "contact_id", "field_id", "value") SELECT "organization_id", "contact_id", "field_id", "value" FROM json_populate_recordset(NULL::"custom_field_values", $5::json)), i5 AS (INSERT INTO "contact_changes" ("organization_id", "contact_id", "change_type", "changed_fields", "version", "change_origin") SELECT "organization_id", "contact_id", "change_type", "changed_fields", "version", "change_origin" FROM json_populate_recordset(NULL::"contact_changes", $6::json)) SELECT 1 AS part, to_json(i1) AS row FROM i1",
      "COMMIT",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails" FROM "public"."contacts" AS "t0"
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('address', "t2"."address", 'isPrimary', "t2"."is_primary") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true WHERE (("t0"."id" = $1 AND "t0"."organization_id" = $2) OR ("t0"."id" = $3 AND "t0"."organization_id" = $4) OR ("t0"."id" = $5 AND "t0"."organization_id" = $6))",
    ]
  `);
});

it('updateContact', async () => {
  const { response, statements } = await run(
    `mutation($input: UpdateContactInput!) {
      updateContact(input: $input) {
        contact { id fullName jobTitle etag version emails { address isPrimary } phones { number } companies { company { name } } tags customFieldValues { field { name } ... on TextFieldValue { text } } }
        changedFields
        userErrors { code field message }
      }
    }`,
    {
      input: {
        id: first,
        ifMatch: 'W/"1"',
        patch: {
          jobTitle: 'CTO',
          emails: [{ address: 'seed0@new.example' }],
          tags: ['canon', 'vip'],
          customFieldValues: [{ field: fields.Note, value: 'updated' }],
        },
      },
    },
  );
  expect(response).toMatchInlineSnapshot(`
    {
      "updateContact": {
        "changedFields": [
          "jobTitle",
          "tags",
          "emails",
          "customFieldValues",
        ],
        "contact": {
          "companies": [
            {
              "company": {
                "name": "Seed Co 0",
              },
            },
          ],
          "customFieldValues": [
            {
              "field": {
                "name": "Note",
              },
              "text": "updated",
            },
            {
              "field": {
                "name": "Score",
              },
            },
            {
              "field": {
                "name": "Tier",
              },
            },
            {
              "field": {
                "name": "Owner",
              },
            },
            {
              "field": {
                "name": "Related",
              },
            },
          ],
          "emails": [
            {
              "address": "seed0@new.example",
              "isPrimary": true,
            },
          ],
          "etag": "W/"2"",
          "fullName": "Seed0 Contact",
          "id": "con_<Seed0>",
          "jobTitle": "CTO",
          "phones": [
            {
              "number": "+442079460000",
            },
          ],
          "tags": [
            "canon",
            "vip",
          ],
          "version": 2,
        },
        "userErrors": [],
      },
    }
  `);
  expect(statements).toMatchInlineSnapshot(`
    [
      "INSERT INTO "public"."contact_changes" ("organization_id","contact_id","change_type","changed_fields","change_origin","version","occurred_at") VALUES ($1,$2,CAST($3::text AS "public"."ChangeType"),$4,$5,$6,$7)",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."group_id" AS "groupId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."type"::text, "t0"."options", "t0"."position", "t0"."created_at" AS "createdAt" FROM "public"."custom_fields" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."group_id" AS "groupId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."type"::text, "t0"."options", "t0"."position", "t0"."created_at" AS "createdAt" FROM "public"."custom_fields" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2,$3,$4,$5))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt" FROM "public"."groups" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."name", "t0"."normalized_name" AS "normalizedName", "t0"."domain", "t0"."created_at" AS "createdAt", "t0"."updated_at" AS "updatedAt" FROM "public"."companies" AS "t0" WHERE ("t0"."organization_id" = $1 AND "t0"."id" IN ($2))",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails", "Contact_phones"."__prisma_data__" AS "phones", "Contact_addresses"."__prisma_data__" AS "addresses", "Contact_urls"."__prisma_data__" AS "urls", "Contact_externalRefs"."__prisma_data__" AS "externalRefs", "Contact_companies"."__prisma_data__" AS "companies", "Contact_groups"."__prisma_data__" AS "groups", "Contact_customFieldValues"."__prisma_data__" AS "customFieldValues" FROM "public"."contacts" AS "t0"
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'organizationId', "t2"."organization_id", 'contactId', "t2"."contact_id", 'address', "t2"."address", 'addressNormalized', "t2"."address_normalized", 'label', "t2"."label", 'isPrimary', "t2"."is_primary", 'position', "t2"."position") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t7"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t6"."id", 'organizationId', "t6"."organization_id", 'contactId', "t6"."contact_id", 'number', "t6"."number", 'e164', "t6"."e164", 'extension', "t6"."extension", 'original', "t6"."original", 'label', "t6"."label", 'countryCode', "t6"."country_code", 'isPrimary', "t6"."is_primary", 'position', "t6"."position") AS "__prisma_data__", "t6"."position" FROM (SELECT "t5".* FROM "public"."contact_phones" AS "t5" WHERE ("t0"."organization_id" = "t5"."organization_id" AND "t0"."id" = "t5"."contact_id") /* root select */) AS "t6" /* inner select */) AS "t7" ORDER BY "t7"."position" ASC /* middle select */) AS "t8" /* outer select */) AS "Contact_phones" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t11"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t10"."id", 'organizationId', "t10"."organization_id", 'contactId', "t10"."contact_id", 'street', "t10"."street", 'secondaryAddress', "t10"."secondary_address", 'postalCode', "t10"."postal_code", 'city', "t10"."city", 'state', "t10"."state", 'country', "t10"."country", 'line', "t10"."line", 'isPrimary', "t10"."is_primary", 'position', "t10"."position") AS "__prisma_data__", "t10"."position" FROM (SELECT "t9".* FROM "public"."contact_addresses" AS "t9" WHERE ("t0"."organization_id" = "t9"."organization_id" AND "t0"."id" = "t9"."contact_id") /* root select */) AS "t10" /* inner select */) AS "t11" ORDER BY "t11"."position" ASC /* middle select */) AS "t12" /* outer select */) AS "Contact_addresses" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t15"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t14"."id", 'organizationId', "t14"."organization_id", 'contactId', "t14"."contact_id", 'url', "t14"."url", 'isPrimary', "t14"."is_primary", 'position', "t14"."position") AS "__prisma_data__", "t14"."position" FROM (SELECT "t13".* FROM "public"."contact_urls" AS "t13" WHERE ("t0"."organization_id" = "t13"."organization_id" AND "t0"."id" = "t13"."contact_id") /* root select */) AS "t14" /* inner select */) AS "t15" ORDER BY "t15"."position" ASC /* middle select */) AS "t16" /* outer select */) AS "Contact_urls" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t19"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t18"."id", 'organizationId', "t18"."organization_id", 'ownerType', "t18"."owner_type", 'namespace', "t18"."namespace", 'externalId', "t18"."external_id", 'contactId', "t18"."contact_id", 'companyId', "t18"."company_id") AS "__prisma_data__", "t18"."namespace", "t18"."external_id" FROM (SELECT "t17".* FROM "public"."external_refs" AS "t17" WHERE ("t0"."organization_id" = "t17"."organization_id" AND "t0"."id" = "t17"."contact_id") /* root select */) AS "t18" /* inner select */) AS "t19" ORDER BY "t19"."namespace" ASC, "t19"."external_id" ASC /* middle select */) AS "t20" /* outer select */) AS "Contact_externalRefs" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t23"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t22"."organization_id", 'contactId', "t22"."contact_id", 'companyId', "t22"."company_id", 'jobTitle', "t22"."job_title", 'department', "t22"."department", 'isPrimary', "t22"."is_primary", 'position', "t22"."position") AS "__prisma_data__", "t22"."position" FROM (SELECT "t21".* FROM "public"."contact_companies" AS "t21" WHERE ("t0"."organization_id" = "t21"."organization_id" AND "t0"."id" = "t21"."contact_id") /* root select */) AS "t22" /* inner select */) AS "t23" ORDER BY "t23"."position" ASC /* middle select */) AS "t24" /* outer select */) AS "Contact_companies" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t27"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t26"."organization_id", 'groupId', "t26"."group_id", 'contactId', "t26"."contact_id", 'createdAt', "t26"."created_at") AS "__prisma_data__", "t26"."created_at" FROM (SELECT "t25".* FROM "public"."group_memberships" AS "t25" WHERE ("t0"."organization_id" = "t25"."organization_id" AND "t0"."id" = "t25"."contact_id") /* root select */) AS "t26" /* inner select */) AS "t27" ORDER BY "t27"."created_at" ASC /* middle select */) AS "t28" /* outer select */) AS "Contact_groups" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t31"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t30"."organization_id", 'contactId', "t30"."contact_id", 'fieldId', "t30"."field_id", 'value', "t30"."value") AS "__prisma_data__" FROM (SELECT "t29".* FROM "public"."custom_field_values" AS "t29" WHERE ("t0"."organization_id" = "t29"."organization_id" AND "t0"."id" = "t29"."contact_id") /* root select */) AS "t30" /* inner select */) AS "t31" /* middle select */) AS "t32" /* outer select */) AS "Contact_customFieldValues" ON true WHERE ("t0"."id" IN ($1) AND "t0"."organization_id" = $2 AND "t0"."merged_into_id" IS NULL)",
      "SELECT k.address AS "addressNormalized", e.contact_id AS "contactId" FROM unnest($1::text[]) AS k(address) CROSS JOIN LATERAL ( SELECT e.contact_id::text FROM contact_emails e WHERE e.organization_id = (SELECT $2::uuid) AND e.address_normalized = k.address LIMIT 1) e",
      "SELECT k.namespace, k.external_id AS "externalId", r.owner_id AS "ownerId" FROM unnest($1::text[], $2::text[]) AS k(namespace, external_id) CROSS JOIN LATERAL ( SELECT coalesce(r.contact_id, r.company_id)::text AS owner_id FROM external_refs r WHERE r.organization_id = (SELECT $3::uuid) AND r.owner_type = $4::"ExternalRefOwner" AND r.namespace = k.namespace AND r.external_id = k.external_id LIMIT 1) r",
      "UPDATE "contacts" AS t SET "type" = n."type", "first_name" = n."first_name", "middle_name" = n."middle_name", "last_name" = n."last_name", "full_name" = n."full_name", "full_name_explicit" = n."full_name_explicit", "abbreviation" = n."abbreviation", "title" = n."title", "gender" = n."gender", "birthday" = n."birthday", "primary_language" = n."primary_language", "description" = n."description", "strategy" = n."strategy", "linkedin_url" = n."linkedin_url", "profile_picture_url" = n."profile_picture_url", "tags" = n."tags", "login_email" = n."login_email", "mailing_list_opt_in" = n."mailing_list_opt_in", "purchase_order_number" = n."purchase_order_number", "ssn" = n."ssn", "job_title" = n."job_title", "department" = n."department", "sort_last_name" = n."sort_last_name", "sort_full_name" = n."sort_full_name", "search_text" = n."search_text", "updated_by_id" = n."updated_by_id", "updated_at" = n."updated_at", "version" = t."version" + 1 FROM json_populate_recordset(NULL::"contacts", $1::json) AS n WHERE t."id" = n."id" AND t."organization_id" = n."organization_id" AND t."version" = n."version" AND t."merged_into_id" IS NULL AND t."deleted_at" IS NULL RETURNING t."id" AS "id", t."organization_id" AS "organizationId", t."version" AS "version"",
      "WITH emails AS (DELETE FROM contact_emails WHERE organization_id = $1::uuid AND contact_id = ANY($2::uuid[])), phones AS (DELETE FROM contact_phones WHERE organization_id = $3::uuid AND contact_id = ANY($4::uuid[])), addresses AS (DELETE FROM contact_addresses WHERE organization_id = $5::uuid AND contact_id = ANY($6::uuid[])), urls AS (DELETE FROM contact_urls WHERE organization_id = $7::uuid AND contact_id = ANY($8::uuid[])), companies AS (DELETE FROM contact_companies WHERE organization_id = $9::uuid AND contact_id = ANY($10::uuid[])), memberships AS (DELETE FROM group_memberships WHERE organization_id = $11::uuid AND contact_id = ANY($12::uuid[])), custom_values AS (DELETE FROM custom_field_values WHERE organization_id = $13::uuid AND contact_id = ANY($14::uuid[])) DELETE FROM external_refs WHERE organization_id = $15::uuid AND contact_id = ANY($16::uuid[])",
      "WITH i0 AS (INSERT INTO "contact_emails" ("address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "address", "address_normalized", "label", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_emails", $1::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id"), i1 AS (INSERT INTO "external_refs" ("id", "organization_id", "owner_type", "namespace", "external_id", "contact_id") SELECT "id", "organization_id", "owner_type", "namespace", "external_id", "contact_id" FROM json_populate_recordset(NULL::"external_refs", $2::json) ON CONFLICT DO NOTHING RETURNING "id" AS "id"), i2 AS (INSERT INTO "contact_phones" ("number", "e164", "extension", "original", "label", "country_code", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "number", "e164", "extension", "original", "label", "country_code", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_phones", $3::json)), i3 AS (INSERT INTO "contact_addresses" ("street", "secondary_address", "postal_code", "city", "state", "country", "line", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "street", "secondary_address", "postal_code", "city", "state", "country", "line", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_addresses", $4::json)), i4 AS (INSERT INTO "contact_urls" ("url", "is_primary", "position", "id", "contact_id", "organization_id") SELECT "url", "is_primary", "position", "id", "contact_id", "organization_id" FROM json_populate_recordset(NULL::"contact_urls", $5::json)), i5 AS (INSERT INTO "contact_companies" ("organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position") SELECT "organization_id", "contact_id", "company_id", "job_title", "department", "is_primary", "position" FROM json_populate_recordset(NULL::"contact_companies", $6::json)), i6 AS (INSERT INTO "group_memberships" ("organization_id", "group_id", "contact_id") SELECT "organization_id", "group_id", "contact_id" FROM json_populate_recordset(NULL::"group_memberships", $7::json)), i7 AS (INSERT INTO "custom_field_values" ("organization_id", "contact_id", "field_id", "value") SELECT "organization_id", "contact_id", "field_id", "value" FROM json_populate_recordset(NULL::"custom_field_values", $8::json)) SELECT 0 AS part, to_json(i0) AS row FROM i0 UNION ALL SELECT 1 AS part, to_json(i1) AS row FROM i1",
      "COMMIT",
      "SELECT "t0"."id", "t0"."organization_id" AS "organizationId", "t0"."type"::text, "t0"."first_name" AS "firstName", "t0"."middle_name" AS "middleName", "t0"."last_name" AS "lastName", "t0"."full_name" AS "fullName", "t0"."full_name_explicit" AS "fullNameExplicit", "t0"."abbreviation", "t0"."title", "t0"."gender"::text, "t0"."birthday", "t0"."primary_language" AS "primaryLanguage", "t0"."description", "t0"."strategy", "t0"."job_title" AS "jobTitle", "t0"."department", "t0"."linkedin_url" AS "linkedInUrl", "t0"."profile_picture_url" AS "profilePictureUrl", "t0"."tags", "t0"."login_email" AS "loginEmail", "t0"."mailing_list_opt_in" AS "mailingListOptIn", "t0"."purchase_order_number" AS "purchaseOrderNumber", "t0"."ssn", "t0"."version", "t0"."created_at" AS "createdAt", "t0"."created_by_id" AS "createdById", "t0"."updated_at" AS "updatedAt", "t0"."updated_by_id" AS "updatedById", "t0"."deleted_at" AS "deletedAt", "t0"."merged_into_id" AS "mergedIntoId", "t0"."sort_last_name" AS "sortLastName", "t0"."sort_full_name" AS "sortFullName", "t0"."search_text" AS "searchText", "Contact_emails"."__prisma_data__" AS "emails", "Contact_phones"."__prisma_data__" AS "phones", "Contact_companies"."__prisma_data__" AS "companies", "Contact_customFieldValues"."__prisma_data__" AS "customFieldValues" FROM "public"."contacts" AS "t0"
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t3"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t2"."id", 'address', "t2"."address", 'isPrimary', "t2"."is_primary") AS "__prisma_data__", "t2"."position" FROM (SELECT "t1".* FROM "public"."contact_emails" AS "t1" WHERE ("t0"."organization_id" = "t1"."organization_id" AND "t0"."id" = "t1"."contact_id") /* root select */) AS "t2" /* inner select */) AS "t3" ORDER BY "t3"."position" ASC /* middle select */) AS "t4" /* outer select */) AS "Contact_emails" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t7"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('id', "t6"."id", 'number', "t6"."number") AS "__prisma_data__", "t6"."position" FROM (SELECT "t5".* FROM "public"."contact_phones" AS "t5" WHERE ("t0"."organization_id" = "t5"."organization_id" AND "t0"."id" = "t5"."contact_id") /* root select */) AS "t6" /* inner select */) AS "t7" ORDER BY "t7"."position" ASC /* middle select */) AS "t8" /* outer select */) AS "Contact_phones" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t11"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t10"."organization_id", 'companyId', "t10"."company_id", 'company', "ContactCompany_company"."__prisma_data__", 'contactId', "t10"."contact_id", 'companyId', "t10"."company_id") AS "__prisma_data__", "t10"."position", "t10"."organization_id", "t10"."company_id" FROM (SELECT "t9".* FROM "public"."contact_companies" AS "t9" WHERE ("t0"."organization_id" = "t9"."organization_id" AND "t0"."id" = "t9"."contact_id") /* root select */) AS "t10"
      LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t13"."id", 'organizationId', "t13"."organization_id", 'name', "t13"."name", 'normalizedName', "t13"."normalized_name", 'domain', "t13"."domain", 'createdAt', "t13"."created_at", 'updatedAt', "t13"."updated_at") AS "__prisma_data__" FROM "public"."companies" AS "t13" WHERE ("t10"."organization_id" = "t13"."organization_id" AND "t10"."company_id" = "t13"."id") LIMIT $1) AS "ContactCompany_company" ON true /* inner select */) AS "t11" ORDER BY "t11"."position" ASC /* middle select */) AS "t12" /* outer select */) AS "Contact_companies" ON true
      LEFT JOIN LATERAL (SELECT COALESCE(JSONB_AGG("__prisma_data__"), '[]') AS "__prisma_data__" FROM (SELECT "t16"."__prisma_data__" FROM (SELECT JSONB_BUILD_OBJECT('organizationId', "t15"."organization_id", 'contactId', "t15"."contact_id", 'fieldId', "t15"."field_id", 'value', "t15"."value", 'organizationId', "t15"."organization_id", 'fieldId', "t15"."field_id", 'field', "CustomFieldValue_field"."__prisma_data__") AS "__prisma_data__", "t15"."organization_id", "t15"."field_id" FROM (SELECT "t14".* FROM "public"."custom_field_values" AS "t14" WHERE ("t0"."organization_id" = "t14"."organization_id" AND "t0"."id" = "t14"."contact_id") /* root select */) AS "t15"
      LEFT JOIN LATERAL (SELECT JSONB_BUILD_OBJECT('id', "t18"."id", 'organizationId', "t18"."organization_id", 'groupId', "t18"."group_id", 'name', "t18"."name", 'normalizedName', "t18"."normalized_name", 'type', "t18"."type", 'options', "t18"."options", 'position', "t18"."position", 'createdAt', "t18"."created_at") AS "__prisma_data__" FROM "public"."custom_fields" AS "t18" WHERE ("t15"."organization_id" = "t18"."organization_id" AND "t15"."field_id" = "t18"."id") LIMIT $2) AS "CustomFieldValue_field" ON true /* inner select */) AS "t16" LEFT JOIN "public"."custom_fields" AS "orderby_1" ON ("orderby_1"."organization_id","orderby_1"."id") = ("t16"."organization_id","t16"."field_id") ORDER BY "orderby_1"."position" ASC, "t16"."field_id" ASC /* middle select */) AS "t17" /* outer select */) AS "Contact_customFieldValues" ON true WHERE ("t0"."id" = $3 AND "t0"."organization_id" = $4) LIMIT $5",
    ]
  `);
});
