/**
 * `overload` as a user runs it: `harness/cli/bin.js <args>` as a child process, executed itself
 * so that its shebang's node flags apply (`env -S` execs node in place, and bin.js registers tsx
 * in that same process and runs harness/cli/main.ts there, so the child's pid is the harness's). Its stdout (the summary) is dropped; the end of its
 * stderr is kept for an error message. The fixtures it starts are its own children, detached,
 * and exit when their IPC channel to it closes, so stopping the CLI stops them.
 *
 * On the benchmark's abort the CLI gets SIGINT, as from Ctrl-C: it stops the load, writes the
 * partial report and exits 130; if it has not exited {@link KILL_AFTER_MS} later, SIGKILL.
 * {@link runCliReport} runs `overload run …` into a temporary folder and reads its report.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { readReport } from '../harness/report/read.ts';
import type { Report } from '../harness/report/schema.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../harness/cli/bin.js', import.meta.url));
/** How long the CLI may take to write its partial report after SIGINT. */
const KILL_AFTER_MS = 20_000;
/** The most of its stderr kept. */
const STDERR_TAIL = 4000;

/** How the CLI ended. */
export interface CliExit {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the spawn to the exit, ms: what a user waits, node's start and tsx's compiling included. */
  wallMs: number;
  /** The last lines of its stderr. */
  stderrTail: string;
}

/** How to run it. */
export interface CliRunOptions {
  /** Aborting sends SIGINT (then SIGKILL after 20 s). */
  signal: AbortSignal;
  /** Called once with the child's pid, as soon as it exists (to watch it from /proc). */
  onSpawn?: (pid: number) => void;
}

/** Runs `overload <args>` from the repository's root and resolves when it has exited. */
export async function runCli(args: readonly string[], options: CliRunOptions): Promise<CliExit> {
  const startedAt = performance.now();
  const child = spawn(BIN, args, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
  let killTimer: NodeJS.Timeout | undefined;
  const interrupt = (): void => {
    child.kill('SIGINT');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
  };
  options.signal.addEventListener('abort', interrupt, { once: true });
  if (options.signal.aborted) interrupt();
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    return { code, signal, wallMs: performance.now() - startedAt, stderrTail: stderr.trim() };
  } finally {
    clearTimeout(killTimer);
    options.signal.removeEventListener('abort', interrupt);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The last line of a CLI's stderr, for a check that failed ("exited with 2: Error: …"). */
export function describeExit(exit: CliExit): string {
  const last = exit.stderrTail.split('\n').filter((line) => line.trim() !== '').at(-1) ?? 'no message';
  return `exited with ${exit.code ?? exit.signal ?? 'nothing'}: ${last}`;
}

/** A run's exit and its report (null, with the reason, when there was none to read). */
export interface CliReportRun {
  exit: CliExit;
  report: Report | null;
  /** Why `report` is null: the reader's message. */
  reportError: string | null;
}

/**
 * Runs `overload <args> --out <a new temporary folder> --format json`, reads the report.json it
 * wrote (partial if it was interrupted) and removes the folder.
 */
export async function runCliReport(args: readonly string[], options: CliRunOptions): Promise<CliReportRun> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'overload-bench-'));
  try {
    const exit = await runCli([...args, '--out', out, '--format', 'json'], options);
    try {
      return { exit, report: await readReport(path.join(out, 'report.json')), reportError: null };
    } catch (error) {
      return { exit, report: null, reportError: error instanceof Error ? error.message : String(error) };
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
