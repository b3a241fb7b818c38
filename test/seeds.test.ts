import { describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/api-key/api-key.js';
import { createHarness } from './support/harness.js';

// The four seed APIs' "create a contact" examples, translated into createContact.
const h = await createHarness();
const owner = await h.organization();

const FIELDS = `id type firstName middleName lastName fullName abbreviation title gender birthday primaryLanguage
  description strategy jobTitle department email phone mobile linkedInUrl tags loginEmail mailingListOptIn
  purchaseOrderNumber ssn etag version createdAt
  emails { address isPrimary } phones { number original countryCode label isPrimary }
  addresses { street postalCode city country formatted isPrimary } urls { url isPrimary }
  externalRefs { namespace id } companies { jobTitle isPrimary company { id name } } primaryCompany { name }
  groups { name }
  customFieldValues { __typename field { name }
    ... on TextFieldValue { text } ... on MagicFieldValue { text } ... on NumberFieldValue { number }
    ... on DateFieldValue { date } ... on SingleSelectFieldValue { option } ... on MultipleSelectFieldValue { options }
    ... on ContactFieldValue { contacts { id } } ... on UserFieldValue { users { id } } ... on ObjectFieldValue { objects { id } } }`;

const create = async (input: Record<string, unknown>, caller = owner) => {
  const res = await caller.gql(
    `mutation($input: CreateContactInput!) { createContact(input: $input) { contact { ${FIELDS} } companyResolutions { index action company { id } } userErrors { code field existingId } } }`,
    { input },
  );
  expect(res.errors).toBeUndefined();
  return res.data.createContact;
};
const readBack = async (id: string) => (await owner.gql(`query($id: ID!) { contact(by: { id: $id }) { ${FIELDS} } }`, { id })).data.contact;
/** Runs a create mutation and returns the id of what it made. */
const idOf = async (mutation: 'createCompany' | 'createGroup' | 'createCustomField', input: Record<string, unknown>) => {
  const object = { createCompany: 'company', createGroup: 'group', createCustomField: 'customField' }[mutation];
  const type = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const res = await owner.gql(`mutation($input: ${type}!) { ${mutation}(input: $input) { ${object} { id } userErrors { message } } }`, { input });
  expect(res.data[mutation].userErrors).toEqual([]);
  return res.data[mutation][object].id as string;
};

describe('seed 000 — Propstreet network contact', () => {
  it('creates Jane Smith with a salesforce ref, tags, strategy and a company by id; refuses her ref and email twice', async () => {
    const propstreet = await idOf('createCompany', { name: 'Propstreet AB' });
    const { contact, userErrors } = await create({
      firstName: 'Jane',
      lastName: 'Smith',
      emails: [{ address: 'jane.smith@example.com', isPrimary: true }, { address: 'jane@home.example' }],
      phones: [{ number: '+46 70 123 45 67', label: 'MOBILE' }],
      externalRefs: [{ namespace: 'salesforce', id: '0035g00000ABCDE' }],
      tags: ['investor', 'nordics'],
      strategy: 'Core-plus logistics in the Nordics',
      primaryLanguage: 'sv',
      linkedInUrl: 'https://www.linkedin.com/in/jane-smith',
      companies: [{ company: { id: propstreet }, jobTitle: 'Head of Acquisitions', isPrimary: true }],
    });
    expect(userErrors).toEqual([]);
    expect(contact).toMatchObject({
      fullName: 'Jane Smith',
      email: 'jane.smith@example.com',
      mobile: '+46701234567',
      tags: ['investor', 'nordics'],
      strategy: 'Core-plus logistics in the Nordics',
      primaryLanguage: 'sv',
      jobTitle: 'Head of Acquisitions',
      externalRefs: [{ namespace: 'salesforce', id: '0035g00000ABCDE' }],
      companies: [{ jobTitle: 'Head of Acquisitions', isPrimary: true, company: { id: propstreet, name: 'Propstreet AB' } }],
      version: 1,
      etag: 'W/"1"',
    });
    expect(await readBack(contact.id)).toEqual(contact);

    const again = await create({ firstName: 'Janet', externalRefs: [{ namespace: 'salesforce', id: '0035g00000ABCDE' }] });
    expect(again.userErrors).toEqual([{ code: 'DUPLICATE', field: ['externalRefs', '0'], existingId: contact.id }]);
    const sameMail = await create({ firstName: 'Janet', email: 'JANE.SMITH@example.com' });
    expect(sameMail.userErrors).toEqual([{ code: 'DUPLICATE', field: ['email'], existingId: contact.id }]);
  });
});

describe('seed 001 — organisation contact', () => {
  it('creates an INVOICE contact with an address and a purchase order number', async () => {
    const { contact, userErrors } = await create({
      type: 'INVOICE',
      title: 'Dr',
      firstName: 'Erika',
      lastName: 'Mustermann',
      department: 'Accounts payable',
      mobile: '+49 151 23456789',
      email: 'invoices@muster.example',
      addresses: [{ street: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'de' }],
      purchaseOrderNumber: 'PO-2026-0042',
    });
    expect(userErrors).toEqual([]);
    expect(contact).toMatchObject({
      type: 'INVOICE',
      title: 'Dr',
      fullName: 'Erika Mustermann',
      department: 'Accounts payable',
      mobile: '+4915123456789',
      purchaseOrderNumber: 'PO-2026-0042',
      addresses: [{ street: 'Hauptstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE', formatted: 'Hauptstraße 1, 10115 Berlin, DE', isPrimary: true }],
    });
    expect(await readBack(contact.id)).toEqual(contact);
    const general = await create({ firstName: 'Max', purchaseOrderNumber: 'PO-1' });
    expect(general.userErrors).toEqual([{ code: 'VALIDATION', field: ['purchaseOrderNumber'], existingId: null }]);
  });
});

describe('seed 002 — Propeller B2B contact', () => {
  it('creates a contact under a parent company found by source + sourceId, with personal details', async () => {
    const parent = await idOf('createCompany', { name: 'Wholesale BV', externalRefs: [{ namespace: 'erp', id: 'C-1001' }] });
    const { contact, userErrors, companyResolutions } = await create({
      firstName: 'Pieter',
      middleName: 'van',
      lastName: 'Dijk',
      abbreviation: 'PvD',
      gender: 'MALE',
      birthday: '1980-02-29',
      loginEmail: 'pieter@wholesale.example',
      email: 'pieter@wholesale.example',
      mailingListOptIn: true,
      ssn: '123-45-6789',
      companies: [{ company: { externalRef: { namespace: 'ERP', id: 'C-1001' } } }],
    });
    expect(userErrors).toEqual([]);
    expect(companyResolutions).toEqual([{ index: 0, action: 'MATCHED', company: { id: parent } }]);
    expect(contact).toMatchObject({
      fullName: 'Pieter van Dijk',
      abbreviation: 'PvD',
      gender: 'MALE',
      birthday: '1980-02-29',
      loginEmail: 'pieter@wholesale.example',
      mailingListOptIn: true,
      ssn: '123-45-6789',
      primaryCompany: { name: 'Wholesale BV' },
    });
    expect(await readBack(contact.id)).toEqual(contact);

    // Through a read-only key of the same organisation, ssn alone is withheld.
    const { key } = await createApiKey(h.db.prisma, { organizationId: owner.organizationId, userId: owner.userId, scopes: ['contacts:read'] });
    const res = await h.request({ query: 'query($id: ID!) { contact(by: { id: $id }) { fullName ssn } }', variables: { id: contact.id } }, { authorization: `Bearer ${key}` });
    expect(res.data.contact).toEqual({ fullName: 'Pieter van Dijk', ssn: null });
    expect(res.errors).toEqual([expect.objectContaining({ path: ['contact', 'ssn'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });
});

describe('seed 003 — folk person', () => {
  it('creates John Doe with two companies, two groups, all contact points and a value of every field type', async () => {
    const existing = await idOf('createCompany', { name: 'Globex', domain: 'globex.example' });
    const sales = await idOf('createGroup', { name: 'Sales' });
    const events = await idOf('createGroup', { name: 'Events' });
    const field = (groupId: string, name: string, type: string, options?: string[]) =>
      idOf('createCustomField', { groupId, name, type, options });
    const f = {
      note: await field(sales, 'Note', 'TEXT'),
      deal: await field(sales, 'Deal size', 'NUMBER'),
      met: await field(sales, 'Met on', 'DATE'),
      stage: await field(sales, 'Stage', 'SINGLE_SELECT', ['Lead', 'Customer']),
      topics: await field(events, 'Topics', 'MULTIPLE_SELECT', ['AI', 'Cloud', 'Security']),
      referrer: await field(events, 'Referrer', 'CONTACT'),
      owner: await field(events, 'Owner', 'USER'),
      related: await field(events, 'Related', 'OBJECT'),
      summary: await field(events, 'Summary', 'MAGIC'),
      unset: await field(events, 'Left empty', 'TEXT'),
    };
    const referrer = (await create({ firstName: 'Ref' })).contact.id;
    const viewerEmail = (await owner.gql('{ viewer { user { email } } }')).data.viewer.user.email;
    const { contact, userErrors, companyResolutions } = await create({
      fullName: 'John Doe',
      firstName: 'John',
      lastName: 'Doe',
      description: 'Met at the 2026 summit.',
      birthday: '1990-07-14',
      companies: [{ company: { name: 'Initrode Labs' }, jobTitle: 'VP Engineering' }, { company: { id: existing } }],
      groups: [sales, events],
      emails: [{ address: 'john@initrode.example' }, { address: 'john.doe@gmail.example' }],
      phones: [{ number: '+1 212 555 0199' }, { number: '+1 646 555 0123', label: 'MOBILE' }],
      addresses: [{ street: '1 Main St', city: 'New York', state: 'NY', postalCode: '10001', country: 'US' }],
      urls: [{ url: 'https://johndoe.example' }],
      customFieldValues: [
        { field: f.note, value: 'Prefers email' },
        { field: f.deal, value: '125000.50' },
        { field: f.met, value: '2026-05-04' },
        { field: f.stage, value: 'customer' },
        { field: f.topics, value: ['AI', 'security'] },
        { field: f.referrer, value: [{ id: referrer }] },
        { field: f.owner, value: [{ email: viewerEmail }] },
        { field: f.related, value: [{ id: existing }] },
        { field: f.summary, value: 'Enthusiastic about AI.' },
        { field: f.unset, value: null },
      ],
    });
    expect(userErrors).toEqual([]);
    expect(companyResolutions.map((r: { action: string }) => r.action)).toEqual(['CREATED', 'MATCHED']);
    expect(contact).toMatchObject({
      fullName: 'John Doe',
      jobTitle: 'VP Engineering',
      birthday: '1990-07-14',
      description: 'Met at the 2026 summit.',
      primaryCompany: { name: 'Initrode Labs' },
      groups: [{ name: 'Sales' }, { name: 'Events' }],
      email: 'john@initrode.example',
      phone: '+12125550199',
      mobile: '+16465550123',
      urls: [{ url: 'https://johndoe.example', isPrimary: true }],
    });
    const values = Object.fromEntries(contact.customFieldValues.map((v: any) => [v.field.name, v]));
    expect(Object.keys(values).sort()).toEqual(['Deal size', 'Met on', 'Note', 'Owner', 'Referrer', 'Related', 'Stage', 'Summary', 'Topics']);
    expect(values.Note).toMatchObject({ __typename: 'TextFieldValue', text: 'Prefers email' });
    expect(values['Deal size']).toMatchObject({ __typename: 'NumberFieldValue', number: 125000.5 });
    expect(values['Met on']).toMatchObject({ __typename: 'DateFieldValue', date: '2026-05-04' });
    expect(values.Stage).toMatchObject({ __typename: 'SingleSelectFieldValue', option: 'Customer' });
    expect(values.Topics).toMatchObject({ __typename: 'MultipleSelectFieldValue', options: ['AI', 'Security'] });
    expect(values.Referrer).toMatchObject({ __typename: 'ContactFieldValue', contacts: [{ id: referrer }] });
    expect(values.Owner).toMatchObject({ __typename: 'UserFieldValue', users: [{ id: `usr_${owner.userId}` }] });
    expect(values.Related).toMatchObject({ __typename: 'ObjectFieldValue', objects: [{ id: existing }] });
    expect(values.Summary).toMatchObject({ __typename: 'MagicFieldValue', text: 'Enthusiastic about AI.' });
    expect(await readBack(contact.id)).toEqual(contact);
  });
});
