/**
 * The denormalised keys a contact row keeps for listing: lower-cased sort keys, and the text
 * `search` matches (names, emails, phone numbers as stored and as given), trigram-indexed.
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
    sortLastName: (contact.lastName ?? '').toLowerCase(),
    sortFullName: (contact.fullName ?? '').toLowerCase(),
    searchText: [...new Set(parts.filter(Boolean).map((part) => part!.toLowerCase()))].join(' '),
  };
}
