import {
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import type { IdKind } from './values.js';

/**
 * The smallest arguments of the right shape for a root field, as variables with their
 * declarations: required arguments and input fields only, plus every ID-typed input field when
 * `allIds` is set (to aim each one at a chosen id). `idFor(path)` picks the id for an ID field,
 * given the path of field names from the argument down.
 */
export function minimalCall(
  field: GraphQLField<unknown, unknown>,
  idFor: (path: string[]) => string,
  options: { allIds?: boolean } = {},
): { declarations: string; args: string; variables: Record<string, unknown> } {
  const hasId = (type: GraphQLInputType, seen = new Set<string>()): boolean => {
    const named = getNamedType(type);
    if (named.name === 'ID') return true;
    if (!isInputObjectType(named) || seen.has(named.name)) return false;
    seen.add(named.name);
    return Object.values(named.getFields()).some((f) => f.name !== 'clientMutationId' && hasId(f.type, seen));
  };
  const value = (type: GraphQLInputType, path: string[], depth: number): unknown => {
    if (isNonNullType(type)) return value(type.ofType, path, depth);
    if (isListType(type)) {
      const item = type.ofType as GraphQLInputType;
      return options.allIds && hasId(item) && depth < 4 ? [value(item, path, depth + 1)] : [];
    }
    if (isEnumType(type)) return type.getValues()[0]!.name;
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      if (type.isOneOf || type.extensions.oneOf) {
        const chosen = fields.find((f) => f.name === 'id') ?? fields[0]!;
        return { [chosen.name]: value(chosen.type, [...path, chosen.name], depth + 1) };
      }
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.name === 'clientMutationId') continue;
        const wanted = isNonNullType(f.type) || (options.allIds && depth < 4 && hasId(f.type));
        if (wanted) out[f.name] = value(f.type, [...path, f.name], depth + 1);
      }
      return out;
    }
    switch (type.name) {
      case 'ID':
        return idFor(path);
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'JSON':
        return 'x';
      case '_Any':
        return { __typename: 'Contact', id: idFor([...path, 'Contact']) };
      case 'DateTime':
        return '2026-01-01T00:00:00Z';
      case 'LocalDate':
        return '2026-01-01';
      default:
        return 'x';
    }
  };
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const arg of field.args) {
    const include = isNonNullType(arg.type) || arg.name === 'first';
    if (!include) continue;
    variables[arg.name] = arg.name === 'first' ? 1 : value(arg.type, [arg.name], 0);
    declarations.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
  }
  return {
    declarations: declarations.length ? `(${declarations.join(', ')})` : '',
    args: args.length ? `(${args.join(', ')})` : '',
    variables,
  };
}

/** Which kind of record an ID input names, from the mutation and the path of field names. */
export function idKindOf(mutation: string, path: string[]): IdKind {
  const last = path.at(-1) ?? '';
  const parent = path.at(-2) ?? '';
  if (/^group/i.test(last) || last === 'groups') return 'Group';
  if (/^compan/i.test(last) || (parent === 'company' && last === 'id')) return 'Company';
  if (last === 'field' || /fieldId/i.test(last)) return 'CustomField';
  if (/^user/i.test(last)) return 'User';
  if (/contact|target|source/i.test(last)) return 'Contact';
  if (last === 'id' && path.length <= 2) {
    if (/Company|Companies/.test(mutation)) return 'Company';
    if (/CustomField/.test(mutation)) return 'CustomField';
    if (/Group$/.test(mutation)) return 'Group';
  }
  return 'Contact';
}

/**
 * A selection of everything below `type`: every field whose arguments are all optional
 * (connections get `first: pageSize`), `__typename` on every object, every possible type of an
 * interface or union as a fragment. A type already on the path answers only `__typename` and
 * its `id`, so the selection is finite.
 */
export function fullSelection(schema: GraphQLSchema, type: GraphQLOutputType, options: { pageSize: number }, path: string[] = []): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const hasId = (isObjectType(named) || isInterfaceType(named)) && 'id' in named.getFields();
  if (path.includes(named.name)) return hasId ? '{ __typename id }' : '{ __typename }';
  const inner = [...path, named.name];
  const parts = ['__typename'];
  if (isObjectType(named) || isInterfaceType(named)) {
    for (const field of Object.values(named.getFields())) {
      if (field.args.some((arg) => isNonNullType(arg.type))) continue;
      const args = field.args.some((arg) => arg.name === 'first') ? `(first: ${options.pageSize})` : '';
      parts.push(`${field.name}${args} ${fullSelection(schema, field.type, options, inner)}`.trim());
    }
  }
  if (isInterfaceType(named) || isUnionType(named)) {
    for (const object of schema.getPossibleTypes(named)) parts.push(`... on ${object.name} ${fullSelection(schema, object, options, inner)}`);
  }
  return `{ ${parts.join(' ')} }`;
}
