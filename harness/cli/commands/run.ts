/**
 * `overload run <scenario>`: run it, write the reports, print a summary and a chart; or
 * `overload run --all`: every named scenario in turn, then one summary table; or
 * `overload run <scenario> --gateway a,b`: the scenario behind each gateway, then one comparison.
 * Every input (the scenario, the target, the baseline, the output folder) is checked before any
 * load is sent (prepare-run.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { listScenarios } from '../../config/load-scenario.ts';
import type { GatewayKind } from '../../config/scenario.ts';
import { OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { LOG_FORMATS } from '../../logs/log-line.ts';
import { gatewaysChartSpec } from '../../report/chart/gateways-spec.ts';
import { compareGateways, type GatewayRun } from '../../report/gateway-comparison.ts';
import { DEFAULT_FORMATS } from '../../report/render/formats.ts';
import { render as renderGatewaysHtml } from '../../report/render/gateways-html.ts';
import { renderJson as renderGatewaysJson, renderMarkdown as renderGatewaysMarkdown, renderText as renderGatewaysText } from '../../report/render/gateways-summary.ts';
import { render as renderJson } from '../../report/render/json.ts';
import { allHeld, renderMarkdown as renderSummaryMarkdown, renderText as renderSummaryText, type SummaryRow } from '../../report/render/run-summary.ts';
import { releaseOutputDir, runDirName, writeTextFile } from '../../report/write.ts';
import { writeLine, type CliIO } from '../io.ts';
import { parseGateways, singleGateway, withScenarioOptions } from '../options.ts';
import { prepare, type RunArgs } from '../prepare-run.ts';
import { runInTurn, stopOnSignal, worstError, type Turn } from '../run-in-turn.ts';
import { runOne, type PreparedRun } from '../run-one.ts';

/** Registers `overload run`. */
export function runCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'run [scenario]',
    'run a scenario (or --all): find where the gateway starts returning 502s, and why',
    (command) =>
      withScenarioOptions(command, { scenarioOptional: true })
        .option('all', { type: 'boolean', describe: 'run every named scenario in turn (see `overload list`), then print one summary table' })
        .option('search', { type: 'boolean', describe: 'find the onset adaptively (the default)' })
        .option('ramp', { type: 'boolean', describe: 'step through the scenario’s ramp instead of searching' })
        .conflicts('search', 'ramp')
        .option('repeat', { type: 'number', default: 1, describe: 'run N independent trials and report the median onset with its spread' })
        .option('out', { type: 'string', describe: 'write the reports into this folder (new or empty); default reports/runs/<scenario>-<time>/ (with --all: one subfolder per scenario)' })
        .option('json', { type: 'boolean', default: false, describe: 'print only the report JSON on stdout; progress and summary go to stderr' })
        .option('format', { type: 'string', default: DEFAULT_FORMATS.join(','), describe: 'report files to write, comma-separated, from json, md, html, svg, junit, csv' })
        .option('baseline', {
          type: 'string',
          describe: 'compare the run with a baseline report (default reports/baselines/<scenario>.<model>.json); exit 3 on a regression',
        })
        .option('tolerance', { type: 'string', default: '5%', describe: 'with --baseline: the change that counts as a regression' })
        .option('target', {
          type: 'string',
          describe: 'load your own service at this URL instead of the fixtures (loopback only: http://127.0.0.1:PORT/path or https://localhost:PORT/path)',
        })
        .option('ca', { type: 'string', describe: 'with an https --target: a CA certificate (PEM) to trust besides the system’s, e.g. your dev CA or a self-signed certificate' })
        .option('authorize', { type: 'string', describe: 'with --target beyond loopback: the allow-list file (JSON) that holds an entry for it' })
        .option('authorize-target', { type: 'string', describe: 'with --authorize: the name of the entry this run may use (both keys are needed)' })
        .option('gateway-log', {
          type: 'string',
          describe: 'with --target: your gateway’s log (nginx error log or HAProxy HTTP log), read during the run for the cause of each failure',
        })
        .option('log-format', { choices: LOG_FORMATS, describe: 'with --gateway-log: the log’s format; detected from its first lines when left out' })
        .option('update-baseline', {
          type: 'string',
          describe: 'after a complete run, save its report.json as the baseline (default reports/baselines/<scenario>.<model>.json)',
        })
        .example('$0 run overload --quick', 'the default scenario with 1 s steps')
        .example('$0 run --all --quick', 'the whole catalogue of causes, one table at the end')
        .example('$0 run overload --quick --gateway node,nginx,haproxy', 'the scenario behind each gateway in turn, compared in one report')
        .example('$0 run overload --target http://127.0.0.1:8080/ --gateway-log /var/log/nginx/error.log', 'your local nginx, each 502 explained from its error log'),
    async (args) => {
      const gateways = parseGateways(args.gateway) ?? [];
      const code = args.all === true ? await runAll(args, io) : gateways.length > 1 ? await runGateways(args, io, gateways) : await runSingle(args, io);
      finish(code);
    },
  );
}

/** `run <scenario>`. */
async function runSingle(args: RunArgs, io: CliIO): Promise<ExitCode> {
  if (args.scenario === undefined) {
    throw new OverloadError('USAGE', 'name a scenario to run, or pass --all', { hint: 'see `overload list` for the named scenarios' });
  }
  const run = await prepare(args, args.scenario, args.out, io, singleGateway(args, 'overload run'));
  const summary = args.json ? io.stderr : io.stdout;
  const stop = stopOnSignal(io);
  try {
    let outcome;
    try {
      outcome = await runOne(run, io, summary, stop.signal, io.color && !args.json);
    } catch (error) {
      // The runner saved what it measured before it threw (if it measured anything): say where.
      const partial = path.join(run.outDir, 'report.json');
      if (existsSync(partial)) writeLine(io.stderr, `partial report: ${partial}`);
      throw error;
    }
    if (args.json) io.stdout.write(renderJson(outcome.report));
    return stop.code() ?? (outcome.held ? ExitCode.ok : ExitCode.expectationFailed);
  } finally {
    stop.off();
  }
}

/** `run --all`: each named scenario in its own subfolder, then the summary table (and summary.md). */
async function runAll(args: RunArgs, io: CliIO): Promise<ExitCode> {
  const refuse = (what: string, hint: string): never => {
    throw new OverloadError('USAGE', `--all runs the named scenarios on their own fixtures: ${what}`, { hint });
  };
  if (args.scenario !== undefined) refuse(`it takes no scenario name (got ${args.scenario})`, 'drop the name, or drop --all');
  if (args.target !== undefined) refuse('--target loads one service of yours, which the catalogue’s fixtures are not', 'run one scenario with --target');
  if (args.json) refuse('--json prints one report', 'read each report.json in the output folder, or drop --json');
  if (args.baseline !== undefined && args.baseline !== '') refuse('--baseline FILE names one baseline', 'use --baseline without a file: each scenario compares with its own');
  if (args['update-baseline'] !== undefined && args['update-baseline'] !== '') refuse('--update-baseline FILE names one file', 'use --update-baseline without a file');

  const names = (await listScenarios()).map((listing) => listing.name);
  const root = args.out ?? path.join('reports/runs', runDirName('all', new Date()));
  // Check every scenario, baseline and folder first: a mistake in the 7th should not wait for 6 runs.
  const runs: PreparedRun[] = [];
  const gateway = singleGateway(args, 'overload run --all');
  /** Scenarios that mean nothing behind the gateway of the run (`behind.<gateway>.unsupported`), and why. */
  const skipped = new Map<string, string>();
  for (const name of names) {
    try {
      runs.push(await prepare(args, name, path.join(root, name), io, gateway));
    } catch (error) {
      if (!(error instanceof OverloadError) || error.code !== 'SCENARIO_UNSUPPORTED') {
        await releaseAll(runs);
        throw error;
      }
      skipped.set(name, `means nothing behind ${gateway ?? 'this gateway'}`);
      writeLine(io.stderr, `skipping ${name}: ${error.message}`);
    }
  }

  const stop = stopOnSignal(io);
  let turns: Turn[];
  try {
    turns = await runInTurn(runs, (run) => run.scenario.name, io, stop.signal);
  } finally {
    stop.off();
  }
  const ranRows = new Map(
    turns.map((turn) => [turn.run.scenario.name, { scenario: turn.run.scenario.name, report: turn.outcome?.report ?? null, comparison: turn.outcome?.comparison ?? null, error: turn.error, seconds: turn.seconds }]),
  );
  // In the catalogue's order, the skipped ones where they would have run.
  const rows: SummaryRow[] = names.map(
    (name) => ranRows.get(name) ?? { scenario: name, report: null, comparison: null, error: null, seconds: 0, skipped: skipped.get(name) ?? 'not run' },
  );
  writeLine(io.stdout);
  io.stdout.write(renderSummaryText(rows));
  const summaryFile = path.join(root, 'summary.md');
  await writeTextFile(summaryFile, renderSummaryMarkdown(rows));
  writeLine(io.stdout, `summary: ${summaryFile}`);
  return stop.code() ?? worstError(turns) ?? (allHeld(rows) ? ExitCode.ok : ExitCode.expectationFailed);
}

/**
 * `run <scenario> --gateway node,nginx,haproxy`: the scenario behind each gateway in turn, each in
 * its own subfolder, then one comparison of them (gateways.md, .json, .html, .svg) and its table.
 */
async function runGateways(args: RunArgs, io: CliIO, gateways: readonly GatewayKind[]): Promise<ExitCode> {
  const refuse = (what: string, hint: string): never => {
    throw new OverloadError('USAGE', `--gateway ${gateways.join(',')} runs the scenario behind each gateway in turn: ${what}`, { hint });
  };
  if (args.scenario === undefined) refuse('name the scenario to run', 'e.g. overload run overload --gateway node,nginx,haproxy');
  const name = args.scenario ?? '';
  if (args.target !== undefined) refuse('--target loads your own service, whose gateway is your own', 'drop --target, or name one gateway');
  if (args.json) refuse('--json prints one report', 'read gateways.json in the output folder, or drop --json');
  if (args.baseline !== undefined && args.baseline !== '') refuse('--baseline FILE names one baseline', 'use --baseline without a file: each gateway compares with its own (reports/baselines/<scenario>.<model>.<gateway>.json)');
  if (args['update-baseline'] !== undefined && args['update-baseline'] !== '') refuse('--update-baseline FILE names one file', 'use --update-baseline without a file');

  const root = args.out ?? path.join('reports/runs', runDirName(`${name}-gateways`, new Date()));
  const runs: PreparedRun[] = [];
  try {
    for (const gateway of gateways) runs.push(await prepare(args, name, path.join(root, gateway), io, gateway));
  } catch (error) {
    await releaseAll(runs);
    throw error;
  }

  const stop = stopOnSignal(io);
  let turns: Turn[];
  try {
    turns = await runInTurn(runs, (run) => `${run.scenario.name} behind ${run.scenario.gateway.kind}`, io, stop.signal);
  } finally {
    stop.off();
  }
  const gatewayRuns: GatewayRun[] = turns.map((turn, index) => ({
    gateway: gateways[index] ?? 'node',
    dir: gateways[index] ?? 'node',
    report: turn.outcome?.report ?? null,
    error: turn.error,
    seconds: turn.seconds,
  }));
  const comparison = compareGateways(gatewayRuns);
  writeLine(io.stdout);
  io.stdout.write(renderGatewaysText(comparison));
  // vega and vega-lite weigh ~45 MB of heap once loaded: only the runs that draw a chart pay for them.
  const { renderChartSvg } = await import('../../report/chart/render.ts');
  const svg = await renderChartSvg(gatewaysChartSpec(gatewayRuns, `${comparison.scenario} behind ${gateways.join(', ')}`));
  const files: [string, string][] = [
    ['gateways.md', renderGatewaysMarkdown(comparison)],
    ['gateways.json', renderGatewaysJson(comparison)],
    ['gateways.html', renderGatewaysHtml(comparison, svg)],
    ['gateways.svg', `${svg}\n`],
  ];
  for (const [file, text] of files) await writeTextFile(path.join(root, file), text);
  writeLine(io.stdout, `comparison: ${files.map(([file]) => path.join(root, file)).join('  ')}`);
  const held = turns.every((turn) => turn.outcome?.held === true && !turn.outcome.report.interrupted);
  return stop.code() ?? worstError(turns) ?? (held ? ExitCode.ok : ExitCode.expectationFailed);
}

/** Ends the claims of runs prepared before a later one's mistake stopped the command. */
async function releaseAll(runs: readonly PreparedRun[]): Promise<void> {
  for (const run of runs) await releaseOutputDir(run.outDir);
}
