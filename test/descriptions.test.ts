import { isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, isUnionType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/graphql/schema.js';

// What the federation plugin adds for gateways (not ours to describe).
const FEDERATION = new Set(['_Service', '_Entity', '_Any', 'FieldSet', 'link__Import', 'link__Purpose', 'federation__Scope', 'federation__Policy']);
const FEDERATION_FIELDS = new Set(['Query._service', 'Query._entities']);

/** Every public type, field, argument, enum value and input field without a description. */
function undescribed(): string[] {
  const missing: string[] = [];
  const need = (what: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(what);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type) || FEDERATION.has(type.name)) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const name = `${type.name}.${field.name}`;
        if (FEDERATION_FIELDS.has(name)) continue;
        need(name, field.description);
        for (const arg of field.args) need(`${name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
    } else if (isUnionType(type)) {
      // a union's members are described on their own types
    }
  }
  return missing;
}

describe('the public schema', () => {
  it('describes every type, field, argument, enum value and input field (GraphiQL docs are how people learn it)', () => {
    expect(undescribed()).toEqual([]);
  });
});
