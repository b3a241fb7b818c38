import { readFileSync } from 'node:fs';
import path from 'node:path';
import { preset } from '@graphql-codegen/client-preset';
import { codegen } from '@graphql-codegen/core';
import { buildASTSchema, parse } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { printServiceSDL } from '../src/graphql/schema.js';

// A client's typed code, generated the way graphql-codegen's client preset does it (programmatically,
// as its CLI would from `schema: schema.graphql`), then typechecked with the TypeScript compiler.

const DOCUMENT = /* GraphQL */ `
  query FindContact($by: ContactLookup!) { contact(by: $by) { id fullName birthday updatedAt } }
  mutation CreateContact($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }
`;

/** The README's scalar mapping. */
const SCALARS = {
  DateTime: 'string',
  LocalDate: 'string',
  JSON: 'unknown',
};

async function generate(sdl: string): Promise<Map<string, string>> {
  const schema = parse(sdl);
  const outputs = await preset.buildGeneratesSection({
    baseOutputDir: 'gql/',
    schema,
    // as the CLI loads a schema file (its defaultSchemaLoadOptions): federation directives need no definitions
    schemaAst: buildASTSchema(schema, { assumeValidSDL: true }),
    documents: [{ location: 'operations.graphql', document: parse(DOCUMENT), rawSDL: DOCUMENT }],
    config: { strictScalars: true, scalars: SCALARS },
    presetConfig: {},
    plugins: [],
    pluginMap: {},
  });
  const files = new Map<string, string>();
  for (const output of outputs) files.set(output.filename, await codegen(output));
  return files;
}

/** Typechecks `snippet` next to the generated files; answers the snippet's diagnostics as "line: message". */
function typecheck(files: Map<string, string>, snippet: string): string[] {
  // Virtual files under the project, so `@graphql-typed-document-node/core` resolves from node_modules.
  const root = path.join(process.cwd(), '.codegen-virtual');
  const virtual = new Map([...files].map(([name, text]) => [path.join(root, name), text] as const));
  const snippetPath = path.join(root, 'snippet.ts');
  virtual.set(snippetPath, snippet);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    types: [],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.directoryExists = (name) => name.startsWith(root) || ts.sys.directoryExists(name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = virtual.get(name);
    return text === undefined ? getSourceFile(name, version, ...rest) : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const generatedErrors = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName !== snippetPath);
  expect(generatedErrors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(snippetPath)).map((d) => {
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start!);
    return `${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

const SNIPPET = `import type { ContactLookup, CompanyRef, FindContactQuery } from './gql/graphql';
export const byEmail: ContactLookup = { email: 'ada@example.com' };
export const byRef: ContactLookup = { externalRef: { namespace: 'hubspot', externalId: '42' } };
export const company: CompanyRef = { name: 'Acme' };
export const birthday: string | null | undefined = ({} as FindContactQuery).contact?.birthday;
export const twoFields: ContactLookup = { email: 'ada@example.com', id: 'con_1' };
export const none: ContactLookup = {};
export const twoCompanyFields: CompanyRef = { name: 'Acme', id: 'com_1' };
`;

describe('graphql-codegen client preset on schema.graphql', () => {
  it('types the lookup inputs as "exactly one of": setting two fields or none does not compile', async () => {
    const files = await generate(readFileSync('schema.graphql', 'utf8'));
    const types = files.get('gql/graphql.ts')!.replace(/\/\*\*.*?\*\//g, '').replace(/\s+/g, ' ');
    expect(types).toContain(
      'export type ContactLookup = { id: string | number; externalRef?: never; email?: never; } ' +
        '| { id?: never; externalRef: ExternalRefInput; email?: never; } ' +
        '| { id?: never; externalRef?: never; email: string; };',
    );
    const errors = typecheck(files, SNIPPET);
    expect(errors.map((e) => e.split(':')[0])).toEqual(['6', '7', '8']);
    expect(errors[0]).toContain("Type 'string' is not assignable to type 'undefined'");
  });

  it('maps the custom scalars as the README says (strictScalars: an unmapped one would throw)', async () => {
    const types = (await generate(readFileSync('schema.graphql', 'utf8'))).get('gql/graphql.ts')!;
    expect(types).toContain('birthday: string | null, updatedAt: string');
    expect(types.replace(/\/\*\*.*?\*\//g, '')).toMatch(/export type CustomFieldValueInput = \{[^}]*value\?: unknown;/);
  });

  it('could not tell the fields apart from the subgraph SDL, which has no @oneOf', async () => {
    const errors = typecheck(await generate(printServiceSDL()), SNIPPET);
    expect(errors).toEqual([]);
  });
});
