/**
 * The streams and process facts a command may use. Commands take them as a parameter instead
 * of reaching for `process`, so CLI tests run `main()` in-process with captured output.
 */
export interface CliIO {
  /** Results: the report JSON with `--json`, the summary otherwise. */
  stdout: NodeJS.WritableStream;
  /** Progress, notices and errors; the summary too with `--json`. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Whether to use color on stderr (a TTY, and NO_COLOR unset). */
  color: boolean;
  /** Signals that end long commands (`run`, `serve`): SIGINT and SIGTERM from the terminal. */
  onSignal(listener: (signal: 'SIGINT' | 'SIGTERM') => void): () => void;
}

/** The real process's streams and signals. */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    color: process.stderr.isTTY && process.env.NO_COLOR === undefined,
    onSignal(listener) {
      const onInt = (): void => listener('SIGINT');
      const onTerm = (): void => listener('SIGTERM');
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
