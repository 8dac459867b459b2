/**
 * Options shared by the commands that resolve a scenario (`plan`, `run`, `serve`), declared once
 * so their help text and parsing agree.
 */
import type { Argv } from 'yargs';
import { QUICK_STEP_MS } from '../config/defaults.ts';
import { loadScenario } from '../config/load-scenario.ts';
import type { GatewayKind, Scenario } from '../config/scenario.ts';
import { OverloadError } from '../errors.ts';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from '../report/render/formats.ts';

export interface ScenarioArgs {
  scenario: string | undefined;
  set: string[];
  quick: boolean;
  seed: string | undefined;
  model: 'closed' | 'open' | undefined;
  /** `--gateway`: one kind, or a comma list (`run` only) read by {@link parseGateways}. */
  gateway?: string | undefined;
}

/** The gateways `--gateway` knows, in the order a comparison lists them. */
export const GATEWAY_KINDS: readonly GatewayKind[] = ['node', 'nginx', 'haproxy'];

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
    // A string, parsed by `seedOf`: yargs' number type turns `--seed x` into NaN, which reached the
    // scenario's check as `seed: (got null)` instead of naming the flag and what was typed.
    .option('seed', { type: 'string', describe: 'seed for every random choice (default: the scenario’s)' })
    .option('model', {
      choices: ['closed', 'open'] as const,
      describe: 'closed: offered load is connections; open: an arrival rate in req/s',
    })
    .option('gateway', {
      type: 'string',
      describe: 'the gateway in front of the upstream: node (the fixture), nginx or haproxy (apt-get install nginx-light haproxy); `run` takes a comma list to compare them',
    });
}

/**
 * Reads `--gateway`: one kind or a comma list (`node,nginx,haproxy`), each known and named once,
 * in the order given. Undefined stays undefined (the scenario's own gateway).
 * @throws OverloadError `USAGE` naming the unknown or repeated names and the known ones.
 */
export function parseGateways(value: string | undefined): GatewayKind[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim());
  const isKind = (name: string): name is GatewayKind => (GATEWAY_KINDS as readonly string[]).includes(name);
  const unknown = names.filter((name) => !isKind(name));
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (unknown.length > 0 || repeated.length > 0) {
    const what = unknown.length > 0 ? `unknown gateway ${unknown.map((name) => JSON.stringify(name)).join(', ')}` : `${[...new Set(repeated)].join(', ')} named twice`;
    throw new OverloadError('USAGE', `--gateway ${value}: ${what}`, { hint: `choose from ${GATEWAY_KINDS.join(', ')}, comma-separated, each once (e.g. --gateway node,nginx,haproxy)` });
  }
  return names.filter(isKind);
}

/** `--gateway nginx|haproxy` sets the kind and the profile with it (the real gateway's statuses); `node` keeps the scenario's profile. */
function gatewaySets(gateway: GatewayKind | undefined): string[] {
  if (gateway === undefined) return [];
  return gateway === 'node' ? ['gateway.kind=node'] : [`gateway.kind=${gateway}`, `gateway.profile=${gateway}`];
}

/**
 * The one gateway of a command that runs one (`plan`, `serve`, a single `run`).
 * @throws OverloadError `USAGE` when `--gateway` lists more than one.
 */
export function singleGateway(args: ScenarioArgs, command: string): GatewayKind | undefined {
  const gateways = parseGateways(args.gateway);
  if (gateways !== undefined && gateways.length > 1) {
    throw new OverloadError('USAGE', `${command} takes one gateway (got --gateway ${args.gateway ?? ''})`, {
      hint: `name one of ${gateways.join(', ')}; \`overload run\` compares a list`,
    });
  }
  return gateways?.[0];
}

/**
 * Loads and validates the scenario the arguments name, `--model` and the gateway (`--gateway` when
 * it names one; the caller's pick from a list otherwise) folded into the `--set` list.
 */
export function resolveScenario(args: ScenarioArgs, scenario: string | undefined = args.scenario, gateway: GatewayKind | undefined = singleGateway(args, 'this command')): Promise<Scenario> {
  if (scenario === undefined) throw new OverloadError('USAGE', 'name a scenario', { hint: 'see `overload list`' });
  const sets = [...args.set, ...(args.model === undefined ? [] : [`model=${args.model}`]), ...gatewaySets(gateway)];
  const seed = seedOf(args.seed);
  return loadScenario(scenario, { sets, quick: args.quick, ...(seed === undefined ? {} : { seed }) });
}

/**
 * `--seed N`: a whole number, as typed.
 * @throws OverloadError `USAGE` naming what was typed.
 */
export function seedOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new OverloadError('USAGE', `--seed ${JSON.stringify(value)} is not a whole number`, { hint: 'write e.g. --seed 7; the same seed repeats every random choice' });
  }
  return Number(value);
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
