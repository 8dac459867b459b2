/**
 * Options shared by the commands that resolve a scenario (`plan`, `run`, `serve`), declared once
 * so their help text and parsing agree.
 */
import type { Argv } from 'yargs';
import { QUICK_STEP_MS } from '../config/defaults.ts';
import { loadScenario } from '../config/load-scenario.ts';
import type { Scenario } from '../config/scenario.ts';

export interface ScenarioArgs {
  scenario: string;
  set: string[];
  quick: boolean;
  seed: number | undefined;
  model: 'closed' | 'open' | undefined;
}

/** Adds `<scenario>`, `--set`, `--quick`, `--seed` and `--model`. */
export function withScenarioOptions<T>(yargs: Argv<T>) {
  return yargs
    .positional('scenario', {
      type: 'string',
      demandOption: true,
      describe: 'a scenario name from scenarios/ (see `overload list`) or a path to a scenario file',
    })
    .option('set', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'override a scenario field, e.g. --set upstream.workers=6 (repeatable)',
    })
    .option('quick', {
      type: 'boolean',
      default: false,
      describe: `shorter steps (${QUICK_STEP_MS} ms); nothing else changes`,
    })
    .option('seed', { type: 'number', describe: 'seed for every random choice (default: the scenario’s)' })
    .option('model', {
      choices: ['closed', 'open'] as const,
      describe: 'closed: offered load is connections; open: an arrival rate in req/s',
    });
}

/** Loads and validates the scenario the arguments name, `--model` folded into the `--set` list. */
export function resolveScenario(args: ScenarioArgs): Promise<Scenario> {
  const sets = args.model === undefined ? args.set : [...args.set, `model=${args.model}`];
  return loadScenario(args.scenario, { sets, quick: args.quick, ...(args.seed === undefined ? {} : { seed: args.seed }) });
}
