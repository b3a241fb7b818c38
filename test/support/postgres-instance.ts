import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A private PostgreSQL server for one test: its own data folder, port and socket folder, so a
 * test may stop and start it without touching the machine's shared server (which other test
 * files use at the same time). Needs the PostgreSQL server binaries (/usr/lib/postgresql/N/bin).
 */
export interface PostgresInstance {
  /** connection string of the `postgres` database as the superuser `postgres` (trust auth) */
  url: string;
  port: number;
  dataDir: string;
  /** `pg_ctl stop -m fast`: rolls back open transactions, closes every connection */
  stop(): Promise<void>;
  /** `pg_ctl start` on the same data folder and port; waits until it accepts connections */
  start(): Promise<void>;
  /** the server's log so far */
  log(): string;
  /** stops it (when running) and removes its folder */
  destroy(): Promise<void>;
}

/** The newest installed server's bin folder, or null when PostgreSQL's server is not installed. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb and pg_ctl refuse to run as root: run them as the `postgres` user then. */
const run = promisify(execFile);
async function runAsOwner(binary: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  try {
    return await run(command, argv as string[], { encoding: 'utf8', timeout: 120_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(binary)} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

export async function startPostgresInstance(): Promise<PostgresInstance> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  const root = mkdtempSync(path.join(tmpdir(), 'cg-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  await runAsOwner(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const pgCtl = (...args: string[]) => runAsOwner(path.join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
  let running = false;
  const instance: PostgresInstance = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async start() {
      await pgCtl('-o', options, '-l', logFile, '-w', '-t', '60', 'start');
      running = true;
    },
    async stop() {
      await pgCtl('-m', 'fast', '-w', '-t', '60', 'stop');
      running = false;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async destroy() {
      try {
        if (running) await instance.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  try {
    await instance.start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return instance;
}
