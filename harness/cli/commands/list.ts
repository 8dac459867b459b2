/** `overload list`: the named scenarios, one line each. */
import type { Argv } from 'yargs';
import { listScenarios } from '../../config/load-scenario.ts';
import { ExitCode } from '../../exit-codes.ts';
import { writeLine, type CliIO } from '../io.ts';

/** Registers `overload list`. */
export function listCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'list',
    'list the named scenarios with one-line descriptions',
    (command) => command.option('json', { type: 'boolean', default: false, describe: 'print them as JSON' }),
    async (args) => {
      const scenarios = await listScenarios();
      if (args.json) {
        writeLine(io.stdout, JSON.stringify(scenarios.map(({ name, description }) => ({ name, description }))));
      } else {
        const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
        for (const scenario of scenarios) writeLine(io.stdout, `${scenario.name.padEnd(width)}  ${scenario.description}`);
      }
      finish(ExitCode.ok);
    },
  );
}
