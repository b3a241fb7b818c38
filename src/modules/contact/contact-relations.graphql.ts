import { builder } from '../../graphql/builder.js';
import { CompanyNode } from '../company/company.graphql.js';
import { GroupNode } from '../group/group.graphql.js';
import { byPosition } from './contact.graphql.js';

// Contact fields that lead to companies and groups, apart from contact.graphql.ts so the
// company and group modules (whose connections list contacts) load after the Contact type.
builder.prismaObjectFields('Contact', (t) => ({
  primaryCompany: t.field({
    type: CompanyNode,
    nullable: true,
    description: 'The company of the primary link.',
    select: (_args, _context, nested) => ({ companies: { ...byPosition, select: { isPrimary: true, company: nested(true) } } }),
    resolve: (c) => c.companies.find((link) => link.isPrimary)?.company ?? null,
  }),
  groups: t.field({
    type: [GroupNode],
    description: 'The groups the contact is a member of, in the order it joined them.',
    select: (_args, _context, nested) => ({ groups: { orderBy: { createdAt: 'asc' }, select: { group: nested(true) } } }),
    resolve: (c) => c.groups.map((membership) => membership.group),
  }),
}));
