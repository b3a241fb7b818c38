import type { Database } from '../../src/db/client.js';

/**
 * Checks the database for states no sequence of API calls may leave behind, whatever the calls
 * were: rows pointing at missing or foreign parents, broken uniqueness and primary rules, contact
 * versions the change feed does not account for, custom values of the wrong shape. Returns one
 * line per violation (with up to 5 example rows), so a test can `expect(violations).toEqual([])`.
 *
 * The composite foreign keys (organization_id, x_id) already make most orphans impossible; these
 * checks hold whatever the constraints are, so they keep holding when the schema changes.
 */
export async function checkConsistency(db: Pick<Database, 'sql'>): Promise<string[]> {
  const violations: string[] = [];
  const check = async (rule: string, sql: string) => {
    const rows = await db.sql.query<Record<string, unknown>>(sql);
    if (rows.length > 0) violations.push(`${rule}: ${rows.length} row(s), e.g. ${JSON.stringify(rows.slice(0, 5))}`);
  };

  // Children whose parent is missing or belongs to another organisation.
  const children: [table: string, column: string, parent: string, nullable?: boolean][] = [
    ['contact_emails', 'contact_id', 'contacts'],
    ['contact_phones', 'contact_id', 'contacts'],
    ['contact_addresses', 'contact_id', 'contacts'],
    ['contact_urls', 'contact_id', 'contacts'],
    ['contact_companies', 'contact_id', 'contacts'],
    ['contact_companies', 'company_id', 'companies'],
    ['group_memberships', 'group_id', 'groups'],
    ['group_memberships', 'contact_id', 'contacts'],
    ['custom_fields', 'group_id', 'groups'],
    ['custom_field_values', 'contact_id', 'contacts'],
    ['custom_field_values', 'field_id', 'custom_fields'],
    ['external_refs', 'contact_id', 'contacts', true],
    ['external_refs', 'company_id', 'companies', true],
    ['interactions', 'contact_id', 'contacts'],
    ['interactions', 'user_id', 'users'],
    ['contacts', 'created_by_id', 'users', true],
    ['contacts', 'updated_by_id', 'users', true],
    ['contacts', 'merged_into_id', 'contacts', true],
    ['api_keys', 'user_id', 'users'],
  ];
  for (const [table, column, parent, nullable] of children) {
    await check(
      `${table}.${column} names a missing ${parent} row or one of another organisation`,
      `SELECT c.organization_id AS child_org, c.${column} AS ref, p.organization_id AS parent_org
         FROM ${table} c LEFT JOIN ${parent} p ON p.id = c.${column}
        WHERE ${nullable ? `c.${column} IS NOT NULL AND ` : ''}(p.id IS NULL OR p.organization_id <> c.organization_id)`,
    );
  }

  await check(
    'external_refs: the owner type must match exactly one owner column',
    `SELECT id, owner_type, contact_id, company_id FROM external_refs
      WHERE NOT ((owner_type = 'CONTACT' AND contact_id IS NOT NULL AND company_id IS NULL)
              OR (owner_type = 'COMPANY' AND company_id IS NOT NULL AND contact_id IS NULL))`,
  );

  // Ordered lists: exactly one primary when non-empty, distinct positions, at most 20 entries.
  for (const table of ['contact_emails', 'contact_phones', 'contact_addresses', 'contact_urls', 'contact_companies']) {
    await check(
      `${table}: a contact with entries has exactly one primary`,
      `SELECT contact_id, count(*) FILTER (WHERE is_primary) AS primaries, count(*) AS entries
         FROM ${table} GROUP BY contact_id HAVING count(*) FILTER (WHERE is_primary) <> 1`,
    );
    await check(
      `${table}: positions are distinct per contact`,
      `SELECT contact_id, position, count(*) AS n FROM ${table} GROUP BY contact_id, position HAVING count(*) > 1`,
    );
    await check(`${table}: at most 20 entries per contact`, `SELECT contact_id, count(*) AS n FROM ${table} GROUP BY contact_id HAVING count(*) > 20`);
  }

  await check(
    'contact_emails: address_normalized is the lower-cased address, unique per organisation',
    `SELECT organization_id, address, address_normalized FROM contact_emails
      WHERE address_normalized <> lower(trim(address))
         OR (organization_id, address_normalized) IN (
              SELECT organization_id, address_normalized FROM contact_emails GROUP BY 1, 2 HAVING count(*) > 1)`,
  );
  await check(
    'external_refs: namespace + id unique per organisation and owner type',
    `SELECT organization_id, owner_type, namespace, external_id, count(*) AS n FROM external_refs GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
  );
  await check(
    'companies: normalized name unique per organisation',
    `SELECT organization_id, normalized_name, count(*) AS n FROM companies GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  await check(
    'groups: normalized name unique per organisation',
    `SELECT organization_id, normalized_name, count(*) AS n FROM groups GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  await check(
    'custom_fields: normalized name unique per group',
    `SELECT group_id, normalized_name, count(*) AS n FROM custom_fields GROUP BY 1, 2 HAVING count(*) > 1`,
  );

  await check('contacts: version ≥ 1', `SELECT id, version FROM contacts WHERE version < 1`);
  await check(
    'contacts: a merged-away contact points at a live contact, not at itself',
    `SELECT c.id, c.merged_into_id FROM contacts c JOIN contacts t ON t.id = c.merged_into_id
      WHERE c.merged_into_id = c.id OR t.merged_into_id IS NOT NULL`,
  );

  // The change feed: every entry belongs to its contact's organisation (or to a purged contact,
  // which no organisation has any more), and every contact's version is accounted for.
  await check(
    'contact_changes: an entry names a contact of another organisation',
    `SELECT ch.seq, ch.organization_id AS entry_org, c.organization_id AS contact_org FROM contact_changes ch
       JOIN contacts c ON c.id = ch.contact_id WHERE c.organization_id <> ch.organization_id`,
  );
  await check(
    'contact_changes: an entry of a contact that does not exist is not a purge tombstone trail',
    `SELECT ch.contact_id, array_agg(ch.change_type::text ORDER BY ch.seq) AS types FROM contact_changes ch
      WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = ch.contact_id)
      GROUP BY ch.contact_id HAVING bool_and(ch.change_type <> 'PURGED')`,
  );
  await check(
    'contact_changes: a PURGED entry for a contact that still exists',
    `SELECT ch.seq, ch.contact_id FROM contact_changes ch JOIN contacts c ON c.id = ch.contact_id WHERE ch.change_type = 'PURGED'`,
  );
  await check(
    'contacts: the latest change-feed version equals the contact version (every write is in the feed)',
    `SELECT c.id, c.version, max(ch.version) AS feed_version, count(ch.seq) AS entries FROM contacts c
       LEFT JOIN contact_changes ch ON ch.contact_id = c.id AND ch.organization_id = c.organization_id
      GROUP BY c.id, c.version HAVING max(ch.version) IS DISTINCT FROM c.version`,
  );
  await check(
    'contact_changes: every contact has a CREATED entry',
    `SELECT c.id FROM contacts c WHERE NOT EXISTS (
       SELECT 1 FROM contact_changes ch WHERE ch.contact_id = c.id AND ch.change_type = 'CREATED')`,
  );

  // Custom values: stored in the shape of the field's type, references within the organisation.
  await check(
    'custom_field_values: the stored value has the shape of the field type',
    `SELECT v.contact_id, f.type, v.value FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
      WHERE NOT CASE f.type::text
        WHEN 'TEXT' THEN jsonb_typeof(v.value -> 'text') = 'string'
        WHEN 'MAGIC' THEN jsonb_typeof(v.value -> 'text') = 'string'
        WHEN 'NUMBER' THEN jsonb_typeof(v.value -> 'number') = 'number'
        WHEN 'DATE' THEN (v.value ->> 'date') ~ '^\\d{4}-\\d{2}-\\d{2}$'
        WHEN 'SINGLE_SELECT' THEN (v.value ->> 'option') = ANY (f.options)
        WHEN 'MULTIPLE_SELECT' THEN jsonb_typeof(v.value -> 'options') = 'array'
        WHEN 'CONTACT' THEN jsonb_typeof(v.value -> 'contactIds') = 'array'
        WHEN 'USER' THEN jsonb_typeof(v.value -> 'userIds') = 'array'
        WHEN 'OBJECT' THEN jsonb_typeof(v.value -> 'objects') = 'array'
        ELSE false END`,
  );
  await check(
    'custom_field_values: a CONTACT value references a contact of another organisation',
    `SELECT v.contact_id, ref.value AS referenced FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
       CROSS JOIN LATERAL jsonb_array_elements_text(v.value -> 'contactIds') ref
       JOIN contacts c ON c.id::text = ref.value
      WHERE f.type = 'CONTACT' AND c.organization_id <> v.organization_id`,
  );
  await check(
    'custom_field_values: a USER value references a user of another organisation',
    `SELECT v.contact_id, ref.value AS referenced FROM custom_field_values v JOIN custom_fields f ON f.id = v.field_id
       CROSS JOIN LATERAL jsonb_array_elements_text(v.value -> 'userIds') ref
       JOIN users u ON u.id::text = ref.value
      WHERE f.type = 'USER' AND u.organization_id <> v.organization_id`,
  );
  return violations;
}

/** Tables with an organization_id column, and the columns to order their rows by. */
const ORGANIZATION_TABLES: [table: string, order: string][] = [
  ['organizations', 'id'],
  ['users', 'id'],
  ['api_keys', 'id'],
  ['contacts', 'id'],
  ['contact_emails', 'id'],
  ['contact_phones', 'id'],
  ['contact_addresses', 'id'],
  ['contact_urls', 'id'],
  ['companies', 'id'],
  ['contact_companies', 'contact_id, company_id'],
  ['groups', 'id'],
  ['group_memberships', 'group_id, contact_id'],
  ['custom_fields', 'id'],
  ['custom_field_values', 'contact_id, field_id'],
  ['external_refs', 'id'],
  ['interactions', 'id'],
  ['contact_changes', 'seq'],
  ['idempotency_records', 'operation, key'],
];

/**
 * Every row an organisation owns, as JSON text per table: compare a snapshot taken before and
 * after something that must not touch the organisation.
 */
export async function snapshotOrganization(db: Pick<Database, 'sql'>, organizationId: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const [table, order] of ORGANIZATION_TABLES) {
    const column = table === 'organizations' ? 'id' : 'organization_id';
    const rows = await db.sql.query(`SELECT row_to_json(t)::text AS row FROM ${table} t WHERE ${column} = $1 ORDER BY ${order}`, [organizationId]);
    snapshot[table] = rows.map((r) => (r as { row: string }).row).join('\n');
  }
  return snapshot;
}
