import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/client.js';
import type { Company, Contact } from '../db/generated/prisma/client.js';
import { normalizeEmail } from '../modules/common/emails.js';
import { normalizeName } from '../modules/common/names.js';
import { type ExternalRefValue, externalRefKey } from '../modules/common/external-ref.js';
import type { NodeTypename } from '../modules/common/ids.js';

/**
 * A loader of rows by key for one request and one organisation: `fetch` gets the unique keys
 * of a batch and returns the rows it found; `keyOf` says which key a row answers.
 */
function loaderOf<K, V, C = K>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => C,
  cacheKeyFn?: (key: K) => C,
) {
  return new DataLoader<K, V | null, C>(
    async (keys) => {
      const rows = await fetch(keys);
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(cacheKeyFn ? cacheKeyFn(key) : (key as unknown as C)) ?? null);
    },
    cacheKeyFn ? { cacheKeyFn } : {},
  );
}

/**
 * The external refs of one owner type among `refs`, with their owner's id: one probe of the
 * unique index per ref (a LATERAL subquery, which the planner cannot turn into a hash join over
 * the whole table when it underestimates the table). Prisma's OR of 500 (namespace, externalId)
 * pairs was planned, once planner statistics fell behind a bulk load (autovacuum off), as a walk
 * of the namespace's whole range: 1,235 ms for 500 refs among 300,000 rows, 2.6 ms of
 * PostgreSQL CPU per contact of a createContacts; this takes 0.84 ms whatever the statistics say.
 * The organisation goes in as an InitPlan (`(SELECT $n)`), so that no plan depends on its value:
 * an organisation the statistics do not know yet (one that a first import is filling) was
 * estimated at one row, and its custom plans probed the narrower (organization_id, company_id)
 * index, filtering the organisation's every ref per probe (262 ms for 500 refs among its 5,000;
 * 1.7 ms so).
 */
function refsOf(prisma: PrismaClient, organizationId: string, ownerType: 'CONTACT' | 'COMPANY', refs: readonly ExternalRefValue[]) {
  return prisma.$queryRaw<{ namespace: string; externalId: string; ownerId: string }[]>`
    SELECT k.namespace, k.external_id AS "externalId", r.owner_id AS "ownerId"
      FROM unnest(${refs.map((ref) => ref.namespace)}::text[], ${refs.map((ref) => ref.externalId)}::text[]) AS k(namespace, external_id)
     CROSS JOIN LATERAL (
       SELECT coalesce(r.contact_id, r.company_id)::text AS owner_id FROM external_refs r
        WHERE r.organization_id = (SELECT ${organizationId}::uuid) AND r.owner_type = ${ownerType}::"ExternalRefOwner"
          AND r.namespace = k.namespace AND r.external_id = k.external_id
        LIMIT 1) r`;
}

/**
 * The per-request loaders, all scoped to one organisation; created with each request's
 * tenant, never shared between requests.
 */
export function createLoaders(prisma: PrismaClient, organizationId: string, viewerId: string) {
  const idsOf = (keys: readonly string[]) => ({ organizationId, id: { in: [...keys] } });
  const loaders = {
    userById: loaderOf((ids: readonly string[]) => prisma.user.findMany({ where: idsOf(ids) }), (u) => u.id),
    userByEmail: loaderOf(
      (emails: readonly string[]) =>
        prisma.user.findMany({ where: { organizationId, emailNormalized: { in: emails.map(normalizeEmail) } } }),
      (u) => u.emailNormalized,
      normalizeEmail,
    ),
    // A merged contact's id loads the contact it was merged into.
    contactById: new DataLoader<string, Contact | null>((ids) => loadFollowingMerges(ids, (keys) => prisma.contact.findMany({ where: idsOf(keys) }))),
    companyById: loaderOf((ids: readonly string[]) => prisma.company.findMany({ where: idsOf(ids) }), (c) => c.id),
    /** which company has a name (normalised), if any: a probe of the unique index per name, as in refsOf */
    companyByName: loaderOf(
      (names: readonly string[]) => prisma.$queryRaw<{ id: string; normalizedName: string }[]>`
        SELECT c.id, k.name AS "normalizedName"
          FROM unnest(${names.map(normalizeName)}::text[]) AS k(name)
         CROSS JOIN LATERAL (
           SELECT c.id::text FROM companies c
            WHERE c.organization_id = (SELECT ${organizationId}::uuid) AND c.normalized_name = k.name
            LIMIT 1) c`,
      (c) => c.normalizedName,
      (name: string) => normalizeName(name),
    ),
    companyByExternalRef: loaderOf(
      async (refs: readonly ExternalRefValue[]) => {
        const found = await refsOf(prisma, organizationId, 'COMPANY', refs);
        const companies: (Company | null | Error)[] = await loaders.companyById.loadMany(found.map((row) => row.ownerId));
        return found.flatMap((row, i) => {
          const company = companies[i];
          if (company instanceof Error) throw company;
          return company ? [{ ref: { namespace: row.namespace, externalId: row.externalId }, company }] : [];
        });
      },
      (row) => externalRefKey(row.ref),
      externalRefKey,
    ),
    contactIdByExternalRef: loaderOf(
      async (refs: readonly ExternalRefValue[]) =>
        (await refsOf(prisma, organizationId, 'CONTACT', refs)).map((row) => ({ ref: { namespace: row.namespace, externalId: row.externalId }, contactId: row.ownerId })),
      (row) => externalRefKey(row.ref),
      externalRefKey,
    ),
    /** which contact holds an email address (normalised), if any: a probe of the unique index per address, as in refsOf */
    emailHolder: loaderOf(
      (addresses: readonly string[]) => prisma.$queryRaw<{ addressNormalized: string; contactId: string }[]>`
        SELECT k.address AS "addressNormalized", e.contact_id AS "contactId"
          FROM unnest(${[...addresses]}::text[]) AS k(address)
         CROSS JOIN LATERAL (
           SELECT e.contact_id::text FROM contact_emails e
            WHERE e.organization_id = (SELECT ${organizationId}::uuid) AND e.address_normalized = k.address
            LIMIT 1) e`,
      (row) => row.addressNormalized,
    ),
    groupById: loaderOf((ids: readonly string[]) => prisma.group.findMany({ where: idsOf(ids) }), (g) => g.id),
    customFieldById: loaderOf((ids: readonly string[]) => prisma.customField.findMany({ where: idsOf(ids) }), (f) => f.id),
    /** interaction counts and latest dates per contact, for the workspace and the viewer */
    interactionStats: loaderOf(
      (contactIds: readonly string[]) => interactionStats(prisma, organizationId, viewerId, contactIds),
      (stats) => stats.contactId,
    ),
    /** whether a node of any type exists in the organisation, keyed `Typename:id` */
    nodeExists: new DataLoader<{ typename: NodeTypename; id: string }, boolean, string>(
      async (keys) => {
        const found = new Set<string>();
        const byType = new Map<NodeTypename, string[]>();
        for (const key of keys) byType.set(key.typename, [...(byType.get(key.typename) ?? []), key.id]);
        await Promise.all(
          [...byType].map(async ([typename, ids]) => {
            const rows = await findIdsOfType(prisma, organizationId, typename, ids);
            for (const row of rows) found.add(`${typename}:${row.id}`);
          }),
        );
        return keys.map((key) => found.has(`${key.typename}:${key.id}`));
      },
      { cacheKeyFn: (key) => `${key.typename}:${key.id}` },
    ),
    /** a custom field by its group and its name, matched as names are kept unique (normalised) */
    customFieldByGroupAndName: loaderOf(
      (keys: readonly { groupId: string; name: string }[]) =>
        prisma.customField.findMany({
          where: {
            organizationId,
            groupId: { in: [...new Set(keys.map((key) => key.groupId))] },
            normalizedName: { in: [...new Set(keys.map((key) => normalizeName(key.name)))] },
          },
        }),
      (field) => `${field.groupId}/${field.normalizedName}`,
      (key: { groupId: string; name: string }) => `${key.groupId}/${normalizeName(key.name)}`,
    ),
  };
  return {
    ...loaders,
    /** forget everything loaded: after a write, later reads of the request must see it */
    clearAll() {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

function findIdsOfType(prisma: PrismaClient, organizationId: string, typename: NodeTypename, ids: string[]) {
  const where = { organizationId, id: { in: ids } };
  const select = { id: true } as const;
  switch (typename) {
    case 'Contact':
      return prisma.contact.findMany({ where, select });
    case 'Company':
      return prisma.company.findMany({ where, select });
    case 'Group':
      return prisma.group.findMany({ where, select });
    case 'CustomField':
      return prisma.customField.findMany({ where, select });
    case 'User':
      return prisma.user.findMany({ where, select });
    case 'Organization':
      return Promise.resolve(ids.filter((id) => id === organizationId).map((id) => ({ id })));
  }
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Loads contacts by id with `find`, a merged-away source answering the contact it was merged
 * into (one more `find` for the targets not loaded yet); null for an id no contact has.
 */
export async function loadFollowingMerges<Row extends { id: string; mergedIntoId: string | null }>(
  ids: readonly string[],
  find: (ids: string[]) => Promise<Row[]>,
): Promise<(Row | null)[]> {
  const rows = await find([...ids]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const targets = [...new Set(rows.flatMap((row) => (row.mergedIntoId && !byId.has(row.mergedIntoId) ? [row.mergedIntoId] : [])))];
  if (targets.length > 0) for (const row of await find(targets)) byId.set(row.id, row);
  return ids.map((id) => {
    const row = byId.get(id);
    return (row?.mergedIntoId ? byId.get(row.mergedIntoId) : row) ?? null;
  });
}

/** how many of the latest distinct users `lastInteractedBy` names */
export const LAST_INTERACTED_BY = 5;

export interface InteractionStats {
  contactId: string;
  workspaceCount: number;
  workspaceLast: Date | null;
  lastUserIds: string[];
  userCount: number;
  userLast: Date | null;
}

/** Interaction counts and latest dates of many contacts, in one statement. */
export async function interactionStats(
  prisma: PrismaClient,
  organizationId: string,
  viewerId: string,
  contactIds: readonly string[],
): Promise<InteractionStats[]> {
  const rows = await prisma.$queryRaw<
    { contact_id: string; workspace_count: number; workspace_last: Date | null; last_user_ids: string[]; user_count: number; user_last: Date | null }[]
  >`
    WITH latest_users AS (
      SELECT contact_id, user_id, max(occurred_at) AS last_at
        FROM interactions
       WHERE organization_id = ${organizationId}::uuid AND contact_id = ANY(${[...contactIds]}::uuid[])
       GROUP BY contact_id, user_id
    )
    SELECT i.contact_id::text AS contact_id,
           count(*)::int AS workspace_count,
           max(i.occurred_at) AS workspace_last,
           (SELECT array_agg(u.user_id::text ORDER BY u.last_at DESC, u.user_id)
              FROM (SELECT * FROM latest_users lu WHERE lu.contact_id = i.contact_id ORDER BY lu.last_at DESC, lu.user_id LIMIT ${LAST_INTERACTED_BY}) u) AS last_user_ids,
           (count(*) FILTER (WHERE i.user_id = ${viewerId}::uuid))::int AS user_count,
           max(i.occurred_at) FILTER (WHERE i.user_id = ${viewerId}::uuid) AS user_last
      FROM interactions i
     WHERE i.organization_id = ${organizationId}::uuid AND i.contact_id = ANY(${[...contactIds]}::uuid[])
     GROUP BY i.contact_id`;
  return rows.map((row) => ({
    contactId: row.contact_id,
    workspaceCount: row.workspace_count,
    workspaceLast: row.workspace_last ? new Date(row.workspace_last) : null,
    lastUserIds: row.last_user_ids ?? [],
    userCount: row.user_count,
    userLast: row.user_last ? new Date(row.user_last) : null,
  }));
}
