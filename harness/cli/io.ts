/**
 * The streams and process facts a command may use. Commands take them as a parameter instead
 * of reaching for `process`, so CLI tests run `main()` in-process with captured output.
 */
import { ExitCode } from '../exit-codes.ts';

export interface CliIO {
  /** Results: the report JSON with `--json`, the summary otherwise. */
  stdout: NodeJS.WritableStream;
  /** Progress, notices and errors; the summary too with `--json`. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Whether to use color on stderr (a TTY, and NO_COLOR unset). */
  color: boolean;
  /**
   * Signals that end long commands (`run`, `serve`): SIGINT and SIGTERM. The first goes to the
   * listener, which stops in order (load, drain, report, fixtures); a second one while it does
   * exits at once (128 + signal number), for a user who will not wait for the drain.
   */
  onSignal(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
  /** Ends the process now with `code` (the hard deadline's last resort); absent in-process, as in tests. */
  exit?(code: ExitCode): void;
}

/** The real process's streams and signals. */
export function processIO(): CliIO {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    color: process.stderr.isTTY && process.env.NO_COLOR === undefined,
    exit: (code) => process.exit(code),
    onSignal(listener) {
      let received = false;
      const on = (signal: 'SIGINT' | 'SIGTERM'): void => {
        if (received) {
          process.stderr.write(`\n${signal} again: exiting now; the fixtures exit with their IPC channel, the report keeps the steps written so far\n`);
          process.exit(signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated);
        }
        received = true;
        listener(signal);
      };
      const onInt = (): void => on('SIGINT');
      const onTerm = (): void => on('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}

/** Writes a line to a stream. */
export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * A reader that stops early (`overload list | head`) closes the pipe, and the next write fails
 * with EPIPE; Node would throw it as an unhandled 'error' with a stack trace. Stop quietly
 * instead, with 141 as a shell reports a writer killed by SIGPIPE (never 0: a run cut off this
 * way judged nothing; the fixtures exit with their IPC channel). Other errors still throw.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.brokenPipe);
    throw error;
  });
}
