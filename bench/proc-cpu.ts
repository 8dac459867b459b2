/**
 * CPU time of another process, from Linux's `/proc/<pid>/stat` (proc(5)): `utime` + `stime`
 * (fields 14 and 15, in clock ticks), which count every thread of the process. This is how the
 * gateway's CPU per request is measured apart from the load generator's: `process.cpuUsage()`
 * in the harness would mix in the driver, so the fixtures run as children and are read from
 * outside. Elsewhere than Linux the reading is null and the benchmarks print "n/a".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every Linux we know, the fallback). */
const CLOCK_TICKS = readClockTicks();

/** The process's CPU time so far (user + system) in ms, or null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2, the command name, is in parentheses and may hold spaces: split after the last ')'.
  // What follows starts at field 3 (state), so field n is at index n − 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / CLOCK_TICKS;
}

/** CPU ms between two readings; null when either is missing. */
export function cpuDeltaMs(before: number | null, after: number | null): number | null {
  return before === null || after === null ? null : after - before;
}

/** CPU time of some processes and of the whole machine, in ms (null where unreadable). */
export interface CpuReading {
  processes: Map<number, number | null>;
  machineMs: number | null;
}

/** Reads the CPU time of `pids` and of the machine now. */
export function readCpu(pids: readonly number[]): CpuReading {
  return { processes: new Map(pids.map((pid) => [pid, processCpuMs(pid)])), machineMs: machineBusyMs() };
}

/** The CPU used since `before`, for the same pids. */
export function cpuSince(before: CpuReading): CpuReading {
  const now = readCpu([...before.processes.keys()]);
  return {
    processes: new Map([...before.processes].map(([pid, ms]) => [pid, cpuDeltaMs(ms, now.processes.get(pid) ?? null)])),
    machineMs: cpuDeltaMs(before.machineMs, now.machineMs),
  };
}

/**
 * The CPU ms of this process's children that have exited and been reaped so far: `cutime` +
 * `cstime` of `/proc/self/stat` (fields 16 and 17, proc(5)). The difference across one child's
 * life is that child's CPU in all (wrk's, autocannon's), provided no other child was reaped
 * meanwhile. Null without /proc.
 */
export function reapedChildrenCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  // Field 2 (the command) may hold spaces: what follows its last ')' starts at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3]);
  return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : null;
}

/** Calls `take` now, every `intervalMs`, and once more on `stop()`; a second `stop()` does nothing. */
export function everyInterval(take: () => void, intervalMs: number): { stop(): void } {
  take();
  const timer = setInterval(take, intervalMs);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      take();
    },
  };
}

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/**
 * CPU time the whole machine spent busy so far, in ms summed over cores (`/proc/stat`'s first
 * line: every field but idle and iowait), or null when it cannot be read. Divided by a wall
 * time, it says how many cores were busy: whether a step was short of CPU or of something else.
 */
export function machineBusyMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  // "cpu  user nice system idle iowait irq softirq steal guest guest_nice" (proc(5)); guest time
  // is already inside user and nice, so only the first eight fields count.
  const ticks = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((n) => !Number.isFinite(n))) return null;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
  return ((user + nice + system + irq + softirq + steal) * 1000) / CLOCK_TICKS;
}

/**
 * "cores: driver 0.37, gateway 0.63, other processes 0.91, machine 1.94 of 2": the CPU of each
 * named part over `wallMs`, and what the rest of the machine used meanwhile. On a shared machine
 * the "other processes" share is the noise (another job's tests) that a low figure may owe to.
 */
export function formatCores(parts: readonly { name: string; ms: number | null }[], machineMs: number | null, wallMs: number): string {
  const cores = (ms: number): string => (ms / Math.max(wallMs, 1)).toFixed(2);
  const shown = parts.map((part) => `${part.name} ${part.ms === null ? 'n/a' : cores(part.ms)}`);
  if (machineMs !== null) {
    const ours = parts.reduce((sum, part) => sum + (part.ms ?? 0), 0);
    shown.push(`other processes ${cores(Math.max(0, machineMs - ours))}`, `machine ${cores(machineMs)} of ${availableParallelism()}`);
  }
  return `cores: ${shown.join(', ')}`;
}
