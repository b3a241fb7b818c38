import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { runCli } from './support/process.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'contactgraph-cli-'));
const postgres = databaseKind === 'postgres' ? await createPostgresDatabase() : null;
const env = { DATABASE_URL: postgres?.url ?? '', DATA_DIR: dataDir };
const cli = (...args: string[]) => runCli(args, env);

afterAll(async () => {
  await postgres?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npx contactgraph', () => {
  it('migrates, then reports it is up to date', async () => {
    expect(await cli('migrate')).toMatchObject({ code: 0, stdout: expect.stringMatching(/applied \d+ migration\(s\): \d+_init/) });
    expect(await cli('migrate')).toMatchObject({ code: 0, stdout: expect.stringMatching(/up to date/) });
  });

  it('creates an organisation, a user and a key shown once; revokes the key', async () => {
    expect(await cli('orgs', 'create', '--name', 'Initech')).toMatchObject({ code: 0, stdout: expect.stringMatching(/created organisation "Initech" \(org_/) });
    expect(await cli('users', 'create', '--org', 'Initech', '--email', 'Peter@Initech.example', '--name', 'Peter Gibbons')).toMatchObject({ code: 0 });
    const created = await cli('keys', 'create', '--org', 'Initech', '--user', 'peter@initech.example', '--scopes', 'contacts:read, contacts:write');
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^cgk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/contacts:read,contacts:write; it is not shown again/);
    expect(await cli('keys', 'revoke', key.slice(0, 12))).toMatchObject({ code: 0, stdout: `revoked ${key.slice(0, 12)}\n` });
    expect(await cli('keys', 'revoke', key.slice(0, 12))).toMatchObject({ code: 2, stderr: expect.stringMatching(/no live key/) });
  });

  it('prints the schema SDL identical to schema.graphql', async () => {
    const printed = await cli('schema', 'print');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(readFileSync('schema.graphql', 'utf8'));
  });

  describe('bad arguments: a clear message, the usage, exit code 2, nothing written', () => {
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['frobnicate'], /unknown command: frobnicate/],
      [['orgs', 'create'], /--name is required/],
      [['orgs', 'create', '--name', 'Initech'], /an organisation named "Initech" exists/],
      [['orgs', 'create', '--nmae', 'X'], /Unknown option '--nmae'/],
      [['users', 'create', '--org', 'Nope', '--email', 'a@b.example', '--name', 'A'], /no organisation named "Nope"/],
      [['keys', 'create', '--org', 'Initech', '--user', 'peter@initech.example', '--scopes', 'contacts:everything'], /unknown scope\(s\): contacts:everything/],
      [['keys', 'create', '--org', 'Initech', '--user', 'nobody@initech.example', '--scopes', 'admin'], /no user with email nobody@initech.example/],
      [['keys', 'revoke'], /needs the key prefix/],
    ];
    it.each(cases)('contactgraph %j', async (args, message) => {
      const result = await cli(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/usage: contactgraph <command>/);
    });
  });
});
