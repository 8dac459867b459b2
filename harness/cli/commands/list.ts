/**
 * `overload list`: the named scenarios, one line each. A description's first sentence says what
 * the scenario shows; what follows ("In production: …", how to tell the cause apart) is printed
 * with --long, wrapped under its name.
 */
import type { Argv } from 'yargs';
import { listScenarios } from '../../config/load-scenario.ts';
import { ExitCode } from '../../exit-codes.ts';
import { writeLine, type CliIO } from '../io.ts';

/** Registers `overload list`. */
export function listCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'list',
    'list the named scenarios with one-line descriptions',
    (command) =>
      command
        .option('json', { type: 'boolean', default: false, describe: 'print them as JSON, with their whole descriptions' })
        .option('long', { type: 'boolean', default: false, describe: 'also print what each looks like in production, and how to tell it apart' }),
    async (args) => {
      const scenarios = await listScenarios();
      if (args.json) {
        writeLine(io.stdout, JSON.stringify(scenarios.map(({ name, description }) => ({ name, description }))));
      } else {
        const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
        for (const scenario of scenarios) {
          const [first, rest] = splitDescription(scenario.description);
          writeLine(io.stdout, `${scenario.name.padEnd(width)}  ${first}`);
          if (args.long && rest !== '') writeLine(io.stdout, `${' '.repeat(width + 2)}${rest}\n`);
        }
      }
      finish(ExitCode.ok);
    },
  );
}

/** The description's first sentence (what the scenario shows), and the rest; split at ". " before a capital. */
export function splitDescription(description: string): [string, string] {
  const match = /\.\s+(?=[A-Z])/.exec(description);
  if (match === null) return [description, ''];
  return [description.slice(0, match.index), description.slice(match.index + match[0].length)];
}
