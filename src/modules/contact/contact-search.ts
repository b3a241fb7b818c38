/** At most `max` characters (code points, as PostgreSQL's varchar counts them). */
const upTo = (text: string, max: number) => (text.length <= max ? text : [...text].slice(0, max).join(''));

/**
 * The denormalised keys a contact row keeps for listing: lower-cased sort keys (cut to their
 * columns' 255 and 500 characters: names may be longer, and a sort needs no more), and the text
 * `search` matches (names, emails, phone numbers as stored and their digits as given, so valid
 * and kept-as-given numbers alike are found by their digits), trigram-indexed.
 */
export function searchColumns(contact: {
  firstName: string | null;
  middleName: string | null;
  lastName: string | null;
  fullName: string | null;
  emails: { address: string }[];
  phones: { number: string; original: string }[];
}) {
  const parts = [
    contact.fullName,
    contact.firstName,
    contact.middleName,
    contact.lastName,
    ...contact.emails.map((e) => e.address),
    ...contact.phones.flatMap((p) => [p.number, p.original.replace(/\D/g, '')]),
  ];
  return {
    sortLastName: upTo((contact.lastName ?? '').toLowerCase(), 255),
    sortFullName: upTo((contact.fullName ?? '').toLowerCase(), 500),
    searchText: [...new Set(parts.filter(Boolean).map((part) => part!.toLowerCase()))].join(' '),
  };
}
