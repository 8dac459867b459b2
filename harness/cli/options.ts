/**
 * Options shared by the commands that resolve a scenario (`plan`, `run`, `serve`), declared once
 * so their help text and parsing agree.
 */
import type { Argv } from 'yargs';
import { QUICK_STEP_MS } from '../config/defaults.ts';
import { loadScenario } from '../config/load-scenario.ts';
import type { Scenario } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from '../report/render/formats.ts';

export interface ScenarioArgs {
  scenario: string | undefined;
  set: string[];
  quick: boolean;
  seed: number | undefined;
  model: 'closed' | 'open' | undefined;
  gateway?: 'node' | 'nginx' | 'haproxy' | undefined;
}

/** Adds `<scenario>` (optional where the command has another way to name scenarios, as `run --all`), `--set`, `--quick`, `--seed` and `--model`. */
export function withScenarioOptions<T>(yargs: Argv<T>, options: { scenarioOptional?: boolean } = {}) {
  return yargs
    .positional('scenario', {
      type: 'string',
      demandOption: options.scenarioOptional !== true,
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
    })
    .option('gateway', {
      choices: ['node', 'nginx', 'haproxy'] as const,
      describe: 'the gateway in front of the upstream: the Node fixture, or a real nginx or HAProxy (apt-get install nginx-light haproxy)',
    });
}

/** `--gateway nginx|haproxy` sets the kind and the profile with it (the real gateway's statuses); `node` keeps the scenario's profile. */
function gatewaySets(gateway: ScenarioArgs['gateway']): string[] {
  if (gateway === undefined) return [];
  return gateway === 'node' ? ['gateway.kind=node'] : [`gateway.kind=${gateway}`, `gateway.profile=${gateway}`];
}

/** Loads and validates the scenario the arguments name, `--model` folded into the `--set` list. */
export function resolveScenario(args: ScenarioArgs, scenario: string | undefined = args.scenario): Promise<Scenario> {
  if (scenario === undefined) throw new OverloadError('USAGE', 'name a scenario', { hint: 'see `overload list`' });
  const sets = [...args.set, ...(args.model === undefined ? [] : [`model=${args.model}`]), ...gatewaySets(args.gateway)];
  return loadScenario(scenario, { sets, quick: args.quick, ...(args.seed === undefined ? {} : { seed: args.seed }) });
}

/**
 * Reads a `--format` list (`json,md,html`): each name known, at least one, duplicates kept once.
 * @throws OverloadError `USAGE` naming the unknown formats and the known ones.
 */
export function parseFormats(value: string): ReportFormat[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !isReportFormat(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new OverloadError('USAGE', `--format ${value}: ${unknown.length > 0 ? `unknown format ${unknown.join(', ')}` : 'no format named'}`, {
      hint: `choose from ${REPORT_FORMATS.join(', ')}, comma-separated`,
    });
  }
  return [...new Set(names.filter(isReportFormat))];
}
