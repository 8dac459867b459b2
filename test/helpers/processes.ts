/** Process checks for the lifecycle tests: is a pid alive, which fixture a CLI started, what is left. */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One process as `ps` lists it. */
interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

function processTable(): ProcessRow[] {
  return spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .flatMap((match) => (match === null ? [] : [{ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }]));
}

/**
 * The pid of the process that runs `entry` (a path among its arguments, e.g. the absolute path of
 * fixtures/gateway/main.ts) and descends from `root`: a child or a grandchild, since bin.js may
 * start node again with tsx. Undefined when there is none, so a test's own run is never confused
 * with another engineer's running at the same time.
 */
export function descendantRunning(root: number, entry: string): number | undefined {
  const processes = processTable();
  const descends = (pid: number): boolean => pid === root || (pid > 1 && descends(processes.find((p) => p.pid === pid)?.ppid ?? 0));
  return processes.find((p) => p.args.includes(entry) && descends(p.ppid))?.pid;
}

/** The `ps` lines (pid and arguments) of every process whose arguments contain `text`, e.g. a run's folder. */
export function processesCarrying(text: string): string[] {
  return spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout.split('\n').filter((line) => line.includes(text));
}

/**
 * Collects `child`'s stderr (spawned with `stdio[2]: 'pipe'`): `text()` is all of it so far, and
 * `printed(s)` resolves once it contains `s` (e.g. `'step 2:'`: the run is under way and has
 * steps to report), or rejects with what it printed if the child ends first, so a run that fails
 * early fails the test at once rather than at its timeout. Call it right after spawning.
 */
export function stderrOf(child: ChildProcess): { text(): string; printed(s: string): Promise<void> } {
  let text = '';
  let closed = false;
  const waiters: { s: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const ended = (s: string): Error => new Error(`the process ended before it printed ${JSON.stringify(s)}; its stderr:\n${text}`);
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of waiters.filter((w) => text.includes(w.s))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  // 'close', not 'exit': by then every chunk of stderr has been read.
  child.once('close', () => {
    closed = true;
    for (const waiter of waiters.splice(0)) waiter.reject(ended(waiter.s));
  });
  return {
    text: () => text,
    printed: (s) => {
      if (text.includes(s)) return Promise.resolve();
      if (closed) return Promise.reject(ended(s));
      return new Promise((resolve, reject) => waiters.push({ s, resolve, reject }));
    },
  };
}
