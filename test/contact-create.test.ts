import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { graphql } from './support/graphql.js';

// the key stays warm for the whole file: statement counts do not depend on the time between requests
const h = await createHarness({ apiKeyCache: { ttlMs: 60 * 60_000 } });
const owner = await h.organization();

const CREATE = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    clientMutationId
    contact { id type firstName lastName fullName email phone etag version
      emails { address isPrimary } phones { number original countryCode label isPrimary }
      createdBy { id } }
    userErrors { code field message existingId }
  }
}`);

const counts = async () => ({
  contacts: await h.db.prisma.contact.count(),
  emails: await h.db.prisma.contactEmail.count(),
  phones: await h.db.prisma.contactPhone.count(),
  changes: await h.db.prisma.contactChange.count(),
});

describe('createContact (the first slice)', () => {
  it('creates a contact with names, emails and phones, normalised', async () => {
    const res = await owner.gql(CREATE, {
      input: {
        clientMutationId: 'm1',
        firstName: ' Jane ',
        lastName: 'Smith',
        email: 'Jane.Smith@Example.com',
        emails: [{ address: 'jane@home.example', label: 'home' }],
        phone: '+44 20 7946 0958',
        mobile: '+1 (415) 555-0134',
      },
    });
    expect(res.errors).toBeUndefined();
    const { contact, userErrors, clientMutationId } = res.data!.createContact;
    expect(userErrors).toEqual([]);
    expect(clientMutationId).toBe('m1');
    expect(contact!.id).toMatch(/^con_[0-9a-f-]{36}$/);
    expect(contact).toMatchObject({
      type: 'GENERAL',
      firstName: 'Jane',
      fullName: 'Jane Smith',
      email: 'Jane.Smith@Example.com',
      phone: '+442079460958',
      version: 1,
      createdBy: { id: `usr_${owner.userId}` },
    });
    expect(contact!.emails).toEqual([
      { address: 'Jane.Smith@Example.com', isPrimary: true },
      { address: 'jane@home.example', isPrimary: false },
    ]);
    expect(contact!.phones).toEqual([
      { number: '+442079460958', original: '+44 20 7946 0958', countryCode: 'GB', label: null, isPrimary: true },
      { number: '+14155550134', original: '+1 (415) 555-0134', countryCode: 'US', label: 'MOBILE', isPrimary: false },
    ]);
  });

  it('honours an explicit isPrimary and a national number with its countryCode', async () => {
    const res = await owner.gql(CREATE, {
      input: {
        lastName: 'Berg',
        emails: [{ address: 'a@berg.example' }, { address: 'b@berg.example', isPrimary: true }],
        phones: [{ number: '030 1234567', countryCode: 'de' }],
      },
    });
    const { contact } = res.data!.createContact;
    expect(contact!.email).toBe('b@berg.example');
    expect(contact!.emails.map((e: { isPrimary: boolean }) => e.isPrimary)).toEqual([false, true]);
    expect(contact!.phones[0]).toMatchObject({ number: '+49301234567', countryCode: 'DE', isPrimary: true });
  });

  it('appends a CREATED entry to the change feed in the same write', async () => {
    const before = await counts();
    const res = await owner.gql(CREATE, { input: { firstName: 'Feed' } });
    const id = res.data!.createContact.contact!.id.slice(4);
    const entry = await h.db.prisma.contactChange.findFirst({ where: { contactId: id } });
    expect(entry).toMatchObject({ changeType: 'CREATED', version: 1, organizationId: owner.organizationId });
    expect((await counts()).changes).toBe(before.changes + 1);
  });

  describe('bad input: a typed error at the input path, and nothing written', () => {
    const cases: [string, Record<string, unknown>, { code: string; field: string[] | null }][] = [
      ['no identifier', { title: 'Dr' }, { code: 'VALIDATION', field: null }],
      ['only blank names', { firstName: '   ', lastName: '' }, { code: 'VALIDATION', field: null }],
      ['an invalid email', { firstName: 'A', email: 'not-an-email' }, { code: 'VALIDATION', field: ['email'] }],
      ['an invalid email in the list', { emails: [{ address: 'ok@x.example' }, { address: 'x@' }] }, { code: 'VALIDATION', field: ['emails', '1', 'address'] }],
      ['an over-long first name', { firstName: 'x'.repeat(501) }, { code: 'VALIDATION', field: ['firstName'] }],
      ['an over-long full name', { fullName: 'x'.repeat(1001) }, { code: 'VALIDATION', field: ['fullName'] }],
      ['an unparseable phone', { firstName: 'A', phones: [{ number: '12' }] }, { code: 'VALIDATION', field: ['phones', '0', 'number'] }],
      ['a bad mobile', { firstName: 'A', mobile: 'call me' }, { code: 'VALIDATION', field: ['mobile'] }],
      ['an email listed twice', { emails: [{ address: 'd@x.example' }, { address: 'D@X.example' }] }, { code: 'VALIDATION', field: ['emails', '1', 'address'] }],
      ['two primary emails', { emails: [{ address: 'p1@x.example', isPrimary: true }, { address: 'p2@x.example', isPrimary: true }] }, { code: 'VALIDATION', field: ['emails', '1', 'isPrimary'] }],
      ['21 emails', { emails: Array.from({ length: 21 }, (_, i) => ({ address: `e${i}@x.example` })) }, { code: 'VALIDATION', field: ['emails'] }],
    ];
    it.each(cases)('%s', async (_name, input, expected) => {
      const before = await counts();
      const res = await owner.gql(CREATE, { input });
      expect(res.errors).toBeUndefined();
      expect(res.data!.createContact.contact).toBeNull();
      expect(res.data!.createContact.userErrors).toContainEqual(expect.objectContaining(expected));
      expect(await counts()).toEqual(before);
    });

    it('reports several errors at once', async () => {
      const res = await owner.gql(CREATE, { input: { firstName: 'x'.repeat(501), email: 'bad', phone: '1' } });
      const fields = res.data!.createContact.userErrors.map((e) => e.field!.join('.'));
      expect(fields.sort()).toEqual(['email', 'firstName', 'phone']);
    });

    it('rejects an email another contact holds: DUPLICATE naming that contact', async () => {
      const first = await owner.gql(CREATE, { input: { firstName: 'Holder', email: 'taken@x.example' } });
      const holderId = first.data!.createContact.contact!.id;
      const before = await counts();
      const res = await owner.gql(CREATE, { input: { firstName: 'Second', emails: [{ address: 'TAKEN@x.example' }] } });
      expect(res.data!.createContact.userErrors).toEqual([
        { code: 'DUPLICATE', field: ['emails', '0', 'address'], message: expect.stringContaining('already belongs'), existingId: holderId },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('lets another organisation use the same email', async () => {
      await owner.gql(CREATE, { input: { firstName: 'Mine', email: 'shared@x.example' } });
      const other = await h.organization();
      const res = await other.gql(CREATE, { input: { firstName: 'Theirs', email: 'shared@x.example' } });
      expect(res.data!.createContact.userErrors).toEqual([]);
    });

    it('is a GraphQL error, not a userError, to send an unknown field', async () => {
      const before = await counts();
      const res = await owner.gql(CREATE, { input: { firstName: 'A', organizationId: 'x' } });
      expect(res.errors?.[0]?.message).toMatch(/organizationId/);
      expect(await counts()).toEqual(before);
    });
  });

  it('resolves 20 companies by name in a bounded number of statements', async () => {
    const existing = await owner.gql(CREATE, { input: { firstName: 'Seed', companies: Array.from({ length: 10 }, (_, i) => ({ company: { name: `Bounded ${i}` } })) } });
    expect(existing.data!.createContact.userErrors).toEqual([]);
    const companies = [
      ...Array.from({ length: 10 }, (_, i) => ({ company: { name: `bounded ${i}` } })),
      ...Array.from({ length: 10 }, (_, i) => ({ company: { name: `Bounded New ${i}` } })),
    ];
    const { result, statements } = await h.statementsOf(() =>
      owner.gql(graphql('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } companyResolutions { action } userErrors { message } } }'), {
        input: { firstName: 'Many', email: 'many@x.example', companies },
      }),
    );
    const actions = result.data!.createContact.companyResolutions.map((r: { action: string }) => r.action);
    expect(actions).toEqual([...Array(10).fill('MATCHED'), ...Array(10).fill('CREATED')]);
    // with the key warm (no auth statement): the shared lookups (companies by name, email), then
    // in one transaction the INSERT of the ten new companies, one statement for the contact and
    // everything it owns, and COMMIT: the same five for 2 companies or 200 (`contact { id }` is
    // answered from the write, not read back).
    expect(statements.length).toBe(5);
  });

  it('needs the contacts:write scope', async () => {
    const reader = await h.organization({ scopes: ['contacts:read'] });
    const before = await counts();
    const res = await reader.gql(CREATE, { input: { firstName: 'Nope' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(before);
  });
});

const POINTS = graphql(`mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id phone mobile primaryLanguage
      phones { number original e164 extension valid label countryCode isPrimary }
      addresses { street city country line formatted isPrimary } }
    userErrors { code field message }
  }
}`);
const created = async (input: Record<string, unknown>) => {
  const res = await owner.gql(POINTS, { input });
  expect(res.errors).toBeUndefined();
  expect(res.data!.createContact.userErrors).toEqual([]);
  return res.data!.createContact.contact;
};
const kept = (number: string, original = number, countryCode: string | null = null) => ({ number, original, e164: null, extension: null, valid: false, countryCode });

describe('phones as the source APIs send them', () => {
  it("accepts a CRM's own examples, which are no valid numbers, kept as given", async () => {
    const contact = await created({ firstName: 'Crm', phones: [{ number: '+1234567890', label: 'WORK' }, { number: '+0987654321', label: 'MOBILE' }] });
    expect(contact!.phones).toEqual([
      { ...kept('+1234567890'), label: 'WORK', isPrimary: true },
      { ...kept('+0987654321'), label: 'MOBILE', isPrimary: false },
    ]);
    expect(contact!.phone).toBe('+1234567890');
    expect(contact!.mobile).toBe('+0987654321');
  });

  it('stores E.164 and the extension of a valid number; the same number with another extension is another phone', async () => {
    const contact = await created({
      firstName: 'Ext',
      phone: '+1 (415) 555-0123 ext. 123',
      phones: [{ number: '+1 415 555 0123 x124' }, { number: '+14155550123' }],
    });
    expect(contact!.phones).toEqual([
      { number: '+14155550123', original: '+1 (415) 555-0123 ext. 123', e164: '+14155550123', extension: '123', valid: true, label: null, countryCode: 'US', isPrimary: true },
      { number: '+14155550123', original: '+1 415 555 0123 x124', e164: '+14155550123', extension: '124', valid: true, label: null, countryCode: 'US', isPrimary: false },
      { number: '+14155550123', original: '+14155550123', e164: '+14155550123', extension: null, valid: true, label: null, countryCode: 'US', isPrimary: false },
    ]);
  });

  it('keeps a national number without its countryCode as given (whitespace collapsed), and reads it with one', async () => {
    const contact = await created({
      firstName: 'National',
      phones: [{ number: '020  7946\t0958' }, { number: '020 7946 0958', countryCode: 'GB' }, { number: '555-0199', countryCode: 'US' }],
    });
    expect(contact!.phones).toEqual([
      { ...kept('020 7946 0958', '020  7946\t0958'), label: null, isPrimary: true },
      { number: '+442079460958', original: '020 7946 0958', e164: '+442079460958', extension: null, valid: true, label: null, countryCode: 'GB', isPrimary: false },
      { ...kept('555-0199', '555-0199', 'US'), label: null, isPrimary: false },
    ]);
  });

  it('folds phone and mobile kept as given into the list, once', async () => {
    const contact = await created({ firstName: 'Fold', phone: '555 0100', mobile: '+0987654321', phones: [{ number: '555  0100', label: 'HOME' }] });
    // as with email: a convenience number the list has already is that entry
    expect(contact!.phones.map((p: { number: string; label: string | null; isPrimary: boolean }) => [p.number, p.label, p.isPrimary])).toEqual([
      ['+0987654321', 'MOBILE', true],
      ['555 0100', 'HOME', false],
    ]);
    const unlabelled = await created({ firstName: 'Fold', mobile: '+1 415 555 0188', phones: [{ number: '+14155550100' }, { number: '+14155550188' }] });
    expect(unlabelled!.phones.map((p: { number: string; label: string | null; isPrimary: boolean }) => [p.number, p.label, p.isPrimary])).toEqual([
      ['+14155550100', null, true],
      ['+14155550188', 'MOBILE', false],
    ]);
  });

  it('keeps numbers, extensions and countryCodes as they are through an update of something else', async () => {
    const contact = await created({
      firstName: 'Kept',
      phones: [{ number: '+1 415 555 0123 x9' }, { number: '555-0199', countryCode: 'US' }, { number: '+0987654321' }],
    });
    const res = await owner.gql(
      graphql(`mutation($input: UpdateContactInput!) { updateContact(input: $input) {
        contact { version phones { number e164 extension valid countryCode } } changedFields userErrors { code field message } } }`),
      { input: { id: contact!.id, patch: { description: 'touched' } } },
    );
    expect(res.data!.updateContact.userErrors).toEqual([]);
    expect(res.data!.updateContact.changedFields).toEqual(['description']);
    expect(res.data!.updateContact.contact!.phones).toEqual([
      { number: '+14155550123', e164: '+14155550123', extension: '9', valid: true, countryCode: 'US' },
      { number: '555-0199', e164: null, extension: null, valid: false, countryCode: 'US' },
      { number: '+0987654321', e164: null, extension: null, valid: false, countryCode: null },
    ]);
  });
});

describe('addresses on one line', () => {
  it('takes a line alone or beside parts; formatted is the parts, or the line when there are none', async () => {
    const contact = await created({
      firstName: 'Lines',
      addresses: [
        { line: '  123 Main St, Springfield, USA ' },
        { line: 'Flat 2, 10 Downing Street, London SW1A 2AA', street: '10 Downing Street', city: 'London', country: 'GB' },
      ],
    });
    expect(contact!.addresses).toEqual([
      // a country named in the line is not parsed
      { street: null, city: null, country: null, line: '123 Main St, Springfield, USA', formatted: '123 Main St, Springfield, USA', isPrimary: true },
      { street: '10 Downing Street', city: 'London', country: 'GB', line: 'Flat 2, 10 Downing Street, London SW1A 2AA', formatted: '10 Downing Street, London, GB', isPrimary: false },
    ]);
    const res = await owner.gql(
      graphql('mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { addresses { line } } changedFields userErrors { message } } }'),
      { input: { id: contact!.id, patch: { lastName: 'Kept' } } },
    );
    expect(res.data!.updateContact.changedFields).toEqual(['lastName', 'fullName']);
    expect(res.data!.updateContact.contact!.addresses.map((a: { line: string | null }) => a.line)).toEqual(['123 Main St, Springfield, USA', 'Flat 2, 10 Downing Street, London SW1A 2AA']);
  });
});

describe('primaryLanguage', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['en-GB', 'en-GB'],
    ['pt_br', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['sr-Latn', 'sr-Latn'],
  ])('takes %s as %s', async (given, stored) => {
    expect((await created({ firstName: 'Lang', primaryLanguage: given }))!.primaryLanguage).toBe(stored);
  });
});
