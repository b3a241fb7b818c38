// The benchmarked operations: their GraphQL text and a body generator each (unique emails,
// refs and new company names per request for the writes).
import { readFileSync } from 'node:fs';
import { contactInputAt } from './data.mjs';
import { createRandom } from './prng.mjs';

/** The canonical list query, read from test/contact-list.test.ts so it stays the exact text. */
export function canonicalQuery() {
  const source = readFileSync(new URL('../../test/contact-list.test.ts', import.meta.url), 'utf8');
  const match = /export const CANONICAL = `([\s\S]*?)`;/.exec(source);
  if (!match) throw new Error('could not find `export const CANONICAL = `…`` in test/contact-list.test.ts');
  return match[1];
}

/** The selection under `node { … }` of the canonical query: every field of a contact. */
function nodeSelection(query) {
  const start = query.indexOf('node {') + 'node {'.length;
  let depth = 1;
  for (let i = start; i < query.length; i += 1) {
    if (query[i] === '{') depth += 1;
    if (query[i] === '}') depth -= 1;
    if (depth === 0) return query.slice(start, i);
  }
  throw new Error('unbalanced canonical query');
}

export const CANONICAL = canonicalQuery();

export const CONTACT_QUERY = `query($id: ID!) {
  contact(by: { id: $id }) {${nodeSelection(CANONICAL)}  ssn
  }
}`;

export const CREATE_CONTACT = `mutation($input: CreateContactInput!) {
  createContact(input: $input) {
    contact { id fullName email jobTitle etag primaryCompany { id name } }
    companyResolutions { index action company { id name } }
    userErrors { code field message existingId }
  }
}`;

export const CREATE_CONTACTS = `mutation($input: CreateContactsInput!) {
  createContacts(input: $input) {
    results { clientRef contact { id } companyResolutions { index action } userErrors { code field message } }
    userErrors { code field message }
  }
}`;

export const CONTACT_CHANGES = `query($after: String) {
  contactChanges(after: $after, first: 100) {
    changes {
      cursor changeType contactId version changedFields occurredAt
      changeOrigin { apiKeyPrefix user namespaces }
      contact { id fullName etag }
    }
    endCursor
    hasMore
  }
}`;

/**
 * Request bodies for each operation. `contactIds`: seeded contact ids; `feedCursors`: cursors of
 * the seeded change feed; `cat`: the catalog. Every write uses fresh contact indexes (so fresh
 * emails and external refs) from `firstIndex` on.
 */
export function bodies({ cat, contactIds, feedCursors, firstIndex = 1_000_000, runTag = Date.now().toString(36) }) {
  const random = createRandom(4242);
  let nextIndex = firstIndex;
  let newCompanies = 0;
  const list = JSON.stringify({ query: CANONICAL, variables: { first: 50 } });

  /** a contact input as seeded, with fresh identifiers; `companies` replaces its companies */
  const freshInput = (companies) => {
    const index = nextIndex++;
    const { input } = contactInputAt(index, cat);
    input.externalRefs = [{ namespace: 'bench', externalId: `${runTag}-${index}` }];
    input.emails = input.emails.map((email) => ({ ...email, address: email.address.replace('@', `.${runTag}@`) }));
    if (companies) input.companies = companies;
    return input;
  };
  const existingName = () => random.pick(cat.companies).name;
  const newName = () => `Bench New Co ${runTag} ${++newCompanies}`;

  return {
    list: () => list,
    contact: () => JSON.stringify({ query: CONTACT_QUERY, variables: { id: `con_${random.pick(contactIds)}` } }),
    changes: () => {
      // any page of 100 within the seeded feed (the first page when the cursor is null)
      const at = random.int(-1, Math.max(-1, feedCursors.length - 101));
      return JSON.stringify({ query: CONTACT_CHANGES, variables: { after: at < 0 ? null : feedCursors[at] } });
    },
    createContact: () => {
      // three companies by name: half new, half existing (new/existing/random alternately)
      const names = [existingName(), newName(), random.chance(0.5) ? existingName() : newName()];
      const companies = [...new Set(names)].map((name, position) => ({ company: { name }, ...(position === 0 ? { jobTitle: 'Buyer' } : {}) }));
      return JSON.stringify({ query: CREATE_CONTACT, variables: { input: freshInput(companies) } });
    },
    createContacts: () => {
      const contacts = Array.from({ length: 500 }, (_, i) => ({ clientRef: String(i), ...freshInput() }));
      return JSON.stringify({ query: CREATE_CONTACTS, variables: { input: { contacts } } });
    },
  };
}

/** Checks one response body of an operation; returns an error message or null. */
export function checkResponse(name, status, body) {
  if (status !== 200) return `HTTP ${status}: ${String(body).slice(0, 200)}`;
  if (body.includes('"errors":[')) return `GraphQL errors: ${body.slice(0, 300)}`;
  switch (name) {
    case 'contact':
      return body.includes('"contact":{') ? null : 'contact not found';
    case 'createContact':
    case 'createContacts':
      return /"userErrors":\[\{/.test(body) ? `userErrors: ${body.slice(0, 300)}` : null;
    case 'changes':
      return body.includes('"changeType"') ? null : 'empty change page';
    default:
      return body.includes('"edges":[{') ? null : 'empty page';
  }
}
