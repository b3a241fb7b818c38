// CPU and memory of a process from /proc (Linux): CPU = (utime + stime) delta / wall time,
// peak RSS = VmHWM after resetting it (echo 5 > /proc/<pid>/clear_refs), with VmRSS polled
// every 100 ms as a fallback where the reset is not allowed.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // Linux's usual USER_HZ
}

/** utime + stime of `pid`, in clock ticks; null when the process is gone */
export function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

function statusKb(pid, name) {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The resident memory of `pid` now, in MB; null when the process is gone */
export function rssMB(pid) {
  const kb = statusKb(pid, 'VmRSS');
  return kb === null ? null : kb / 1024;
}

/** Samples one process from start() to stop(). */
export function processSampler(pid) {
  let started;
  let ticks0;
  let peakKb = 0;
  let timer;
  let hwmReset = false;
  return {
    start() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        hwmReset = true;
      } catch {
        hwmReset = false;
      }
      peakKb = statusKb(pid, 'VmRSS') ?? 0;
      ticks0 = cpuTicks(pid);
      started = performance.now();
      timer = setInterval(() => {
        peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS') ?? 0);
      }, 100);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      const wallS = (performance.now() - started) / 1000;
      const ticks = cpuTicks(pid);
      peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS') ?? 0);
      if (hwmReset) peakKb = Math.max(peakKb, statusKb(pid, 'VmHWM') ?? 0);
      return {
        cpuPct: ticks === null || ticks0 === null ? null : ((ticks - ticks0) / clockTicks / wallS) * 100,
        peakRssMB: peakKb / 1024,
        wallS,
      };
    },
  };
}

/**
 * CPU of the PostgreSQL backends serving one database (by pg_stat_activity), summed: the
 * database's share of the work. Backends that end during the run lose their last ticks, or,
 * with `pollMs` (for a client process whose backends come and go with it), only those since
 * their last poll; backends that start meanwhile count from 0.
 */
export function postgresSampler(client, database, { pollMs } = {}) {
  let seen;
  let started;
  let timer;
  const sample = async (fresh) => {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    for (const { pid } of rows) {
      const ticks = cpuTicks(pid);
      if (ticks === null) continue;
      const entry = seen.get(pid) ?? { first: fresh ? 0 : ticks, last: ticks };
      entry.last = ticks;
      seen.set(pid, entry);
    }
  };
  return {
    async start() {
      seen = new Map();
      await sample(false);
      started = performance.now();
      if (pollMs) timer = setInterval(() => void sample(true), pollMs);
    },
    async stop() {
      const wallS = (performance.now() - started) / 1000;
      clearInterval(timer);
      await sample(true);
      let ticks = 0;
      for (const { first, last } of seen.values()) ticks += last - first;
      return { cpuPct: (ticks / clockTicks / wallS) * 100, backends: seen.size };
    },
  };
}
