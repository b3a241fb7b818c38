import { builder } from '../../graphql/builder.js';
import { CompanyNode } from '../company/company.graphql.js';
import { GroupNode } from '../group/group.graphql.js';
import { byPosition } from './contact.graphql.js';
import type { FieldSql } from '../../graphql/compiled-reads.js';

// Contact fields that lead to companies and groups, apart from contact.graphql.ts so the
// company and group modules (whose connections list contacts) load after the Contact type.
builder.prismaObjectFields('Contact', (t) => ({
  primaryCompany: t.field({
    type: CompanyNode,
    nullable: true,
    description: 'The company of the primary link.',
    select: (_args, _context, nested) => ({ companies: { ...byPosition, select: { isPrimary: true, company: nested(true) } } }),
    extensions: {
      sql: {
        from: (c, company) =>
          `FROM contact_companies l JOIN companies ${company} ON ${company}.organization_id = l.organization_id AND ${company}.id = l.company_id
           WHERE l.organization_id = ${c}.organization_id AND l.contact_id = ${c}.id AND l.is_primary`,
        orderBy: () => 'l.position',
      } satisfies FieldSql,
    },
    resolve: (c) => c.companies.find((link) => link.isPrimary)?.company ?? null,
  }),
  groups: t.field({
    type: [GroupNode],
    description: 'The groups the contact is a member of, in the order it joined them.',
    // joined order, ties (memberships written by one statement) by group id
    select: (_args, _context, nested) => ({ groups: { orderBy: [{ createdAt: 'asc' }, { groupId: 'asc' }], select: { group: nested(true) } } }),
    extensions: {
      sql: {
        from: (c, group) =>
          `FROM group_memberships m JOIN groups ${group} ON ${group}.organization_id = m.organization_id AND ${group}.id = m.group_id
           WHERE m.organization_id = ${c}.organization_id AND m.contact_id = ${c}.id`,
        orderBy: () => 'm.created_at, m.group_id',
      } satisfies FieldSql,
    },
    resolve: (c) => c.groups.map((membership) => membership.group),
  }),
}));
