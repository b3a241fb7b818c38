import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql, type VariablesOf } from './support/graphql.js';

const h = await createHarness();
const owner = await h.organization();

const CREATE_COMPANY = graphql('mutation($input: CreateCompanyInput!) { createCompany(input: $input) { company { id } userErrors { code field existingId } } }');
const CREATE_GROUP = graphql('mutation($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code field existingId } } }');
const CREATE_FIELD = graphql('mutation($input: CreateCustomFieldInput!) { createCustomField(input: $input) { customField { id } userErrors { code field existingId } } }');
const company = async (input: VariablesOf<typeof CREATE_COMPANY>['input'], caller = owner) => (await caller.gql(CREATE_COMPANY, { input })).data!.createCompany;
const group = async (input: VariablesOf<typeof CREATE_GROUP>['input'], caller = owner) => (await caller.gql(CREATE_GROUP, { input })).data!.createGroup;
const field = async (input: VariablesOf<typeof CREATE_FIELD>['input'], caller = owner) => (await caller.gql(CREATE_FIELD, { input })).data!.createCustomField;
const rows = async () => ({
  companies: await h.db.prisma.company.count(),
  groups: await h.db.prisma.group.count(),
  fields: await h.db.prisma.customField.count(),
  refs: await h.db.prisma.externalRef.count(),
});

describe('createCompany', () => {
  it('creates a company readable through node(id), with a domain and external refs', async () => {
    const created = await company({ name: '  Acme   Corp ', domain: 'ACME.com', externalRefs: [{ namespace: 'erp', externalId: 'A1' }] });
    expect(created.userErrors).toEqual([]);
    const res = await owner.gql(graphql('query($id: ID!) { node(id: $id) { ... on Company { name domain externalRefs { namespace externalId } } } }'), { id: created.company!.id });
    expect(res.data!.node).toEqual({ name: 'Acme Corp', domain: 'acme.com', externalRefs: [{ namespace: 'erp', externalId: 'A1' }] });
  });

  it('refuses a name that normalises to an existing one, and a taken external ref, writing nothing', async () => {
    const first = await company({ name: 'Dup Corp' });
    const before = await rows();
    expect(await company({ name: ' dup   CORP ' })).toEqual({ company: null, userErrors: [{ code: 'DUPLICATE', field: ['name'], existingId: first.company!.id }] });
    const holder = await company({ name: 'Ref Holder', externalRefs: [{ namespace: 'erp', externalId: 'TAKEN' }] });
    const taken = await company({ name: 'Ref Taker', externalRefs: [{ namespace: 'crm', externalId: 'free' }, { namespace: 'ERP', externalId: 'TAKEN' }] });
    expect(taken).toEqual({ company: null, userErrors: [{ code: 'DUPLICATE', field: ['externalRefs', '1'], existingId: holder.company!.id }] });
    expect((await rows()).companies).toBe(before.companies + 1);
    expect((await rows()).refs).toBe(before.refs + 1);
  });

  it.each([
    ['an empty name', { name: '  ' }, ['name']],
    ['a name over 255', { name: 'x'.repeat(256) }, ['name']],
    ['a bad domain', { name: 'D', domain: 'not a domain' }, ['domain']],
    ['an external ref listed twice', { name: 'E', externalRefs: [{ namespace: 'a', externalId: '1' }, { namespace: 'A', externalId: '1' }] }, ['externalRefs', '1']],
  ])('refuses %s (VALIDATION) and writes nothing', async (_name, input, path) => {
    const before = await rows();
    expect(await company(input)).toEqual({ company: null, userErrors: [{ code: 'VALIDATION', field: path, existingId: null }] });
    expect(await rows()).toEqual(before);
  });

  it('20 parallel creates of one new name: one company, 19 DUPLICATE naming it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => company({ name: 'Parallel Inc' })));
    const winners = results.filter((r) => r.company);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => !r.company)) {
      expect(loser.userErrors).toEqual([{ code: 'DUPLICATE', field: ['name'], existingId: winners[0]!.company!.id }]);
    }
    expect(await h.db.prisma.company.count({ where: { normalizedName: 'parallel inc' } })).toBe(1);
  });

  it('lets another organisation use the same name; needs contacts:write', async () => {
    const other = await h.organization();
    expect((await company({ name: 'Acme Corp' }, other)).userErrors).toEqual([]);
    const reader = await h.organization({ scopes: ['contacts:read'] });
    expect((await reader.gql(CREATE_COMPANY, { input: { name: 'Nope' } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

describe('createGroup and createCustomField', () => {
  it('creates groups with unique names (10 parallel creates of one name: one group)', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => group({ name: 'Board' })));
    expect(results.filter((r) => r.group)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'DUPLICATE')).toHaveLength(9);
    expect((await group({ name: ' board ' })).userErrors[0]!.code).toBe('DUPLICATE');
  });

  it('creates typed fields in a group, unique per group, options only for select types', async () => {
    const board = (await group({ name: 'Fields' })).group!.id;
    const other = (await group({ name: 'Other fields' })).group!.id;
    const tier = await field({ groupId: board, name: 'Tier', type: 'SINGLE_SELECT', options: ['Gold', 'Silver'] });
    expect(tier.userErrors).toEqual([]);
    expect((await field({ groupId: other, name: 'tier', type: 'TEXT' })).userErrors).toEqual([]);
    const before = await rows();
    expect(await field({ groupId: board, name: ' TIER ', type: 'TEXT' })).toEqual({ customField: null, userErrors: [{ code: 'DUPLICATE', field: ['name'], existingId: tier.customField!.id }] });
    expect((await field({ groupId: board, name: 'S', type: 'SINGLE_SELECT' })).userErrors).toEqual([{ code: 'VALIDATION', field: ['options'], existingId: null }]);
    expect((await field({ groupId: board, name: 'M', type: 'MULTIPLE_SELECT', options: ['a', 'A'] })).userErrors).toEqual([{ code: 'VALIDATION', field: ['options', '1'], existingId: null }]);
    expect((await field({ groupId: board, name: 'T', type: 'TEXT', options: ['x'] })).userErrors).toEqual([{ code: 'VALIDATION', field: ['options'], existingId: null }]);
    expect((await field({ groupId: 'grp_nope', name: 'T', type: 'TEXT' })).userErrors).toEqual([{ code: 'NOT_FOUND', field: ['groupId'], existingId: null }]);
    expect(await rows()).toEqual(before);
  });

  it('needs the admin scope', async () => {
    const writer = await h.organization({ scopes: ['contacts:read', 'contacts:write'] });
    expect((await writer.gql(CREATE_GROUP, { input: { name: 'No' } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await writer.gql(CREATE_FIELD, { input: { groupId: 'grp_x', name: 'No', type: 'TEXT' } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });
});

describe('createContact company links', () => {
  it('links a company named twice once, keeping the primary flag', async () => {
    const res = await owner.gql(
      graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { companies { isPrimary company { name } } } companyResolutions { index action company { id } } } }'),
      { input: { firstName: 'Twice', companies: [{ company: { name: 'Twice Co' } }, { company: { name: 'twice co' }, isPrimary: true }] } },
    );
    const { contact, companyResolutions } = res.data!.createContact;
    expect(contact!.companies).toEqual([{ isPrimary: true, company: { name: 'Twice Co' } }]);
    expect(companyResolutions.map((r: { action: string }) => r.action)).toEqual(['CREATED', 'MATCHED']);
    expect(companyResolutions[0]!.company!.id).toBe(companyResolutions[1]!.company!.id);
  });
});
