import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, databaseKind } from './support/database.js';
import { runCli, startServer } from './support/process.js';
import { postGraphQL } from './support/server-client.js';
import { graphql } from './support/graphql.js';

// The embedded database is one process's: a second process on the same folder used to run
// beside the first, and writes acknowledged by one were lost.
const folders: string[] = [];
const embeddedIn = () => {
  folders.push(mkdtempSync(path.join(tmpdir(), 'contactgraph-lock-')));
  return { DATABASE_URL: '', DATA_DIR: folders.at(-1)! };
};
afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

const demoKey = (stderr: string) => /cgk_[A-Za-z0-9_-]{43}/.exec(stderr)![0];

// each test starts several real processes
describe('one process at a time on an embedded database folder', { timeout: 180_000 }, () => {
  it('refuses a second server and the CLI while a server holds the folder, naming the holder; writes nothing', async () => {
    const embedded = embeddedIn();
    const server = await startServer(embedded);
    try {
      const pid = server.child.pid!;
      const second = await runCli(['serve'], { ...embedded, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is in use by process ${pid}`);
      expect(second.stderr).toContain(`kill ${pid}`);

      const orgs = await runCli(['orgs', 'create', '--name', 'Beside'], embedded);
      expect(orgs).toMatchObject({ code: 1, stdout: '' });
      expect(orgs.stderr).toContain(`is in use by process ${pid}`);
      const exported = await runCli(['export', '--org', 'Demo', '--format', 'jsonl'], embedded);
      expect(exported.code).toBe(1);
      expect(exported.stderr).toContain(`is in use by process ${pid}`);

      // the server is unharmed and still answers
      const viewer = await postGraphQL(server.url, demoKey(server.stderr()), graphql('{ viewer { organization { name } } }'));
      expect(viewer.body!.data!.viewer.organization.name).toBeTruthy();
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // released on a clean stop: the CLI works, and the refused command had written nothing
    expect(await runCli(['orgs', 'create', '--name', 'Beside'], embedded)).toMatchObject({ code: 0 });
    expect(await runCli(['orgs', 'create', '--name', 'Beside'], embedded)).toMatchObject({ code: 2, stderr: expect.stringMatching(/exists/) });
  });

  it('takes over the folder of a server that was killed (SIGKILL) within a few seconds, data intact', async () => {
    const embedded = embeddedIn();
    const first = await startServer(embedded);
    const key = demoKey(first.stderr());
    const created = await postGraphQL(first.url, key, graphql('mutation { createContact(input: { firstName: "Survivor" }) { contact { id } } }'));
    const id = created.body!.data!.createContact.contact!.id;
    await first.stop('SIGKILL');
    const second = await startServer(embedded);
    try {
      const found = await postGraphQL(second.url, key, graphql('query($id: ID!) { contact(by: { id: $id }) { firstName } }'), { id });
      expect(found.body!.data!.contact).toEqual({ firstName: 'Survivor' });
    } finally {
      await second.stop();
    }
  });
});

if (databaseKind === 'postgres') {
describe('on PostgreSQL', { timeout: 180_000 }, () => {
  it('a server and the CLI share the database: no folder lock applies', async () => {
    const postgres = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: postgres.url, DATA_DIR: embeddedIn().DATA_DIR };
      const server = await startServer(env);
      try {
        expect(await runCli(['orgs', 'create', '--name', 'Shared'], env)).toMatchObject({ code: 0 });
      } finally {
        await server.stop();
      }
    } finally {
      await postgres.drop();
    }
  });
});
}
