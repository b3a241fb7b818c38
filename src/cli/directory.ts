import type { PrismaClient } from '../db/client.js';
import type { CustomFieldType } from '../db/generated/prisma/enums.js';
import { normalizeName } from '../modules/common/names.js';

// The organisation's groups, custom fields and users, which files name by name.

export interface DirectoryField {
  id: string;
  name: string;
  normalizedName: string;
  groupId: string;
  type: CustomFieldType;
  /** the CSV column name after `field:` (the name, or "Group/Name" when names repeat) */
  columnName: string;
}

/** The organisation's groups, custom fields and users, by id and by name (loaded once). */
export interface Directory {
  groupsById: Map<string, { id: string; name: string }>;
  groupsByName: Map<string, { id: string; name: string }>;
  fieldsById: Map<string, DirectoryField>;
  fieldsByColumn: Map<string, DirectoryField[]>;
  userEmailsById: Map<string, string>;
}

export async function loadDirectory(prisma: PrismaClient, organizationId: string): Promise<Directory> {
  const [groups, fields, users] = await Promise.all([
    prisma.group.findMany({ where: { organizationId }, select: { id: true, name: true, normalizedName: true }, orderBy: { normalizedName: 'asc' } }),
    prisma.customField.findMany({
      where: { organizationId },
      select: { id: true, name: true, normalizedName: true, groupId: true, type: true, position: true },
    }),
    prisma.user.findMany({ where: { organizationId }, select: { id: true, email: true } }),
  ]);
  const groupsById = new Map(groups.map((g) => [g.id, g]));
  const nameCount = new Map<string, number>();
  for (const field of fields) nameCount.set(field.normalizedName, (nameCount.get(field.normalizedName) ?? 0) + 1);
  const sorted = fields
    .map((field) => ({ field, group: groupsById.get(field.groupId)! }))
    .sort((a, b) => a.group.normalizedName.localeCompare(b.group.normalizedName) || a.field.position - b.field.position || a.field.id.localeCompare(b.field.id));
  const fieldsById = new Map<string, DirectoryField>();
  const fieldsByColumn = new Map<string, DirectoryField[]>();
  const index = (key: string, field: DirectoryField) => fieldsByColumn.set(key, [...(fieldsByColumn.get(key) ?? []), field]);
  for (const { field, group } of sorted) {
    const columnName = nameCount.get(field.normalizedName)! > 1 ? `${group.name}/${field.name}` : field.name;
    const entry = { id: field.id, name: field.name, normalizedName: field.normalizedName, groupId: field.groupId, type: field.type, columnName };
    fieldsById.set(field.id, entry);
    index(field.normalizedName, entry);
    index(normalizeName(`${group.name}/${field.name}`), entry);
  }
  return {
    groupsById,
    groupsByName: new Map(groups.map((g) => [g.normalizedName, g])),
    fieldsById,
    fieldsByColumn,
    userEmailsById: new Map(users.map((u) => [u.id, u.email])),
  };
}
