// The benchmarked operations: their GraphQL text and a body generator each (unique emails,
// refs and new company names per request for the writes).
import { contactInputAt } from './data.mjs';
import { createRandom } from './prng.mjs';
import { CANONICAL, CONTACT_QUERY, CURSORS_QUERY, LIST_QUERY } from './queries.mjs';

export { CANONICAL, CONTACT_QUERY, CURSORS_QUERY, LIST_QUERY };

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

export const UPSERT_CONTACTS = `mutation($input: UpsertContactsInput!) {
  upsertContacts(input: $input) {
    results { clientRef action contact { id } userErrors { code field message } }
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

/** The search terms and types the varied list reads filter on (besides the canonical tag). */
export const LIST_FILTERS = [
  {},
  { search: 'mail.example' },
  { search: 'Sen' },
  { search: ' anna ' },
  { search: 'chen' },
  { type: 'COMMERCIAL' },
  { type: 'TECHNICAL' },
  { type: 'FINANCE' },
];

/** A seed per operation and phase (same name, same requests, whichever server is asked). */
export function seedOf(...parts) {
  let hash = 2166136261;
  for (const char of parts.join('|')) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash;
}

/**
 * Request bodies for each operation. `contactIds`: seeded contact ids; `feedCursors`: cursors of
 * the seeded change feed; `listPools`: for each of LIST_FILTERS, the cursors contactgraph gave
 * out for that list, without the last (so a page after any of them is not empty); `cat`: the
 * catalog. Every write uses fresh contact indexes (so fresh emails and external refs) from
 * `firstIndex` on.
 *
 * `stream(name, seed)` answers a body function: a fixed seed gives the same sequence of
 * requests, so two servers measured with one seed are asked the same things in the same order.
 */
export function bodies({ cat, contactIds, feedCursors, listPools, firstIndex = 1_000_000, runTag = Date.now().toString(36) }) {
  let nextIndex = firstIndex;
  let newCompanies = 0;
  let syncs = 0;

  /** a contact input as seeded, with fresh identifiers; `companies` replaces its companies */
  const freshInput = (companies) => {
    const index = nextIndex++;
    const { input } = contactInputAt(index, cat);
    input.externalRefs = [{ namespace: 'bench', externalId: `${runTag}-${index}` }];
    input.emails = input.emails.map((email) => ({ ...email, address: email.address.replace('@', `.${runTag}@`) }));
    if (companies) input.companies = companies;
    return input;
  };
  const newName = () => `Bench New Co ${runTag} ${++newCompanies}`;

  /** One page of the list: filter number `filter` of LIST_FILTERS, after `cursor` (null: from the start). */
  const listBody = (first, filter, cursor) =>
    JSON.stringify({ query: LIST_QUERY, variables: { first, ...(cursor ? { after: cursor } : {}), ...LIST_FILTERS[filter] } });

  /** A random page: half the canonical tag filter alone, a quarter each a search or a type; a fifth from the start. */
  const randomList = (random, first) => {
    const roll = random.next();
    const filter = roll < 0.5 ? 0 : roll < 0.75 ? random.int(1, 4) : random.int(5, 7);
    const pool = listPools[filter];
    return listBody(first, filter, random.chance(0.2) || pool.length === 0 ? null : random.pick(pool));
  };

  const generators = {
    list: (random) => randomList(random, 50),
    list100: (random) => randomList(random, 100),
    contact: (random) => JSON.stringify({ query: CONTACT_QUERY, variables: { id: `con_${random.pick(contactIds)}` } }),
    changes: (random) => {
      // any page of 100 within the seeded feed (the first page when the cursor is null)
      const at = random.int(-1, Math.max(-1, feedCursors.length - 101));
      return JSON.stringify({ query: CONTACT_CHANGES, variables: { after: at < 0 ? null : feedCursors[at] } });
    },
    createContact: (random) => {
      // three companies by name: half new, half existing (new/existing/random alternately)
      const existingName = () => random.pick(cat.companies).name;
      const names = [existingName(), newName(), random.chance(0.5) ? existingName() : newName()];
      const companies = [...new Set(names)].map((name, position) => ({ company: { name }, ...(position === 0 ? { jobTitle: 'Buyer' } : {}) }));
      return JSON.stringify({ query: CREATE_CONTACT, variables: { input: freshInput(companies) } });
    },
    createContacts: () => {
      const contacts = Array.from({ length: 500 }, (_, i) => ({ clientRef: String(i), ...freshInput() }));
      return JSON.stringify({ query: CREATE_CONTACTS, variables: { input: { contacts } } });
    },
    upsertContacts: () => {
      // a sync job's batch: 250 seeded contacts sent again by their CRM ref with two fields
      // changed (the next 250 of the seeded ones, so that concurrent batches touch different
      // contacts), then 250 new ones by a fresh ref
      const sync = ++syncs;
      const updates = Array.from({ length: 250 }, (_, i) => {
        const index = ((sync - 1) * 250 + i) % contactIds.length;
        const { externalRefs, ...input } = contactInputAt(index, cat).input;
        return { by: { externalRef: externalRefs[0] }, ...input, description: `synced ${runTag} ${sync}`, jobTitle: `Buyer ${sync % 7}` };
      });
      const creates = Array.from({ length: 250 }, () => {
        const { externalRefs, ...input } = freshInput();
        return { by: { externalRef: externalRefs[0] }, ...input };
      });
      const contacts = [...updates, ...creates].map((item, i) => ({ clientRef: String(i), ...item }));
      return JSON.stringify({ query: UPSERT_CONTACTS, variables: { input: { contacts } } });
    },
  };

  return {
    stream(name, seed) {
      const random = createRandom(seed);
      return () => generators[name](random);
    },
    listBody,
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
    case 'upsertContacts':
      return /"userErrors":\[\{/.test(body) ? `userErrors: ${body.slice(0, 300)}` : null;
    case 'changes':
      return body.includes('"changeType"') ? null : 'empty change page';
    default:
      return body.includes('"edges":[{') ? null : 'empty page';
  }
}
