/**
 * `wrk` (https://github.com/wg/wrk, Debian package `wrk`) as the benchmarks' reference client:
 * a closed-loop C load generator on epoll, the usual yardstick for "how many requests per second
 * can this server answer". {@link runWrk} runs it once and {@link parseWrkOutput} reads the
 * summary it prints (wrk.c `main`: "N requests in T, B read", the optional "Socket errors:" and
 * "Non-2xx or 3xx responses:" lines, then "Requests/sec:"). wrk counts a response as non-2xx/3xx
 * when its status is above 399 (wrk.c `response_complete`: `if (status > 399)`).
 *
 * wrk's own CPU is read from this process's `cutime` + `cstime` (proc(5), fields 16 and 17: the
 * CPU of waited-for children), which grow by wrk's whole CPU time once Node has reaped it: wrk
 * is gone from /proc by then, and nothing else this process starts ends during a run.
 */
import { spawn } from 'node:child_process';
import { findBinary } from '../harness/gateways/find-binary.ts';
import type { Check } from './benchmark.ts';
import { reapedChildrenCpuMs } from './proc-cpu.ts';

/** Seconds past its `-d` after which a wrk that has not exited is killed. */
const OVERRUN_S = 10;
/** Bytes of wrk's output kept (its summary is ~500 bytes). */
const OUTPUT_LIMIT = 16_384;

/** wrk's socket errors (wrk.c `errors`), by kind. */
export interface WrkSocketErrors {
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

/** What one wrk run printed. */
export interface WrkResult {
  /** "Requests/sec:": responses per second of wrk's own run time. */
  requestsPerSec: number;
  /** "N requests in T": responses received. */
  requests: number;
  /** T of the same line, in seconds. */
  durationS: number;
  /** "Non-2xx or 3xx responses:" (statuses above 399); 0 when wrk printed no such line. */
  non2xx3xx: number;
  /** "Socket errors:"; all 0 when wrk printed no such line. */
  socketErrors: WrkSocketErrors;
}

/** A run's result, with wrk's CPU time and its output. */
export interface WrkRun extends WrkResult {
  /** CPU ms wrk used (user + system), or null without /proc. */
  cpuMs: number | null;
  output: string;
}

/** How to run wrk once. */
export interface WrkOptions {
  /** wrk's path ({@link findWrk}). */
  binary: string;
  url: string;
  /** `-t`: threads (each an epoll loop). */
  threads: number;
  /** `-c`: connections kept open, shared among the threads. */
  connections: number;
  /** `-d`: whole seconds. */
  durationS: number;
  /** Aborting it stops wrk with SIGINT, after which wrk prints what it measured so far. */
  signal?: AbortSignal;
}

/** wrk's path, or null when it is not installed. */
export function findWrk(): Promise<string | null> {
  return findBinary('wrk');
}

/** The ERROR check a benchmark returns when wrk is not installed. */
export function wrkMissingCheck(metric: string): Check {
  return { metric, measured: 'wrk is not installed (not on the PATH)', target: 'apt-get install wrk', verdict: 'ERROR' };
}

const UNIT_S: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/**
 * Reads wrk's summary. Throws, quoting the output, when it has no "Requests/sec:" or "requests
 * in" line (wrk printed "unable to connect", or its usage after a bad option).
 */
export function parseWrkOutput(output: string): WrkResult {
  const perSec = /^Requests\/sec:\s+([\d.]+)\s*$/m.exec(output);
  // wrk.c format_time_us: the run time with a unit among us, ms, s, m, h.
  const total = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),/m.exec(output);
  if (perSec?.[1] === undefined || total?.[1] === undefined || total[2] === undefined || total[3] === undefined) {
    throw new Error(`wrk's output has no ${perSec === null ? '"Requests/sec:"' : '"N requests in T"'} line; it printed: ${JSON.stringify(output.trim().slice(0, 500))}`);
  }
  const non2xx = /^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$/m.exec(output);
  const errors = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$/m.exec(output);
  return {
    requestsPerSec: Number(perSec[1]),
    requests: Number(total[1]),
    durationS: Number(total[2]) * (UNIT_S[total[3]] ?? Number.NaN),
    non2xx3xx: Number(non2xx?.[1] ?? 0),
    socketErrors: {
      connect: Number(errors?.[1] ?? 0),
      read: Number(errors?.[2] ?? 0),
      write: Number(errors?.[3] ?? 0),
      timeout: Number(errors?.[4] ?? 0),
    },
  };
}

/** The sum of wrk's socket errors. */
export function socketErrorCount(errors: WrkSocketErrors): number {
  return errors.connect + errors.read + errors.write + errors.timeout;
}

/**
 * Runs `wrk -t<threads> -c<connections> -d<durationS>s <url>` and reads its summary. Bounded:
 * wrk stops by itself after `-d`, is killed {@link OVERRUN_S} s later if it has not, and stops
 * early (printing what it has) when `signal` aborts. Throws when wrk printed no summary.
 */
export async function runWrk(options: WrkOptions): Promise<WrkRun> {
  const args = [`-t${options.threads}`, `-c${options.connections}`, `-d${options.durationS}s`, options.url];
  const cpuBefore = reapedChildrenCpuMs();
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // wrk's SIGINT handler stops its threads, then it prints the summary as after `-d`.
  const interrupt = (): void => void child.kill('SIGINT');
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const overrun = setTimeout(() => child.kill('SIGKILL'), (options.durationS + OVERRUN_S) * 1000);
  try {
    const exit = await new Promise<string>((resolve) => {
      child.once('close', (code, signal) => resolve(signal ?? `code ${code ?? '?'}`));
      child.once('error', (error) => resolve(error.message));
      if (options.signal?.aborted === true) interrupt();
    });
    const cpuAfter = reapedChildrenCpuMs();
    try {
      return { ...parseWrkOutput(output), cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, output };
    } catch (error) {
      throw new Error(`wrk ${args.join(' ')} (exit: ${exit}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  } finally {
    clearTimeout(overrun);
    options.signal?.removeEventListener('abort', interrupt);
  }
}
