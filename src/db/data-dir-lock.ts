import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import lockfile from 'proper-lockfile';

/** The embedded database serves one process: a second one on the same folder loses writes. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: Holder,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}). ` +
        `The embedded database serves one process at a time: stop that process first (kill ${holder.pid}), ` +
        'or run both on PostgreSQL (DATABASE_URL).',
    );
  }
}

interface Holder {
  pid: number;
  command: string;
  since: string;
}

/** the lock is refreshed every second; a holder silent for 10 s is taken to be gone */
const LOCK = { stale: 10_000, update: 1_000, realpath: false } as const;
/** how long a dead holder's lock must have gone without a refresh before it is removed */
const DEAD_HOLDER_SILENCE_MS = 2 * LOCK.update;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

/**
 * Takes the data folder for this process (proper-lockfile: a lock directory whose mtime the
 * holder refreshes). A folder another live process holds is refused with DataDirInUse. A lock
 * left by a process that was killed is taken over as soon as it has gone unrefreshed for two
 * seconds, instead of the ten a lock of an unknown holder is given.
 */
export async function lockDataDir(dataDir: string, onLost: (error: Error) => void): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, 'contactgraph.lock');
  const holderFile = path.join(dataDir, 'contactgraph.pid');
  const options = { ...LOCK, lockfilePath: lockPath, onCompromised: onLost };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const silentFor = () => Date.now() - (statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    const holder = readHolder(holderFile);
    if (holder && holder.pid !== process.pid && isAlive(holder.pid) && silentFor() < LOCK.stale) throw new DataDirInUse(dataDir, holder);
    while (silentFor() < DEAD_HOLDER_SILENCE_MS) await sleep(DEAD_HOLDER_SILENCE_MS - silentFor());
    rmSync(lockPath, { recursive: true, force: true });
    release = await lockfile.lock(dataDir, options);
  }
  const holder: Holder = { pid: process.pid, command: process.argv.slice(1).map((a) => path.basename(a)).join(' '), since: new Date().toISOString() };
  writeFileSync(holderFile, `${JSON.stringify(holder)}\n`);
  return async () => {
    rmSync(holderFile, { force: true });
    await release();
  };
}
