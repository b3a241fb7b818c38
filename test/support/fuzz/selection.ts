import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import type { Random } from './random.js';
import { idKindFor, type Values } from './values.js';

/** Random selection sets over the live schema, with mostly valid literal arguments. */
export function createSelections(r: Random, schema: GraphQLSchema, { anyId, stringFor }: Pick<Values, 'anyId' | 'stringFor'>) {
  /** A GraphQL literal for a nested field's argument (kept mostly valid). */
  const literalFor = (arg: GraphQLArgument): string | null => {
    const named = getNamedType(arg.type);
    if (arg.name === 'first' || arg.name === 'last') return String(r.chance(0.92) ? r.int(1, 20) : r.pick([0, -1, 101, 100000]));
    if (!isNonNullType(arg.type)) return null;
    if (named.name === 'ID') return JSON.stringify(anyId(idKindFor(arg.name, '')));
    if (named.name === 'String') return JSON.stringify(stringFor(arg.name, ''));
    if (named.name === 'Int') return String(r.int(1, 10));
    if (named.name === 'Boolean') return 'true';
    if (isEnumType(named)) return named.getValues()[0]!.name;
    return null;
  };

  const userErrorsSelection = 'userErrors { code field message existingId }';

  /** A selection set for `type` (depth ≤ 4, a few fields per level). */
  const selectionFor = (type: GraphQLOutputType, depth: number): string => {
    const named = getNamedType(type) as GraphQLNamedType;
    if (isLeafType(named)) return '';
    if (isUnionType(named) || isInterfaceType(named)) {
      const possible = schema.getPossibleTypes(named);
      const parts = ['__typename'];
      if (isInterfaceType(named) && depth < 4) parts.push(fieldsOf(named.getFields(), depth, named.name));
      for (const object of r.sample(possible, r.int(1, 2))) {
        const inner = depth < 4 ? fieldsOf(object.getFields(), depth, object.name) : '__typename';
        parts.push(`... on ${object.name} { ${inner} }`);
      }
      return `{ ${parts.filter(Boolean).join(' ')} }`;
    }
    if (isObjectType(named)) return `{ ${fieldsOf(named.getFields(), depth, named.name)} }`;
    return '';
  };

  const fieldsOf = (fields: Record<string, GraphQLField<unknown, unknown>>, depth: number, typeName: string): string => {
    const all = Object.values(fields);
    const leaves = all.filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
    const chosen = depth >= 4 ? r.sample(leaves, r.int(1, 3)) : r.sample(all, r.int(1, 4));
    const parts: string[] = [];
    if ('userErrors' in fields) parts.push(userErrorsSelection);
    if ('id' in fields && r.chance(0.5)) parts.push('id');
    for (const field of chosen) {
      if (field.name === 'userErrors') continue;
      const args = field.args.map((arg) => [arg.name, literalFor(arg)] as const).filter(([, v]) => v !== null);
      if (field.args.some((a) => isNonNullType(a.type) && !args.some(([n]) => n === a.name))) continue;
      const argText = args.length ? `(${args.map(([n, v]) => `${n}: ${v}`).join(', ')})` : '';
      const sub = isLeafType(getNamedType(field.type)) ? '' : depth + 1 > 4 ? null : selectionFor(field.type, depth + 1);
      if (sub === null) continue;
      parts.push(`${field.name}${argText} ${sub}`.trim());
    }
    if (parts.length === 0) parts.push('__typename');
    void typeName;
    return parts.join(' ');
  };


  return { selectionFor };
}
