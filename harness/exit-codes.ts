/**
 * The one table of process exit codes (DESIGN.md §6). Only `harness/cli/main.ts` calls
 * `process.exit`; everything else throws an {@link OverloadError} that names its exit code.
 */
export const ExitCode = {
  /** The run finished and every expectation held. */
  ok: 0,
  /** A bug in overload itself: the message says so and asks for a report. */
  internal: 1,
  /** Bad usage or input: invalid scenario, refused target, unwritable output, incompatible reports. */
  usage: 2,
  /** An expectation failed, or `compare` found a regression. */
  expectationFailed: 3,
  /** Interrupted by SIGINT (128 + 2); the partial report was written. */
  interrupted: 130,
  /** Terminated by SIGTERM (128 + 15); the partial report was written. */
  terminated: 143,
  /**
   * The reader of stdout or stderr went away (128 + SIGPIPE, as a shell reports a writer killed
   * by it): `overload list | head`. Never 0, since a run cut off this way judged nothing.
   */
  brokenPipe: 141,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
