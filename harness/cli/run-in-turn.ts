/**
 * Several prepared runs one after another (`run --all`, `run --gateway a,b`): each headed on
 * stderr, one that cannot run reported without hiding the others, and the first Ctrl-C or
 * SIGTERM stopping the load with the partial reports kept.
 */
import { errorLines, OverloadError } from '../errors.ts';
import { releaseOutputDir } from '../report/write.ts';
import { ExitCode } from '../exit-codes.ts';
import { writeLine, type CliIO } from './io.ts';
import { runOne, type PreparedRun, type RunOutcome } from './run-one.ts';

/** One prepared run of `--all` or a gateway list, as it ended: its outcome, or the error that stopped it. */
export interface Turn {
  run: PreparedRun;
  outcome: RunOutcome | null;
  error: string | null;
  /** The exit code the error asks for; null without one. */
  errorCode: ExitCode | null;
  seconds: number;
}

/**
 * Runs each prepared run in turn, headed by `label`; one that cannot run (a fixture that fails to
 * start) is reported and does not hide the others' results. After a signal the rest are not run.
 */
export async function runInTurn(runs: readonly PreparedRun[], label: (run: PreparedRun) => string, io: CliIO, signal: AbortSignal): Promise<Turn[]> {
  const turns: Turn[] = [];
  for (const [index, run] of runs.entries()) {
    if (signal.aborted) {
      await releaseOutputDir(run.outDir);
      turns.push({ run, outcome: null, error: 'not run: interrupted', errorCode: null, seconds: 0 });
      continue;
    }
    writeLine(io.stderr, `\n== ${index + 1} of ${runs.length}: ${label(run)}`);
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const outcome = await runOne(run, io, io.stdout, signal, io.color);
      turns.push({ run, outcome, error: null, errorCode: null, seconds: seconds() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      writeLine(io.stderr, `${label(run)} did not run to the end:`);
      if (error instanceof OverloadError) for (const line of errorLines(error)) writeLine(io.stderr, `  ${line}`);
      else writeLine(io.stderr, error instanceof Error ? (error.stack ?? message) : message);
      turns.push({ run, outcome: null, error: message, errorCode: error instanceof OverloadError ? error.exitCode : ExitCode.internal, seconds: seconds() });
    }
  }
  return turns;
}

/** The exit code the worst error asks for: a bug (1) outranks a user's mistake (2); null without errors. */
export function worstError(turns: readonly Turn[]): ExitCode | null {
  const codes = turns.flatMap((turn) => (turn.errorCode === null ? [] : [turn.errorCode]));
  return codes.includes(ExitCode.internal) ? ExitCode.internal : (codes[0] ?? null);
}

/**
 * The first SIGINT or SIGTERM stops the load (the runner keeps what it measured); `code()` is
 * then 130 or 143, null while no signal came.
 */
export function stopOnSignal(io: CliIO): { signal: AbortSignal; code: () => ExitCode | null; off: () => void } {
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
  const off = io.onSignal((signal) => {
    if (stoppedBy !== null) return;
    stoppedBy = signal;
    writeLine(io.stderr, `\n${signal} received: stopping the load, writing the partial report… (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once)`);
    controller.abort();
  });
  const code = (): ExitCode | null => (stoppedBy === 'SIGINT' ? ExitCode.interrupted : stoppedBy === 'SIGTERM' ? ExitCode.terminated : null);
  return { signal: controller.signal, code, off };
}
