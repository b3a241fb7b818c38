import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { createTenant, SCOPES } from '../src/tenant/tenant.js';
import { encodeId } from '../src/modules/common/ids.js';
import { createChangeEvents } from '../src/tenant/change-events.js';
import { createCompany } from '../src/modules/company/create-company.js';
import { createContact } from '../src/modules/contact/create-contact.js';
import { createCustomField } from '../src/modules/custom-field/create-custom-field.js';
import { createGroup } from '../src/modules/group/create-group.js';
import { createOrganization } from '../src/modules/organization/organization.js';
import { createUser } from '../src/modules/user/user.js';
import { createPostgresDatabase, databaseKind, withDatabase } from './support/database.js';
import { runCli } from './support/process.js';

// The real CLI in a child process. PGlite's data folder serves one process at a time, so the
// test opens the database only between CLI runs (withDb), never while one runs.
// Peak RSS of a 20,000-row import. Most of it is the process itself (about 200 MB before the
// first row on PostgreSQL: Prisma, its WASM query compiler, the modules); PGlite adds the
// embedded PostgreSQL's own WASM memory.
const POSTGRES_PEAK_MB = 450;
const PGLITE_PEAK_MB = 750;

const dir = mkdtempSync(path.join(tmpdir(), 'contactgraph-import-'));
const dataDir = path.join(dir, 'data');
const postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
const env = { DATABASE_URL: postgres?.url ?? '', DATA_DIR: dataDir };
const cli = (...args: string[]) => runCli(args, env);
const file = (name: string, text: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
};

const withDb = <T>(work: (db: Database) => Promise<T>) => withDatabase({ url: postgres?.url, dataDir: dataDir }, work);

/** An organisation with a user, the groups VIP and Board, and the fields Tier (VIP) and Seats (Board). */
async function organization(db: Database, name: string) {
  const org = await createOrganization(db.prisma, name);
  const user = await createUser(db.prisma, { organizationId: org.id, email: `owner@${name.toLowerCase()}.example`, fullName: 'Owner' });
  const tenant = createTenant(
    { organizationId: org.id, userId: user.id, apiKeyId: 'test', apiKeyPrefix: 'test', scopes: new Set(SCOPES) },
    db.prisma,
    createChangeEvents(),
  );
  const vip = await createGroup(tenant, { name: 'VIP' });
  const board = await createGroup(tenant, { name: 'Board' });
  if (!vip.ok || !board.ok) throw new Error('groups');
  const tier = await createCustomField(tenant, { groupId: encodeId('Group', vip.value.id), name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] });
  const seats = await createCustomField(tenant, { groupId: encodeId('Group', board.value.id), name: 'Seats', type: 'NUMBER' });
  const interests = await createCustomField(tenant, { groupId: encodeId('Group', vip.value.id), name: 'Interests', type: 'MULTIPLE_SELECT', options: ['Golf', 'Sailing', 'Chess'] });
  if (!tier.ok || !seats.ok || !interests.ok) throw new Error('fields');
  return { org, user, tenant };
}

const contactsOf = (db: Database, organizationId: string) =>
  db.prisma.contact.findMany({
    where: { organizationId },
    orderBy: { lastName: 'asc' },
    include: {
      emails: { orderBy: { position: 'asc' } },
      phones: { orderBy: { position: 'asc' } },
      companies: { orderBy: { position: 'asc' }, include: { company: true } },
      groups: { include: { group: true } },
      customFieldValues: { include: { field: true } },
      externalRefs: true,
    },
  });

const CRM_CSV = [
  'firstName,lastName,emails,phones,mobile,companies,jobTitle,tags,groups,externalRef.crm,externalRef,field:Tier,field:Seats,field:Interests,birthday,type',
  'Ada,Lovelace,ada@example.com;ada@work.example,+442079460958,+447911123456,Analytical Engines;Babbage & Co,Mathematician,vip;math,Board,CRM-1,erp:E-1,Gold,3,Golf;Chess,1985-12-10,GENERAL',
  'Charles,Babbage,charles@example.com,,,Babbage & Co,,,,CRM-2,,,,,,',
  '"Grace ""Amazing""",Hopper,grace@example.com,,,analytical engines,Rear Admiral,,,CRM-3,,Silver,,,,',
].join('\n');

beforeAll(async () => {
  await withDb(async (db) => {
    await organization(db, 'Acme');
    await organization(db, 'Empty');
    await organization(db, 'Empty2');
    await organization(db, 'Jsonl');
    await organization(db, 'Big');
    const { org, tenant } = await organization(db, 'Formulas');
    await organization(db, 'Formulas2');
    const seats = await db.prisma.customField.findFirstOrThrow({ where: { organizationId: org.id, name: 'Seats' } });
    for (const input of [
      {
        firstName: '=HYPERLINK("https://evil.example","click")',
        lastName: '@SUM(A1:A9)',
        jobTitle: "'=quoted formula",
        description: "'quoted",
        tags: ['-dash', '+plus'],
        phones: [{ number: '+442079460958' }],
        groups: [encodeId('Group', seats.groupId)],
        customFieldValues: [{ field: encodeId('CustomField', seats.id), value: -5 }],
      },
      { firstName: '+Plus', lastName: "''=two quotes", department: "'" },
    ]) {
      const created = await createContact(tenant, input);
      if (!created.ok) throw new Error(JSON.stringify(created.failures));
    }
  });
});

afterAll(async () => {
  await postgres?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('contactgraph import', () => {
  it('imports a CSV: companies by name, groups, custom fields (their groups added), external refs', async () => {
    const result = await cli('import', file('crm.csv', CRM_CSV), '--org', 'Acme');
    expect(result.stderr).toMatch(/import: 3 rows \(100%\)/);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/import of .*crm\.csv into "Acme" \(org_[0-9a-f-]+\): 3 rows/);
    expect(result.stdout).toMatch(/created {4}3\n {2}updated {4}0\n {2}unchanged {2}0\n {2}failed {5}0/);

    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Acme' } });
      const [charles, grace, ada] = await contactsOf(db, org.id);
      expect(ada).toMatchObject({ fullName: 'Ada Lovelace', jobTitle: 'Mathematician', tags: ['vip', 'math'], type: 'GENERAL' });
      expect(ada!.birthday?.toISOString()).toBe('1985-12-10T00:00:00.000Z');
      expect(ada!.emails.map((e) => [e.address, e.isPrimary])).toEqual([['ada@example.com', true], ['ada@work.example', false]]);
      expect(ada!.phones.map((p) => [p.number, p.label, p.isPrimary])).toEqual([['+442079460958', null, true], ['+447911123456', 'MOBILE', false]]);
      expect(ada!.companies.map((c) => [c.company.name, c.isPrimary])).toEqual([['Analytical Engines', true], ['Babbage & Co', false]]);
      expect(ada!.groups.map((m) => m.group.name).sort()).toEqual(['Board', 'VIP']);
      expect(Object.fromEntries(ada!.customFieldValues.map((v) => [v.field.name, v.value]))).toEqual({
        Tier: { option: 'Gold' },
        Seats: { number: 3 },
        Interests: { options: ['Golf', 'Chess'] },
      });
      expect(ada!.externalRefs.map((r) => `${r.namespace}/${r.externalId}`).sort()).toEqual(['crm/CRM-1', 'erp/E-1']);
      // Companies are matched by name as the API does: one "Analytical Engines", one "Babbage & Co".
      expect(grace!.companies[0]!.companyId).toBe(ada!.companies[0]!.companyId);
      expect(charles!.companies[0]!.companyId).toBe(ada!.companies[1]!.companyId);
      expect(await db.prisma.company.count({ where: { organizationId: org.id } })).toBe(2);
      expect(grace).toMatchObject({ firstName: 'Grace "Amazing"', jobTitle: 'Rear Admiral' });
      expect(grace!.groups.map((m) => m.group.name)).toEqual(['VIP']);
      // The change feed says the CLI import wrote them, as the first user.
      const changes = await db.prisma.contactChange.findMany({ where: { organizationId: org.id } });
      const owner = await db.prisma.user.findFirstOrThrow({ where: { organizationId: org.id } });
      expect(changes).toHaveLength(3);
      for (const change of changes) expect(change.changeOrigin).toMatchObject({ apiKeyPrefix: 'cli:import', userId: owner.id });
      expect(ada!.createdById).toBe(owner.id);
    });
  });

  it('reports bad rows by line with their reasons, writes them to the reject file, imports the rest (exit 2)', async () => {
    const csv = file(
      'bad.csv',
      [
        'firstName,lastName,email,externalRef.crm,field:Tier,field:Nope',
        'Good,One,good1@example.com,CRM-10,,',
        'Bad,Email,not-an-email,CRM-11,,',
        'Dup,Ref,dup@example.com,CRM-1,,',
        'Unknown,Field,unknown@example.com,CRM-12,,something',
        'Bad,Option,option@example.com,CRM-13,Platinum,',
        'Good,Two,good2@example.com,CRM-14,Silver,',
        'Too,Many,cells@example.com,CRM-15,,,extra',
      ].join('\r\n'),
    );
    const rejects = path.join(dir, 'bad-rejects.jsonl');
    const result = await cli('import', csv, '--org', 'Acme', '--reject-file', rejects, '--batch-size', '2');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}2\n[\s\S]*failed {5}5/);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('  line 3: VALIDATION (column email, at email): is not a valid email address');
    expect(lines.find((l) => l.startsWith('  line 4: DUPLICATE (column externalRef.crm, at externalRefs.0): the external ref crm/CRM-1 already belongs'))).toMatch(/\[existing con_/);
    expect(lines).toContain('  line 5: NOT_FOUND (column field:Nope, at customFieldValues.0.field): no custom field named "Nope"');
    expect(lines).toContain('  line 6: VALIDATION (column field:Tier, at customFieldValues.0.value): must be one of: Gold, Silver');
    expect(lines).toContain('  line 8: VALIDATION: has 7 cells; the header has 6');
    expect(result.stdout).toContain(`failed rows written to ${rejects}`);

    const rejected = readFileSync(rejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected.map((r) => r.line)).toEqual([3, 4, 5, 6, 8]);
    expect(rejected[0]).toEqual({
      line: 3,
      row: { firstName: 'Bad', lastName: 'Email', email: 'not-an-email', 'externalRef.crm': 'CRM-11', 'field:Tier': '', 'field:Nope': '' },
      errors: [{ code: 'VALIDATION', path: 'email', message: 'is not a valid email address', column: 'email' }],
    });
    expect(rejected[1].errors[0]).toMatchObject({ code: 'DUPLICATE', path: 'externalRefs.0', column: 'externalRef.crm', existingId: expect.stringMatching(/^con_/) });
    expect(rejected[2].errors).toEqual([{ code: 'NOT_FOUND', path: 'customFieldValues.0.field', message: 'no custom field named "Nope"', column: 'field:Nope' }]);

    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Acme' } });
      const imported = await db.prisma.contact.findMany({ where: { organizationId: org.id, lastName: { in: ['One', 'Two', 'Email', 'Ref', 'Field', 'Option', 'Many'] } } });
      expect(imported.map((c) => c.lastName).sort()).toEqual(['One', 'Two']);
    });
  });

  it('a row repeating an email or ref of a row in the batch before fails as DUPLICATE, the earlier row written (batches validated while the one before is written)', async () => {
    await withDb((db) => organization(db, 'Batches'));
    const rows = Array.from({ length: 10 }, (_, i) => [
      `First,A${i},a${i}@batches.example,B-${i}`,
      `Second,B${i},a${i}@batches.example,B-${i}-other`,
      `Third,C${i},c${i}@batches.example,B-${i}`,
    ]).flat();
    const rejects = path.join(dir, 'batches-rejects.jsonl');
    const result = await cli('import', file('batches.csv', ['firstName,lastName,email,externalRef.crm', ...rows].join('\n')), '--org', 'Batches', '--batch-size', '1', '--reject-file', rejects);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}10\n[\s\S]*failed {5}20/);
    const rejected = readFileSync(rejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected.map((r) => [r.line, r.errors.map((e: { code: string; column: string }) => `${e.code} ${e.column}`)])).toEqual(
      Array.from({ length: 10 }, (_, i) => [
        [3 + 3 * i, ['DUPLICATE email']],
        [4 + 3 * i, ['DUPLICATE externalRef.crm']],
      ]).flat(),
    );
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Batches' } });
      const contacts = await db.prisma.contact.findMany({ where: { organizationId: org.id }, orderBy: { lastName: 'asc' } });
      expect(contacts.map((c) => c.lastName)).toEqual(Array.from({ length: 10 }, (_, i) => `A${i}`));
    });
  });

  it('--upsert-by externalRef:crm updates the contacts a re-import names, creates the new ones', async () => {
    const rows = CRM_CSV.split('\n');
    rows[2] = 'Charles,Babbage,charles@example.com,,,Babbage & Co,Inventor,,,CRM-2,,,,,,'; // jobTitle added
    rows.push('Alan,Turing,alan@example.com,,,,,,,CRM-4,,,,,,', 'No,Ref,noref@example.com,,,,,,,,,,,,,');
    const result = await cli('import', file('crm-again.csv', rows.join('\n')), '--org', 'Acme', '--upsert-by', 'externalRef:crm');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}1\n {2}updated {4}1\n {2}unchanged {2}2\n {2}failed {5}1/);
    expect(result.stdout).toContain('  line 6: VALIDATION (at externalRefs): has no external ref in the namespace "crm" to upsert by');
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Acme' } });
      const charles = await db.prisma.contact.findFirstOrThrow({ where: { organizationId: org.id, lastName: 'Babbage' } });
      expect(charles).toMatchObject({ jobTitle: 'Inventor', version: 2 });
      const changes = await db.prisma.contactChange.findMany({ where: { organizationId: org.id, contactId: charles.id }, orderBy: { seq: 'asc' } });
      expect(changes.map((c) => [c.changeType, c.changedFields])).toEqual([['CREATED', []], ['UPDATED', ['jobTitle']]]);
      expect(changes[1]!.changeOrigin).toMatchObject({ apiKeyPrefix: 'cli:import', namespaces: ['crm'] });
      expect(await db.prisma.contact.count({ where: { organizationId: org.id, lastName: 'Turing' } })).toBe(1);
    });
  });

  it('--upsert-by applies the rows naming one contact in file order; a custom value without groups keeps the contact\'s groups', async () => {
    await withDb((db) => organization(db, 'InOrder'));
    const csv = file('in-order.csv', [
      'firstName,lastName,groups,externalRef.crm,field:Tier',
      'Ord,One,Board,ORD-1,',
      'Ord,Two,,ORD-2,',
      ',Renamed,,ORD-1,Gold',
      'Ord,Three,,ORD-3,',
      ',Again,,ORD-1,',
      'Ord,Four,,ORD-2,Silver',
    ].join('\n'));
    const result = await cli('import', csv, '--org', 'InOrder', '--upsert-by', 'externalRef:crm');
    expect(result.stdout).toMatch(/created {4}3\n {2}updated {4}3\n {2}unchanged {2}0\n {2}failed {5}0/);
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'InOrder' } });
      const contacts = await db.prisma.contact.findMany({
        where: { organizationId: org.id },
        include: { externalRefs: true, groups: { include: { group: true } }, customFieldValues: true },
        orderBy: { lastName: 'asc' },
      });
      expect(contacts.map((c) => [c.externalRefs.map((r) => r.externalId), c.lastName, c.version, c.groups.map((m) => m.group.name).sort(), c.customFieldValues.length])).toEqual([
        [['ORD-1'], 'Again', 3, ['Board', 'VIP'], 1],
        [['ORD-2'], 'Four', 2, ['VIP'], 1],
        [['ORD-3'], 'Three', 1, [], 0],
      ]);
      const changes = await db.prisma.contactChange.findMany({ where: { organizationId: org.id, contactId: contacts[0]!.id }, orderBy: { seq: 'asc' } });
      expect(changes.map((c) => [c.changeType, c.version])).toEqual([['CREATED', 1], ['UPDATED', 2], ['UPDATED', 3]]);
    });
  });

  it('--upsert-by email names no namespace in the change origin (the row lists no refs)', async () => {
    await withDb(async (db) => {
      const { tenant } = await organization(db, 'ByEmail');
      const created = await createContact(tenant, { firstName: 'Ada', email: 'ada@example.com', externalRefs: [{ namespace: 'crm', externalId: 'CRM-1' }, { namespace: 'erp', externalId: 'E-1' }] });
      expect(created).toMatchObject({ ok: true });
    });
    const csv = file('by-email.csv', ['firstName,lastName,email,jobTitle', 'Ada,Lovelace,ada@example.com,Countess'].join('\n'));
    const result = await cli('import', csv, '--org', 'ByEmail', '--upsert-by', 'email');
    expect(result.stdout).toMatch(/updated {4}1\n/);
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'ByEmail' } });
      const ada = await db.prisma.contact.findFirstOrThrow({ where: { organizationId: org.id }, include: { externalRefs: true } });
      expect(ada.externalRefs.map((r) => r.namespace).sort()).toEqual(['crm', 'erp']);
      const changes = await db.prisma.contactChange.findMany({ where: { organizationId: org.id, contactId: ada.id }, orderBy: { seq: 'asc' } });
      expect(changes.map((c) => [c.changeType, c.changedFields])).toEqual([['CREATED', []], ['UPDATED', ['lastName', 'fullName', 'jobTitle']]]);
      expect(changes[1]!.changeOrigin).toMatchObject({ apiKeyPrefix: 'cli:import', namespaces: [] });
    });
  });

  it('imports JSONL lines in the createContact input shape (groups and fields by name or id)', async () => {
    const ids = await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Jsonl' } });
      const vip = await db.prisma.group.findFirstOrThrow({ where: { organizationId: org.id, name: 'VIP' } });
      const tier = await db.prisma.customField.findFirstOrThrow({ where: { organizationId: org.id, name: 'Tier' } });
      return { vip: encodeId('Group', vip.id), tier: encodeId('CustomField', tier.id) };
    });
    const jsonl = file(
      'contacts.jsonl',
      [
        JSON.stringify({
          firstName: 'Linus', lastName: 'Torvalds', email: 'linus@example.com',
          phones: [{ number: '020 7946 0958', countryCode: 'GB', label: 'WORK' }],
          companies: [{ company: { name: 'Linux Foundation' }, jobTitle: 'Fellow' }],
          addresses: [{ city: 'Portland', country: 'US' }],
          groups: ['Board'], customFieldValues: [{ field: 'Seats', value: 2 }, { field: ids.tier, value: 'Gold' }],
          externalRefs: [{ namespace: 'crm', externalId: 'L-1' }],
        }),
        '',
        JSON.stringify({ firstName: 'Margaret', lastName: 'Hamilton', groups: [ids.vip], tags: ['apollo'] }),
        '{"firstName": "Broken",',
        JSON.stringify({ firstName: 'Typo', lastNme: 'X' }),
        JSON.stringify({ lastName: 'NoGroup', groups: ['Nope'] }),
      ].join('\n') + '\n',
    );
    const result = await cli('import', jsonl, '--org', 'Jsonl');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}2\n[\s\S]*failed {5}3/);
    expect(result.stdout).toMatch(/line 4: VALIDATION: is not valid JSON/);
    expect(result.stdout).toContain('  line 5: VALIDATION (at lastNme): is not a createContact input field');
    expect(result.stdout).toContain('  line 6: NOT_FOUND (at groups.0): no group named "Nope"');
    const rejected = readFileSync(`${jsonl}.rejects.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected.map((r) => [r.line, r.row])).toEqual([
      [4, '{"firstName": "Broken",'],
      [5, { firstName: 'Typo', lastNme: 'X' }],
      [6, { lastName: 'NoGroup', groups: ['Nope'] }],
    ]);
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Jsonl' } });
      const [hamilton, linus] = await contactsOf(db, org.id);
      expect(linus!.jobTitle).toBe('Fellow');
      expect(linus!.phones[0]).toMatchObject({ number: '+442079460958', label: 'WORK' });
      expect(linus!.groups.map((m) => m.group.name).sort()).toEqual(['Board', 'VIP']);
      expect(linus!.customFieldValues.map((v) => v.value)).toEqual(expect.arrayContaining([{ number: 2 }, { option: 'Gold' }]));
      expect(hamilton!.groups.map((m) => m.group.name)).toEqual(['VIP']);
    });
  });

  it('custom columns as a CRM writes them: numbers as text, companies in CONTACT cells, users by email; errors at the entry', async () => {
    const ids = await withDb(async (db) => {
      const { org, user, tenant } = await organization(db, 'Refs');
      const vip = await db.prisma.group.findFirstOrThrow({ where: { organizationId: org.id, name: 'VIP' } });
      const related = await createCustomField(tenant, { groupId: encodeId('Group', vip.id), name: 'Related', type: 'CONTACT' });
      const owners = await createCustomField(tenant, { groupId: encodeId('Group', vip.id), name: 'Owners', type: 'USER' });
      const acme = await createCompany(tenant, { name: 'Acme Refs' });
      if (!related.ok || !owners.ok || !acme.ok) throw new Error('setup');
      return { acme: encodeId('Company', acme.value.id), email: user.email, userId: user.id, acmeId: acme.value.id };
    });
    const csv = file(
      'refs.csv',
      [
        'firstName,lastName,field:Seats,field:Related,field:Owners',
        `Num,Text,-3.5,${ids.acme},${ids.email.toUpperCase()}`,
        'Hex,Number,0x10,,',
        `Ghost,Owner,,,${ids.email};ghost@nowhere.example`,
        'Foreign,Ref,,com_01890000-0000-7000-8000-000000000000,',
      ].join('\n'),
    );
    const rejects = path.join(dir, 'refs-rejects.jsonl');
    const result = await cli('import', csv, '--org', 'Refs', '--reject-file', rejects);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}1\n[\s\S]*failed {5}3/);
    const rejected = readFileSync(rejects, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected.map((r) => [r.line, r.errors])).toEqual([
      [3, [{ code: 'VALIDATION', path: 'customFieldValues.0.value', message: expect.stringMatching(/decimal number/), column: 'field:Seats' }]],
      [4, [{ code: 'NOT_FOUND', path: 'customFieldValues.0.value.1', message: 'no user with this email', column: 'field:Owners' }]],
      [5, [{ code: 'NOT_FOUND', path: 'customFieldValues.0.value.0', message: 'no company with this id', column: 'field:Related' }]],
    ]);
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Refs' } });
      const [num] = await contactsOf(db, org.id);
      expect(num!.lastName).toBe('Text');
      expect(Object.fromEntries(num!.customFieldValues.map((v) => [v.field.name, v.value]))).toEqual({
        Seats: { number: -3.5 },
        Related: { contactIds: [], companyIds: [ids.acmeId] },
        Owners: { userIds: [ids.userId] },
      });
      expect(num!.groups.map((m) => m.group.name).sort()).toEqual(['Board', 'VIP']);
    });
  });

  it('JSONL custom values by { group, name }: the group by name or id (added to the groups), the field name resolved as in the API', async () => {
    const jsonl = file(
      'by-name.jsonl',
      [
        JSON.stringify({ firstName: 'Paired', customFieldValues: [{ group: 'vip', name: ' TIER ', value: 'Gold' }, { group: 'Board', name: 'seats', value: '4' }] }),
        JSON.stringify({ firstName: 'NoGroup', customFieldValues: [{ group: 'Nope', name: 'Tier', value: 'Gold' }] }),
        JSON.stringify({ firstName: 'NoField', customFieldValues: [{ group: 'VIP', name: 'Nope', value: 'Gold' }] }),
        JSON.stringify({ firstName: 'Both', customFieldValues: [{ field: 'Tier', group: 'VIP', name: 'Tier', value: 'Gold' }] }),
      ].join('\n') + '\n',
    );
    const result = await cli('import', jsonl, '--org', 'Refs');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/created {4}1\n[\s\S]*failed {5}3/);
    expect(result.stdout).toContain('  line 2: NOT_FOUND (at customFieldValues.0.group): no group named "Nope"');
    expect(result.stdout).toContain('  line 3: NOT_FOUND (at customFieldValues.0.name): the group "VIP" has no field named "Nope"');
    expect(result.stdout).toContain('  line 4: VALIDATION (at customFieldValues.0): give either field, or group and name');
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Refs' } });
      const paired = await db.prisma.contact.findFirstOrThrow({
        where: { organizationId: org.id, firstName: 'Paired' },
        include: { groups: { include: { group: true } }, customFieldValues: { include: { field: true } } },
      });
      expect(paired.groups.map((m) => m.group.name).sort()).toEqual(['Board', 'VIP']);
      expect(Object.fromEntries(paired.customFieldValues.map((v) => [v.field.name, v.value]))).toEqual({ Tier: { option: 'Gold' }, Seats: { number: 4 } });
    });
  });

  it('imports a 20,000-row CSV with flat memory (peak RSS printed with --stats)', { timeout: 600_000 }, async () => {
    const big = path.join(dir, 'big.csv');
    const out = createWriteStream(big);
    out.write('firstName,lastName,email,companies,tags,externalRef.crm,field:Tier\n');
    for (let i = 0; i < 20_000; i += 1) {
      if (!out.write(`First${i},Last${i},person${i}@example.com,Company ${i % 100},t${i % 5},R-${i},${i % 2 ? 'Gold' : ''}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const result = await cli('import', big, '--org', 'Big', '--stats');
    expect(result.stdout).toMatch(/created {4}20000\n[\s\S]*failed {5}0/);
    expect(result.code).toBe(0);
    const peak = Number(/peak RSS: ([\d.]+) MB/.exec(result.stdout)![1]);
    console.log(`20,000-row import on ${databaseKind}: peak RSS ${peak} MB; ${/\(\d+ rows\/s\)/.exec(result.stdout)![0]}`);
    expect(peak).toBeLessThan(databaseKind === 'pglite' ? PGLITE_PEAK_MB : POSTGRES_PEAK_MB);
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Big' } });
      expect(await db.prisma.contact.count({ where: { organizationId: org.id } })).toBe(20_000);
      expect(await db.prisma.company.count({ where: { organizationId: org.id } })).toBe(100);
      expect(await db.prisma.customFieldValue.count({ where: { organizationId: org.id } })).toBe(10_000);
    });
  });
});

describe('contactgraph export', () => {
  const sortedLines = (text: string) => {
    const [header, ...rows] = text.trimEnd().split('\n');
    return [header, ...rows.sort()];
  };

  it('exports CSV that imports into an empty organisation and exports the same again', async () => {
    const first = await cli('export', '--org', 'Acme', '--format', 'csv');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/exported 6 contacts of "Acme" as csv/);
    const [header] = first.stdout.split('\n');
    expect(header).toBe(
      'type,firstName,middleName,lastName,fullName,abbreviation,title,gender,birthday,primaryLanguage,jobTitle,department,emails,phones,mobile,urls,' +
        'linkedInUrl,profilePictureUrl,loginEmail,mailingListOptIn,purchaseOrderNumber,tags,companies,groups,description,strategy,' +
        'externalRef.crm,externalRef.erp,field:Seats,field:Tier,field:Interests',
    );
    expect(first.stdout).toContain("GENERAL,Ada,,Lovelace,,,,,1985-12-10,,Mathematician,,ada@example.com;ada@work.example,'+442079460958;+447911123456,'+447911123456,");
    const csv = file('export.csv', first.stdout);
    const imported = await cli('import', csv, '--org', 'Empty');
    expect(imported).toMatchObject({ code: 0, stdout: expect.stringMatching(/created {4}6\n/) });
    const again = await cli('export', '--org', 'Empty', '--format', 'csv', '--output', path.join(dir, 'again.csv'));
    expect(again.code).toBe(0);
    expect(sortedLines(readFileSync(path.join(dir, 'again.csv'), 'utf8'))).toEqual(sortedLines(first.stdout));
  });

  it('exports JSONL that round-trips with labels, addresses and company job titles', async () => {
    const output = path.join(dir, 'jsonl-export.jsonl');
    const first = await cli('export', '--org', 'Jsonl', '--output', output);
    expect(first.code).toBe(0);
    const text = readFileSync(output, 'utf8');
    const linus = text.split('\n').map((line) => (line ? JSON.parse(line) : null)).find((c) => c?.lastName === 'Torvalds');
    expect(linus).toMatchObject({
      companies: [{ company: { name: 'Linux Foundation' }, jobTitle: 'Fellow', isPrimary: true }],
      addresses: [{ city: 'Portland', country: 'US', isPrimary: true }],
      groups: expect.arrayContaining(['Board', 'VIP']),
      customFieldValues: [{ field: 'Seats', value: 2 }, { field: 'Tier', value: 'Gold' }],
    });
    expect(await cli('import', output, '--org', 'Empty2')).toMatchObject({ code: 0, stdout: expect.stringMatching(/created {4}2\n/) });
    const again = await cli('export', '--org', 'Empty2', '--format', 'jsonl');
    expect(again.stdout.trimEnd().split('\n').sort()).toEqual(text.trimEnd().split('\n').sort());
  });

  it('neutralises formula cells in CSV (a leading quote), which its import strips again: every value round-trips exactly', async () => {
    const csv = await cli('export', '--org', 'Formulas', '--format', 'csv');
    expect(csv.code).toBe(0);
    const [header, ...rows] = parse(csv.stdout) as string[][];
    const byColumn = rows.map((row) => Object.fromEntries(header!.map((column, index) => [column, row[index]])));
    const hyperlink = byColumn.find((row) => row.lastName!.includes('SUM'))!;
    expect(hyperlink).toMatchObject({
      firstName: `'=HYPERLINK("https://evil.example","click")`,
      lastName: "'@SUM(A1:A9)",
      jobTitle: "''=quoted formula",
      description: "'quoted",
      tags: "'-dash;+plus",
      phones: "'+442079460958",
      'field:Seats': "'-5",
    });
    expect(byColumn.find((row) => row.firstName === "'+Plus")).toMatchObject({ lastName: "'''=two quotes", department: "'" });
    // no cell a spreadsheet would run
    expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);

    const imported = await cli('import', file('formulas.csv', csv.stdout), '--org', 'Formulas2');
    expect(imported).toMatchObject({ code: 0, stdout: expect.stringMatching(/created {4}2\n/) });
    // JSONL is exact: the values as stored, no quote added
    const jsonl = async (org: string) => (await cli('export', '--org', org, '--format', 'jsonl')).stdout.trimEnd().split('\n').sort();
    const original = await jsonl('Formulas');
    expect(original.join('\n')).toContain('"firstName":"=HYPERLINK(\\"https://evil.example\\",\\"click\\")"');
    expect(await jsonl('Formulas2')).toEqual(original);
  });

  it('leaves deleted contacts out', async () => {
    await withDb(async (db) => {
      const org = await db.prisma.organization.findUniqueOrThrow({ where: { name: 'Empty2' } });
      await db.prisma.contact.updateMany({ where: { organizationId: org.id, lastName: 'Hamilton' }, data: { deletedAt: new Date() } });
    });
    const result = await cli('export', '--org', 'Empty2', '--format', 'jsonl');
    expect(result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).lastName)).toEqual(['Torvalds']);
  });
});

describe('fatal errors: a clear message, exit code 1, nothing written', () => {
  const csv = file('ok.csv', 'firstName\nNobody\n');
  const cases: [string[], RegExp][] = [
    [['import', csv], /--org is required/],
    [['import', '--org', 'Acme'], /import needs the file to import/],
    [['import', csv, '--org', 'Acme', '--batch-size', '501'], /--batch-size must be a whole number from 1 to 500, got "501"/],
    [['import', csv, '--org', 'Acme', '--batch-size', 'many'], /--batch-size must be a whole number/],
    [['import', csv, '--org', 'Acme', '--upsert-by', 'phone'], /--upsert-by must be externalRef:<namespace> or email, got "phone"/],
    [['import', csv, '--org', 'Acme', '--colour'], /Unknown option '--colour'/],
    [['import', path.join(dir, 'missing.csv'), '--org', 'Acme'], /cannot read .*missing\.csv: no such file/],
    [['import', file('notes.txt', 'x'), '--org', 'Acme'], /cannot tell the format of .*notes\.txt/],
    [['import', csv, '--org', 'Nope'], /no organisation named "Nope"/],
    [['import', csv, '--org', 'org_00000000-0000-7000-8000-000000000000'], /no organisation with id org_00000000/],
    [['import', csv, '--org', 'Acme', '--user', 'ghost@acme.example'], /no user with email ghost@acme\.example in "Acme"/],
    [['import', file('columns.csv', 'firstName,nickname\nA,B\n'), '--org', 'Acme'], /line 1: unknown column "nickname"/],
    [['import', file('empty.csv', ''), '--org', 'Acme'], /the file is empty/],
    [['export', '--org', 'Acme'], /--format csv\|jsonl is required/],
    [['export', '--org', 'Acme', '--format', 'xml'], /--format must be csv or jsonl, got "xml"/],
    [['export', '--org', 'Nope', '--format', 'csv'], /no organisation named "Nope"/],
  ];
  it.each(cases)('contactgraph %j', async (args, message) => {
    const result = await cli(...args);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
  });

  it('nothing of those was imported', async () => {
    await withDb(async (db) => {
      expect(await db.prisma.contact.count({ where: { firstName: 'Nobody' } })).toBe(0);
    });
  });
});
