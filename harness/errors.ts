import { ExitCode } from './exit-codes.ts';

/** Stable error codes, one per kind of mistake or failure a user can meet. */
export type ErrorCode =
  | 'SCENARIO_INVALID'
  | 'SCENARIO_NOT_FOUND'
  | 'SCENARIO_UNSUPPORTED'
  | 'OVERRIDE_INVALID'
  | 'OUTPUT_UNWRITABLE'
  | 'USAGE'
  | 'FIXTURE_FAILED'
  | 'DRAIN_TIMEOUT'
  | 'REPORT_UNREADABLE'
  | 'REPORTS_INCOMPATIBLE'
  | 'TARGET_REFUSED'
  | 'CONNECTION_NOT_ALLOWED'
  | 'TARGET_DOWN'
  | 'INTERNAL';

/** One problem found in an input: where it is, what was there, and how to fix it. */
export interface Problem {
  /** Dotted path into the input, e.g. `upstream.workers`; empty for the whole input. */
  path: string;
  /** What is wrong, in a sentence. */
  message: string;
  /** The offending value, rendered for humans (already JSON-encoded where that helps). */
  value?: string;
  /** What to do instead. */
  fix?: string;
}

/**
 * An error the user can act on. It carries a stable `code`, the exit code to leave with, an
 * optional hint and, for validation, every problem found (never only the first).
 */
export class OverloadError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly problems: readonly Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { exitCode?: ExitCode; hint?: string; problems?: readonly Problem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OverloadError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.usage;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }
}

/** The lines a user sees for an error of theirs: `Error: …`, one per problem, then `Hint: …`. */
export function errorLines(error: OverloadError): string[] {
  return [`Error: ${error.message}`, ...error.problems.map((problem) => `  - ${formatProblem(problem)}`), ...(error.hint === undefined ? [] : [`Hint: ${error.hint}`])];
}

/** Formats one problem as `path: message (got value). Fix: fix`. */
export function formatProblem(problem: Problem): string {
  const where = problem.path === '' ? '(scenario)' : problem.path;
  const got = problem.value === undefined ? '' : ` (got ${problem.value})`;
  const fix = problem.fix === undefined ? '' : `. Fix: ${problem.fix}`;
  return `${where}: ${problem.message}${got}${fix}`;
}
