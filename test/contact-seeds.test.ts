import { describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import type { Scope } from '../src/tenant/tenant.js';
import { type Caller, createHarness } from './support/harness.js';
import { graphql, idOf as idOfObject, type TextMutationData, type VariablesOf } from './support/graphql.js';

// The four seed APIs' "create a contact" examples (API.md, "Where the four seed APIs come
// from"), translated into createContact calls. Each asserts the whole contact as the payload
// answers it and again as `contact(by: { id })` reads it back.

const h = await createHarness();
const owner = await h.organization();
const viewer = (await owner.gql(graphql('{ viewer { user { id email } } }'))).data!.viewer.user as { id: string; email: string };

const FIELDS = graphql(`fragment SeedFields on Contact @_unmask {
  id type firstName middleName lastName fullName abbreviation title gender birthday primaryLanguage
  description strategy jobTitle department email phone mobile linkedInUrl profilePictureUrl tags
  loginEmail mailingListOptIn purchaseOrderNumber ssn etag version createdAt updatedAt deletedAt
  createdBy { id email } updatedBy { id }
  emails { address label isPrimary }
  phones { number original label countryCode isPrimary }
  addresses { street secondaryAddress postalCode city state country formatted isPrimary }
  urls { url isPrimary }
  externalRefs { namespace externalId }
  companies { company { id name domain } jobTitle department isPrimary }
  primaryCompany { id name }
  groups { id name }
  customFieldValues {
    __typename
    field { id name type }
    ... on TextFieldValue { text }
    ... on NumberFieldValue { number }
    ... on DateFieldValue { date }
    ... on SingleSelectFieldValue { option }
    ... on MultipleSelectFieldValue { options }
    ... on ContactFieldValue { contacts { id fullName } }
    ... on UserFieldValue { users { id email } }
    ... on ObjectFieldValue { objects { __typename id } }
    ... on MagicFieldValue { text }
  } }`);

const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { ...SeedFields }
    companyResolutions { index action company { id name } }
    userErrors { code field message existingId }
  }
}`, [FIELDS]);

const create = async (input: VariablesOf<typeof CREATE>['input'], caller: Caller = owner) => {
  const res = await caller.gql(CREATE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.createContact;
};

const readBack = async (id: string) => {
  const res = await owner.gql(graphql('query($id: ID!) { contact(by: { id: $id }) { ...SeedFields } }', [FIELDS]), { id });
  expect(res.errors).toBeUndefined();
  return res.data!.contact;
};

/** Runs createCompany / createGroup / createCustomField and returns the new id. */
const idOf = async (mutation: 'createCompany' | 'createGroup' | 'createCustomField', input: Record<string, unknown>): Promise<string> => {
  const object = { createCompany: 'company', createGroup: 'group', createCustomField: 'customField' }[mutation];
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await owner.gql<TextMutationData>(
    `mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { code field message existingId } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  expect(res.data![mutation]!.userErrors).toEqual([]);
  return idOfObject(res.data![mutation]![object]);
};

/** Row counts of everything a createContact may write, for this organisation. */
const rows = async () => {
  const tables = [
    'contacts', 'contact_emails', 'contact_phones', 'contact_addresses', 'contact_urls', 'companies',
    'contact_companies', 'group_memberships', 'custom_field_values', 'external_refs', 'contact_changes',
  ];
  const result: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await h.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE organization_id = $1`, [owner.organizationId]);
    result[table] = row!.n;
  }
  return result;
};

/** A contact as read right after creation, every field at its empty value unless overridden. */
const contactShape = (overrides: Record<string, unknown>) => ({
  id: expect.stringMatching(/^con_[0-9a-f-]{36}$/),
  type: 'GENERAL',
  firstName: null,
  middleName: null,
  lastName: null,
  fullName: null,
  abbreviation: null,
  title: null,
  gender: null,
  birthday: null,
  primaryLanguage: null,
  description: null,
  strategy: null,
  jobTitle: null,
  department: null,
  email: null,
  phone: null,
  mobile: null,
  linkedInUrl: null,
  profilePictureUrl: null,
  tags: [],
  loginEmail: null,
  mailingListOptIn: null,
  purchaseOrderNumber: null,
  ssn: null,
  etag: 'W/"1"',
  version: 1,
  createdAt: expect.any(String),
  updatedAt: expect.any(String),
  deletedAt: null,
  createdBy: { id: viewer.id, email: viewer.email },
  updatedBy: { id: viewer.id },
  emails: [],
  phones: [],
  addresses: [],
  urls: [],
  externalRefs: [],
  companies: [],
  primaryCompany: null,
  groups: [],
  customFieldValues: [],
  ...overrides,
});

/** Groups and custom values carry no promised order across groups: compare them by name. */
const canonical = <Contact extends { groups: readonly { name: string }[]; customFieldValues: readonly { field: { name: string } }[] }>(contact: Contact | null) =>
  contact && {
    ...contact,
    groups: [...contact.groups].sort((a, b) => a.name.localeCompare(b.name)),
    customFieldValues: [...contact.customFieldValues].sort((a, b) => a.field.name.localeCompare(b.field.name)),
  };

/** Creates, expects no userErrors, and checks the payload and the read-back against `expected`. */
const createAndCheck = async (input: VariablesOf<typeof CREATE>['input'], expected: Record<string, unknown>) => {
  const startedAt = Date.now();
  const payload = await create(input);
  expect(payload.userErrors).toEqual([]);
  const shape = contactShape(expected);
  expect(canonical(payload.contact)).toEqual(canonical(shape));
  const createdAt = Date.parse(payload.contact!.createdAt);
  expect(createdAt).toBeGreaterThanOrEqual(startedAt - 5_000);
  expect(createdAt).toBeLessThanOrEqual(Date.now() + 5_000);
  expect(Date.parse(payload.contact!.updatedAt)).toBeGreaterThanOrEqual(createdAt);
  const again = await readBack(payload.contact!.id);
  expect(canonical(again)).toEqual(canonical(payload.contact));
  return payload;
};

describe('seed 000 — Propstreet network contact', () => {
  it('creates Jane Smith with a salesforce ref, tags, strategy, language, LinkedIn, contact points and a company by id', async () => {
    const propstreet = await idOf('createCompany', { name: 'Propstreet AB', domain: 'propstreet.com' });
    const { contact, companyResolutions } = await createAndCheck(
      {
        firstName: 'Jane',
        lastName: 'Smith',
        externalRefs: [{ namespace: 'salesforce', externalId: '0035g00000ABCDE' }],
        tags: ['investor', 'nordics'],
        strategy: 'Core-plus logistics in the Nordics',
        primaryLanguage: 'sv',
        linkedInUrl: 'https://www.linkedin.com/in/jane-smith',
        emails: [
          { address: 'jane.smith@propstreet.example', label: 'work', isPrimary: true },
          { address: 'jane@home.example', label: 'home' },
        ],
        phones: [
          { number: '+46 8 123 456 78', label: 'WORK' },
          { number: '+46 70 123 45 67', label: 'MOBILE', isPrimary: true },
        ],
        companies: [{ company: { id: propstreet }, jobTitle: 'Head of Acquisitions', isPrimary: true }],
      },
      {
        firstName: 'Jane',
        lastName: 'Smith',
        fullName: 'Jane Smith',
        tags: ['investor', 'nordics'],
        strategy: 'Core-plus logistics in the Nordics',
        primaryLanguage: 'sv',
        linkedInUrl: 'https://www.linkedin.com/in/jane-smith',
        jobTitle: 'Head of Acquisitions',
        email: 'jane.smith@propstreet.example',
        phone: '+46701234567',
        mobile: '+46701234567',
        emails: [
          { address: 'jane.smith@propstreet.example', label: 'work', isPrimary: true },
          { address: 'jane@home.example', label: 'home', isPrimary: false },
        ],
        phones: [
          { number: '+46812345678', original: '+46 8 123 456 78', label: 'WORK', countryCode: 'SE', isPrimary: false },
          { number: '+46701234567', original: '+46 70 123 45 67', label: 'MOBILE', countryCode: 'SE', isPrimary: true },
        ],
        externalRefs: [{ namespace: 'salesforce', externalId: '0035g00000ABCDE' }],
        companies: [
          { company: { id: propstreet, name: 'Propstreet AB', domain: 'propstreet.com' }, jobTitle: 'Head of Acquisitions', department: null, isPrimary: true },
        ],
        primaryCompany: { id: propstreet, name: 'Propstreet AB' },
      },
    );
    expect(companyResolutions).toEqual([{ index: 0, action: 'MATCHED', company: { id: propstreet, name: 'Propstreet AB' } }]);

    // The other lookups of the contract find her too.
    const byRef = await owner.gql(graphql('{ contact(by: { externalRef: { namespace: "salesforce", externalId: "0035g00000ABCDE" } }) { id } }'));
    expect(byRef.data!.contact).toEqual({ id: contact!.id });
    const byEmail = await owner.gql(graphql('{ contact(by: { email: "JANE.SMITH@propstreet.example" }) { id } }'));
    expect(byEmail.data!.contact).toEqual({ id: contact!.id });

    // The same salesforce ref again (409 in the seed API): DUPLICATE naming Jane, nothing written.
    const before = await rows();
    const sameRef = await create({ firstName: 'Janet', email: 'janet@propstreet.example', externalRefs: [{ namespace: 'salesforce', externalId: '0035g00000ABCDE' }] });
    expect(sameRef.contact).toBeNull();
    expect(sameRef.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['externalRefs', '0'], message: expect.any(String), existingId: contact!.id },
    ]);
    // Her email again, in any case, through the list or the convenience field: DUPLICATE too.
    const sameEmail = await create({ firstName: 'Janet', emails: [{ address: 'JANE.Smith@propstreet.example' }] });
    expect(sameEmail.contact).toBeNull();
    expect(sameEmail.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['emails', '0', 'address'], message: expect.any(String), existingId: contact!.id },
    ]);
    const sameEmailScalar = await create({ firstName: 'Janet', email: 'jane@home.example' });
    expect(sameEmailScalar.userErrors).toEqual([
      { code: 'DUPLICATE', field: ['email'], message: expect.any(String), existingId: contact!.id },
    ]);
    expect(await rows()).toEqual(before);
  });
});

describe('seed 001 — organisation contact', () => {
  it('creates an INVOICE contact with an honorific, department, postal address, mobile and purchase order number', async () => {
    await createAndCheck(
      {
        type: 'INVOICE',
        title: 'Dr',
        firstName: 'Erika',
        lastName: 'Mustermann',
        department: 'Accounts payable',
        addresses: [{ street: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' }],
        mobile: '+49 151 23456789',
        email: 'invoices@muster.example',
        purchaseOrderNumber: 'PO-2026-0042',
      },
      {
        type: 'INVOICE',
        title: 'Dr',
        firstName: 'Erika',
        lastName: 'Mustermann',
        fullName: 'Erika Mustermann',
        department: 'Accounts payable',
        email: 'invoices@muster.example',
        emails: [{ address: 'invoices@muster.example', label: null, isPrimary: true }],
        phone: '+4915123456789',
        mobile: '+4915123456789',
        phones: [{ number: '+4915123456789', original: '+49 151 23456789', label: 'MOBILE', countryCode: 'DE', isPrimary: true }],
        addresses: [
          {
            street: 'Hauptstraße 1',
            secondaryAddress: null,
            postalCode: '10115',
            city: 'Berlin',
            state: null,
            country: 'DE',
            formatted: 'Hauptstraße 1, 10115 Berlin, DE',
            isPrimary: true,
          },
        ],
        purchaseOrderNumber: 'PO-2026-0042',
      },
    );
  });

  it('refuses a purchase order number on a GENERAL contact (explicit or by default), writing nothing', async () => {
    const before = await rows();
    for (const input of [
      { firstName: 'Max', purchaseOrderNumber: 'PO-1' },
      { type: 'GENERAL', firstName: 'Max', purchaseOrderNumber: 'PO-1' },
      { type: 'SHIPPING', firstName: 'Max', purchaseOrderNumber: 'PO-1' },
    ] as const) {
      const res = await create(input);
      expect(res.contact).toBeNull();
      expect(res.userErrors).toEqual([{ code: 'VALIDATION', field: ['purchaseOrderNumber'], message: expect.any(String), existingId: null }]);
    }
    expect(await rows()).toEqual(before);
  });
});

describe('seed 002 — Propeller B2B contact', () => {
  const readWith = async (scopes: Scope[], id: string) => {
    const { key } = await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId: owner.userId, scopes });
    return h.request(
      { query: graphql('query($id: ID!) { contact(by: { id: $id }) { id fullName gender birthday loginEmail mailingListOptIn ssn primaryCompany { name } } }'), variables: { id } },
      { authorization: `Bearer ${key}` },
    );
  };

  it('creates a contact under a parent company found by source + sourceId, with personal details and an ssn', async () => {
    const parent = await idOf('createCompany', { name: 'Wholesale BV', externalRefs: [{ namespace: 'propeller', externalId: 'C-1001' }] });
    const { contact, companyResolutions } = await createAndCheck(
      {
        firstName: 'Pieter',
        middleName: 'van',
        lastName: 'Dijk',
        abbreviation: 'PvD',
        gender: 'MALE',
        birthday: '1980-02-29',
        email: 'pieter@wholesale.example',
        loginEmail: 'pieter.login@wholesale.example',
        mailingListOptIn: true,
        ssn: '123-45-6789',
        externalRefs: [{ namespace: 'propeller', externalId: 'U-5001' }],
        companies: [{ company: { externalRef: { namespace: 'propeller', externalId: 'C-1001' } } }],
      },
      {
        firstName: 'Pieter',
        middleName: 'van',
        lastName: 'Dijk',
        fullName: 'Pieter van Dijk',
        abbreviation: 'PvD',
        gender: 'MALE',
        birthday: '1980-02-29',
        email: 'pieter@wholesale.example',
        emails: [{ address: 'pieter@wholesale.example', label: null, isPrimary: true }],
        loginEmail: 'pieter.login@wholesale.example',
        mailingListOptIn: true,
        ssn: '123-45-6789',
        externalRefs: [{ namespace: 'propeller', externalId: 'U-5001' }],
        companies: [{ company: { id: parent, name: 'Wholesale BV', domain: null }, jobTitle: null, department: null, isPrimary: true }],
        primaryCompany: { id: parent, name: 'Wholesale BV' },
      },
    );
    expect(companyResolutions).toEqual([{ index: 0, action: 'MATCHED', company: { id: parent, name: 'Wholesale BV' } }]);

    const visible = { id: contact!.id, fullName: 'Pieter van Dijk', gender: 'MALE', birthday: '1980-02-29', loginEmail: 'pieter.login@wholesale.example', mailingListOptIn: true, primaryCompany: { name: 'Wholesale BV' } };

    // A key with contacts:sensitive reads the ssn, without errors.
    const sensitive = await readWith(['contacts:read', 'contacts:sensitive'], contact!.id);
    expect(sensitive.errors).toBeUndefined();
    expect(sensitive.data!.contact).toEqual({ ...visible, ssn: '123-45-6789' });

    // A key without it: ssn alone is null, with a FORBIDDEN error on that field; the rest resolves.
    const restricted = await readWith(['contacts:read', 'contacts:write'], contact!.id);
    expect(restricted.data!.contact).toEqual({ ...visible, ssn: null });
    expect(restricted.errors).toHaveLength(1);
    expect(restricted.errors![0]!.path!.at(-1)).toBe('ssn');
    expect(restricted.errors![0]!.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('seed 003 — folk person', () => {
  it('creates John Doe with two companies, two groups, every contact point and a value of all nine field types', async () => {
    const globex = await idOf('createCompany', { name: 'Globex', domain: 'globex.example' });
    const sales = await idOf('createGroup', { name: 'Sales' });
    const events = await idOf('createGroup', { name: 'Events' });
    const field = (groupId: string, name: string, type: string, options?: string[]) => idOf('createCustomField', { groupId, name, type, options });
    const f = {
      note: await field(sales, 'Note', 'TEXT'),
      deal: await field(sales, 'Deal size', 'NUMBER'),
      met: await field(sales, 'Met on', 'DATE'),
      stage: await field(sales, 'Stage', 'SINGLE_SELECT', ['Lead', 'Customer']),
      topics: await field(events, 'Topics', 'MULTIPLE_SELECT', ['AI', 'Cloud', 'Security']),
      referrer: await field(events, 'Referrer', 'CONTACT'),
      accountOwner: await field(events, 'Account owner', 'USER'),
      related: await field(events, 'Related', 'OBJECT'),
      summary: await field(events, 'Summary', 'MAGIC'),
      unsetNull: await field(sales, 'Left null', 'TEXT'),
      unsetEmpty: await field(events, 'Left empty', 'CONTACT'),
    };
    const referrer = await create({ fullName: 'Rita Referrer' });
    expect(referrer.userErrors).toEqual([]);
    const referrerId = referrer.contact!.id as string;
    const companiesBefore = await h.db.prisma.company.count({ where: { organizationId: owner.organizationId } });

    const { contact, companyResolutions } = await createAndCheck(
      {
        fullName: 'John Doe',
        firstName: 'John',
        lastName: 'Doe',
        description: 'Met at the 2026 summit; interested in AI tooling.',
        birthday: '1990-07-14',
        companies: [
          { company: { name: '  Initrode   Labs ' }, jobTitle: 'VP Engineering', department: 'Engineering' },
          { company: { id: globex }, jobTitle: 'Advisor' },
        ],
        groups: [sales, events],
        emails: [{ address: 'john@initrode.example', label: 'work' }, { address: 'john.doe@gmail.example', label: 'personal' }],
        phones: [{ number: '+1 212 555 0199', label: 'WORK' }, { number: '+1 646 555 0123', label: 'MOBILE' }],
        addresses: [
          { street: '1 Main St', secondaryAddress: 'Suite 200', city: 'New York', state: 'NY', postalCode: '10001', country: 'US' },
          { city: 'Boston', country: 'US', isPrimary: true },
        ],
        urls: [{ url: 'https://johndoe.example' }, { url: 'https://blog.johndoe.example/about', isPrimary: true }],
        customFieldValues: [
          { field: f.note, value: 'Prefers email' },
          { field: f.deal, value: '125000.50' },
          { field: f.met, value: '2026-05-04' },
          { field: f.stage, value: 'Customer' },
          { field: f.topics, value: ['AI', 'Security'] },
          { field: f.referrer, value: [{ id: referrerId }] },
          { field: f.accountOwner, value: [{ email: viewer.email }] },
          { field: f.related, value: [{ id: globex }] },
          { field: f.summary, value: 'Enthusiastic about AI.' },
          { field: f.unsetNull, value: null },
          { field: f.unsetEmpty, value: [] },
        ],
      },
      {
        fullName: 'John Doe',
        firstName: 'John',
        lastName: 'Doe',
        description: 'Met at the 2026 summit; interested in AI tooling.',
        birthday: '1990-07-14',
        jobTitle: 'VP Engineering',
        department: 'Engineering',
        email: 'john@initrode.example',
        phone: '+12125550199',
        mobile: '+16465550123',
        emails: [
          { address: 'john@initrode.example', label: 'work', isPrimary: true },
          { address: 'john.doe@gmail.example', label: 'personal', isPrimary: false },
        ],
        phones: [
          { number: '+12125550199', original: '+1 212 555 0199', label: 'WORK', countryCode: 'US', isPrimary: true },
          { number: '+16465550123', original: '+1 646 555 0123', label: 'MOBILE', countryCode: 'US', isPrimary: false },
        ],
        addresses: [
          {
            street: '1 Main St',
            secondaryAddress: 'Suite 200',
            postalCode: '10001',
            city: 'New York',
            state: 'NY',
            country: 'US',
            formatted: '1 Main St, Suite 200, 10001 New York, NY, US',
            isPrimary: false,
          },
          { street: null, secondaryAddress: null, postalCode: null, city: 'Boston', state: null, country: 'US', formatted: 'Boston, US', isPrimary: true },
        ],
        urls: [
          { url: 'https://johndoe.example', isPrimary: false },
          { url: 'https://blog.johndoe.example/about', isPrimary: true },
        ],
        companies: [
          { company: { id: expect.stringMatching(/^com_/), name: 'Initrode Labs', domain: null }, jobTitle: 'VP Engineering', department: 'Engineering', isPrimary: true },
          { company: { id: globex, name: 'Globex', domain: 'globex.example' }, jobTitle: 'Advisor', department: null, isPrimary: false },
        ],
        primaryCompany: { id: expect.stringMatching(/^com_/), name: 'Initrode Labs' },
        groups: [{ id: sales, name: 'Sales' }, { id: events, name: 'Events' }],
        customFieldValues: [
          { __typename: 'TextFieldValue', field: { id: f.note, name: 'Note', type: 'TEXT' }, text: 'Prefers email' },
          { __typename: 'NumberFieldValue', field: { id: f.deal, name: 'Deal size', type: 'NUMBER' }, number: 125000.5 },
          { __typename: 'DateFieldValue', field: { id: f.met, name: 'Met on', type: 'DATE' }, date: '2026-05-04' },
          { __typename: 'SingleSelectFieldValue', field: { id: f.stage, name: 'Stage', type: 'SINGLE_SELECT' }, option: 'Customer' },
          { __typename: 'MultipleSelectFieldValue', field: { id: f.topics, name: 'Topics', type: 'MULTIPLE_SELECT' }, options: ['AI', 'Security'] },
          { __typename: 'ContactFieldValue', field: { id: f.referrer, name: 'Referrer', type: 'CONTACT' }, contacts: [{ id: referrerId, fullName: 'Rita Referrer' }] },
          { __typename: 'UserFieldValue', field: { id: f.accountOwner, name: 'Account owner', type: 'USER' }, users: [{ id: viewer.id, email: viewer.email }] },
          { __typename: 'ObjectFieldValue', field: { id: f.related, name: 'Related', type: 'OBJECT' }, objects: [{ __typename: 'Company', id: globex }] },
          { __typename: 'MagicFieldValue', field: { id: f.summary, name: 'Summary', type: 'MAGIC' }, text: 'Enthusiastic about AI.' },
        ],
      },
    );

    // The company named for the first time was created (CREATED), the one given by id matched.
    const initrode = contact!.companies[0]!.company.id as string;
    expect(contact!.primaryCompany!.id).toBe(initrode);
    expect(companyResolutions).toEqual([
      { index: 0, action: 'CREATED', company: { id: initrode, name: 'Initrode Labs' } },
      { index: 1, action: 'MATCHED', company: { id: globex, name: 'Globex' } },
    ]);
    expect(await h.db.prisma.company.count({ where: { organizationId: owner.organizationId } })).toBe(companiesBefore + 1);
    const byName = await owner.gql(graphql('{ company(by: { name: "initrode labs" }) { id name } }'));
    expect(byName.data!.company).toEqual({ id: initrode, name: 'Initrode Labs' });

    // null and [] left their fields unset: nine values stored, not eleven.
    const ids = contact!.customFieldValues.map((v) => v.field.id);
    expect(ids).not.toContain(f.unsetNull);
    expect(ids).not.toContain(f.unsetEmpty);
    expect(await h.db.prisma.customFieldValue.count({ where: { contactId: contact!.id.slice(4) } })).toBe(9);

    // A second contact naming the same company by another spelling matches it rather than creating one.
    const colleague = await create({ firstName: 'Jo', companies: [{ company: { name: 'INITRODE labs' } }] });
    expect(colleague.userErrors).toEqual([]);
    expect(colleague.companyResolutions).toEqual([{ index: 0, action: 'MATCHED', company: { id: initrode, name: 'Initrode Labs' } }]);
  });
});

describe("seed 003 — folk's own documented example, mapped field for field", () => {
  // folk's create-person body as its API documents it: lists of plain strings for emails,
  // phones (its example numbers are not valid E.164), urls and one-line addresses, companies by
  // name or id, and custom values keyed by group id and then by field name.
  it('creates the person as written, keeping the example phones as given and the address as one line', async () => {
    const group = await idOf('createGroup', { name: 'Partners' });
    const acme = await idOf('createCompany', { name: 'Acme Holding' });
    const rita = (await create({ fullName: 'Rita Related' })).contact!.id as string;
    for (const [name, type, options] of [
      ['Status', 'SINGLE_SELECT', ['Active', 'Inactive']],
      ['Score', 'NUMBER'],
      ['Related', 'CONTACT'],
      ['Owner', 'USER'],
    ] as const) {
      await idOf('createCustomField', { groupId: group, name, type, ...(options ? { options } : {}) });
    }
    const folk = {
      firstName: 'John',
      lastName: 'Doe',
      fullName: 'John Doe',
      description: 'A new person',
      birthday: '1980-06-15',
      jobTitle: 'CEO',
      groups: [{ id: group }],
      companies: [{ name: 'Acme Inc.' }, { id: acme }],
      addresses: ['123 Main St, Springfield, USA'],
      emails: ['john.doe@example.com'],
      phones: ['+1234567890', '+0987654321'],
      urls: ['https://example.com'],
      customFieldValues: { [group]: { Status: 'Active', Score: '42', Related: [{ id: rita }, { id: acme }], Owner: [{ email: viewer.email }] } },
    };
    // the mapping is mechanical: each folk field onto the createContact field of the same name
    const input = {
      firstName: folk.firstName,
      lastName: folk.lastName,
      fullName: folk.fullName,
      description: folk.description,
      birthday: folk.birthday,
      jobTitle: folk.jobTitle,
      groups: folk.groups.map((g) => g.id),
      companies: folk.companies.map((company) => ({ company })),
      addresses: folk.addresses.map((line) => ({ line })),
      emails: folk.emails.map((address) => ({ address })),
      phones: folk.phones.map((number) => ({ number })),
      urls: folk.urls.map((url) => ({ url })),
      customFieldValues: Object.entries(folk.customFieldValues).flatMap(([groupId, values]) =>
        Object.entries(values).map(([name, value]) => ({ group: groupId, name, value })),
      ),
    };
    const res = await owner.gql(
      graphql(`mutation($input: CreateContactInput!) { createContact(input: $input) {
        contact {
          id fullName description birthday jobTitle email phone groups { id }
          companies { company { id name } isPrimary }
          phones { number e164 valid original isPrimary }
          addresses { line formatted street city country isPrimary }
          urls { url }
          customFieldValues {
            field { name }
            ... on SingleSelectFieldValue { option }
            ... on NumberFieldValue { number }
            ... on ContactFieldValue { contacts { id } companies { id } }
            ... on UserFieldValue { users { email } }
          }
        }
        userErrors { code field message }
      } }`),
      { input },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.userErrors).toEqual([]);
    const contact = res.data!.createContact.contact;
    expect(contact).toMatchObject({
      fullName: 'John Doe',
      description: 'A new person',
      birthday: '1980-06-15',
      jobTitle: 'CEO',
      email: 'john.doe@example.com',
      phone: '+1234567890',
      groups: [{ id: group }],
      companies: [
        { company: { id: expect.stringMatching(/^com_/), name: 'Acme Inc.' }, isPrimary: true },
        { company: { id: acme, name: 'Acme Holding' }, isPrimary: false },
      ],
      phones: [
        { number: '+1234567890', e164: null, valid: false, original: '+1234567890', isPrimary: true },
        { number: '+0987654321', e164: null, valid: false, original: '+0987654321', isPrimary: false },
      ],
      addresses: [{ line: '123 Main St, Springfield, USA', formatted: '123 Main St, Springfield, USA', street: null, city: null, country: null, isPrimary: true }],
      urls: [{ url: 'https://example.com' }],
    });
    const values = Object.fromEntries(contact!.customFieldValues.map((v) => [v.field.name, v]));
    expect(values).toEqual({
      Status: { field: { name: 'Status' }, option: 'Active' },
      Score: { field: { name: 'Score' }, number: 42 },
      Related: { field: { name: 'Related' }, contacts: [{ id: rita }], companies: [{ id: acme }] },
      Owner: { field: { name: 'Owner' }, users: [{ email: viewer.email }] },
    });
    // and search finds the person by the example's phone number, kept as given
    const found = await owner.gql(graphql('{ contacts(first: 5, filter: { search: "0987654321" }) { edges { node { id } } } }'));
    expect(found.data!.contacts.edges).toEqual([{ node: { id: contact!.id } }]);
  });
});
