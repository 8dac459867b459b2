/**
 * The command line. The only place that prints errors and decides the exit code (DESIGN.md §6;
 * STYLE.md example 7): a mistake of the user's is one `Error:` line with its problems and a
 * hint, never a stack trace; anything else is an internal error (exit 1) with the stack.
 */
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { errorLines, OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { TOOL_VERSION } from '../version.ts';
import { compareCommand } from './commands/compare.ts';
import { listCommand } from './commands/list.ts';
import { planCommand } from './commands/plan.ts';
import { reportCommand } from './commands/report.ts';
import { explainCommand } from './commands/explain.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { processIO, writeLine, type CliIO } from './io.ts';

/** Runs the CLI on `argv` (without the node and script paths) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const finish = (code: ExitCode): void => {
    exitCode = code;
  };
  let parser = yargs([...argv])
    .scriptName('overload')
    .usage('$0 <command> [options]\n\nFind where a gateway starts returning 502s, and why, on fixtures started on 127.0.0.1.')
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .strict()
    .demandCommand(1, 'name a command: list, plan, run, serve, compare, report or explain')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Exit codes: 0 ok, 1 internal error, 2 bad usage or input, 3 an expectation failed or compare found a regression, 130/143 interrupted (partial report written).')
    // Let errors reach the catch below instead of yargs printing them and exiting.
    .fail((message: string | undefined, error: Error | undefined) => {
      throw error ?? new OverloadError('USAGE', message ?? 'invalid command line', { hint: 'see `overload --help`' });
    })
    .exitProcess(false);
  parser = listCommand(parser, io, finish);
  parser = planCommand(parser, io, finish);
  parser = runCommand(parser, io, finish);
  parser = serveCommand(parser, io, finish);
  parser = compareCommand(parser, io, finish);
  parser = reportCommand(parser, io, finish);
  parser = explainCommand(parser, io, finish);

  try {
    await parser.parseAsync(argv, {}, (error, _parsed, output) => {
      // --help and --version land here with their text; errors go to the catch.
      if (!error && output !== '') writeLine(io.stdout, output);
    });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Prints an error for people and returns its exit code. */
function reportError(error: unknown, io: CliIO): ExitCode {
  if (error instanceof OverloadError) {
    for (const line of errorLines(error)) writeLine(io.stderr, line);
    return error.exitCode;
  }
  writeLine(io.stderr, 'Error: overload failed unexpectedly. This is a bug in overload; please report it with the output below.');
  writeLine(io.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error));
  return ExitCode.internal;
}

// Run when executed directly (`tsx harness/cli/main.ts …`), not when imported by tests.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
