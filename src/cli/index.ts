import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { databaseOptions, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { migrate, MigrationError } from '../db/migrator.js';
import { createApiKey, parseScopes, revokeApiKey } from '../modules/api-key/api-key.js';
import { createOrganization, findOrganizationByName } from '../modules/organization/organization.js';
import { createUser, findUserByEmail } from '../modules/user/user.js';

const USAGE = `usage: contactgraph <command>

  serve                                          start the server (migrates first)
  migrate                                        apply pending migrations
  orgs create --name <name>                      create an organisation
  users create --org <name> --email <e> --name <full name>
  keys create --org <name> --user <email> --scopes <s1,s2>
                                                 create an API key (printed once)
  keys revoke <prefix>                           revoke the key starting with <prefix>
  schema print [--output <file>]                 print the GraphQL SDL
  import <file.csv|file.jsonl> --org <id|name> [--user <email>] [--upsert-by externalRef:<ns>|email]
         [--allow-sensitive] [--reject-file <file>] [--batch-size <n>] [--stats]
                                                 import contacts (exit 0 all rows, 2 some failed, 1 fatal)
  export --org <id|name> --format csv|jsonl [--output <file>]
                                                 export the organisation's contacts

The database is PostgreSQL when DATABASE_URL is set, else the embedded one in DATA_DIR (./.data).`;

export class UsageError extends Error {}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(databaseOptions(config));
  try {
    await migrate(db.sql);
    return await work(db);
  } finally {
    await db.close();
  }
}

async function organizationNamed(db: Database, name: string) {
  const organization = await findOrganizationByName(db.prisma, name);
  if (!organization) throw new UsageError(`no organisation named "${name}"`);
  return organization;
}

export async function run(argv: string[], out = (line: string) => console.log(line)): Promise<void> {
  const [command, subcommand, ...rest] = argv;
  const options = {
    name: { type: 'string' },
    org: { type: 'string' },
    email: { type: 'string' },
    user: { type: 'string' },
    scopes: { type: 'string' },
    output: { type: 'string' },
  } as const;
  const parse = (args: string[]) => parseArgs({ args, options, allowPositionals: true, strict: true });

  if (command === 'import' || command === 'export') {
    // Their own flags and exit codes (1 fatal, 2 some rows failed): see import.ts and export.ts.
    process.exitCode = await (command === 'import'
      ? (await import('./import.js')).importCommand(argv.slice(1), out)
      : (await import('./export.js')).exportCommand(argv.slice(1)));
    return;
  }

  switch (`${command ?? ''} ${subcommand ?? ''}`.trim()) {
    case 'serve': {
      const { main } = await import('../server.js');
      return main();
    }
    case 'migrate': {
      const config = loadConfig();
      const db = await openDatabase(databaseOptions(config));
      try {
        const { applied, total } = await migrate(db.sql);
        out(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}` : `up to date (${total} migration(s))`);
      } finally {
        await db.close();
      }
      return;
    }
    case 'orgs create': {
      const { values } = parse(rest);
      const name = required(values, 'name');
      await withDatabase(async (db) => {
        if (await findOrganizationByName(db.prisma, name)) throw new UsageError(`an organisation named "${name}" exists`);
        const organization = await createOrganization(db.prisma, name);
        out(`created organisation "${organization.name}" (org_${organization.id})`);
      });
      return;
    }
    case 'users create': {
      const { values } = parse(rest);
      const [orgName, email, fullName] = [required(values, 'org'), required(values, 'email'), required(values, 'name')];
      await withDatabase(async (db) => {
        const organization = await organizationNamed(db, orgName);
        if (await findUserByEmail(db.prisma, organization.id, email)) {
          throw new UsageError(`a user with email ${email} exists in "${orgName}"`);
        }
        const user = await createUser(db.prisma, { organizationId: organization.id, email, fullName });
        out(`created user ${user.email} (usr_${user.id}) in "${organization.name}"`);
      });
      return;
    }
    case 'keys create': {
      const { values } = parse(rest);
      const [orgName, email] = [required(values, 'org'), required(values, 'user')];
      let scopes;
      try {
        scopes = parseScopes(required(values, 'scopes'));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      await withDatabase(async (db) => {
        const organization = await organizationNamed(db, orgName);
        const user = await findUserByEmail(db.prisma, organization.id, email);
        if (!user) throw new UsageError(`no user with email ${email} in "${orgName}"`);
        const { key, record } = await createApiKey(db.prisma, { organizationId: organization.id, userId: user.id, scopes });
        out(key);
        process.stderr.write(`created key ${record.prefix}… with scopes ${scopes.join(',')}; it is not shown again\n`);
      });
      return;
    }
    case 'keys revoke': {
      const { positionals } = parse(rest);
      const prefix = positionals[0];
      if (!prefix) throw new UsageError('keys revoke needs the key prefix, e.g. cgk_AbCdEfGh');
      await withDatabase(async (db) => {
        if (!(await revokeApiKey(db.prisma, prefix))) throw new UsageError(`no live key with prefix ${prefix}`);
        out(`revoked ${prefix}`);
      });
      return;
    }
    case 'schema print': {
      const { values } = parse(rest);
      const { printSchemaSDL } = await import('../graphql/schema.js');
      const sdl = printSchemaSDL();
      if (typeof values.output === 'string') writeFileSync(values.output, sdl);
      else process.stdout.write(sdl);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command: ${argv.join(' ')}` : 'no command given');
  }
}

export async function cli(argv = process.argv.slice(2)) {
  try {
    await run(argv);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`contactgraph: ${(error as Error).message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof DataDirInUse) {
      process.stderr.write(`contactgraph: ${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof MigrationError) {
      process.stderr.write(`contactgraph: ${error.message}\n`);
      process.exit(3);
    }
    throw error;
  }
}
