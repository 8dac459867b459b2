/**
 * `overload run <scenario>`: run it, write the reports, print a summary and a chart; or
 * `overload run --all`: every named scenario in turn, then one summary table. Every input (the
 * scenario, the target, the baseline, the output folder) is checked before any load is sent.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { LOG_FORMATS, type LogFormat } from '../../logs/log-line.ts';
import type { GatewayLogOption } from '../../runner/target.ts';
import type { Argv } from 'yargs';
import { listScenarios } from '../../config/load-scenario.ts';
import { errorLines, OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { assertBaselineFits, defaultBaselinePath } from '../../report/baseline.ts';
import { parseTolerance } from '../../report/compare.ts';
import { readReport } from '../../report/read.ts';
import { DEFAULT_FORMATS } from '../../report/render/formats.ts';
import { render as renderJson } from '../../report/render/json.ts';
import { allHeld, renderMarkdown as renderSummaryMarkdown, renderText as renderSummaryText, type SummaryRow } from '../../report/render/run-summary.ts';
import type { Report } from '../../report/schema.ts';
import type { GatewayKind, Scenario } from '../../config/scenario.ts';
import { prepareOutputDir, runDirName, writeTextFile } from '../../report/write.ts';
import { pinTarget, type PinnedTarget } from '../../safety/target-guard.ts';
import { writeLine, type CliIO } from '../io.ts';
import { parseFormats, parseGateways, resolveScenario, singleGateway, withScenarioOptions, type ScenarioArgs } from '../options.ts';
import { runOne, type PreparedRun, type RunOutcome } from '../run-one.ts';
import { compareGateways, type GatewayRun } from '../../report/gateway-comparison.ts';
import { renderJson as renderGatewaysJson, renderMarkdown as renderGatewaysMarkdown, renderText as renderGatewaysText } from '../../report/render/gateways-summary.ts';
import { render as renderGatewaysHtml } from '../../report/render/gateways-html.ts';
import { gatewaysChartSpec } from '../../report/chart/gateways-spec.ts';
import { renderChartSvg } from '../../report/chart/render.ts';

/** The options of `run`, as yargs parses them. */
interface RunArgs extends ScenarioArgs {
  all: boolean | undefined;
  ramp: boolean | undefined;
  repeat: number;
  out: string | undefined;
  json: boolean;
  format: string;
  baseline: string | undefined;
  tolerance: string;
  target: string | undefined;
  'gateway-log': string | undefined;
  'log-format': LogFormat | undefined;
  'update-baseline': string | undefined;
}

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
          describe: 'load your own service at this URL instead of the fixtures (loopback only: http://127.0.0.1:PORT/path or http://localhost:PORT/path)',
        })
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
    const outcome = await runOne(run, io, summary, stop.signal, io.color && !args.json);
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
      if (!(error instanceof OverloadError) || error.code !== 'SCENARIO_UNSUPPORTED') throw error;
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
  for (const gateway of gateways) runs.push(await prepare(args, name, path.join(root, gateway), io, gateway));

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

/** One prepared run of `--all` or a gateway list, as it ended: its outcome, or the error that stopped it. */
interface Turn {
  run: PreparedRun;
  outcome: RunOutcome | null;
  error: string | null;
  /** The exit code the error asks for; null without one. */
  errorCode: ExitCode | null;
  seconds: number;
}

/**
 * Runs each prepared run in turn, headed by `label`; one that cannot run (a fixture that fails to
 * start) is reported and does not hide the others' results. After a signal the rest are not run.
 */
async function runInTurn(runs: readonly PreparedRun[], label: (run: PreparedRun) => string, io: CliIO, signal: AbortSignal): Promise<Turn[]> {
  const turns: Turn[] = [];
  for (const [index, run] of runs.entries()) {
    if (signal.aborted) {
      turns.push({ run, outcome: null, error: 'not run: interrupted', errorCode: null, seconds: 0 });
      continue;
    }
    writeLine(io.stderr, `\n== ${index + 1} of ${runs.length}: ${label(run)}`);
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const outcome = await runOne(run, io, io.stdout, signal, io.color);
      turns.push({ run, outcome, error: null, errorCode: null, seconds: seconds() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      writeLine(io.stderr, `${label(run)} did not run to the end:`);
      if (error instanceof OverloadError) for (const line of errorLines(error)) writeLine(io.stderr, `  ${line}`);
      else writeLine(io.stderr, error instanceof Error ? (error.stack ?? message) : message);
      turns.push({ run, outcome: null, error: message, errorCode: error instanceof OverloadError ? error.exitCode : ExitCode.internal, seconds: seconds() });
    }
  }
  return turns;
}

/** The exit code the worst error asks for: a bug (1) outranks a user's mistake (2); null without errors. */
function worstError(turns: readonly Turn[]): ExitCode | null {
  const codes = turns.flatMap((turn) => (turn.errorCode === null ? [] : [turn.errorCode]));
  return codes.includes(ExitCode.internal) ? ExitCode.internal : (codes[0] ?? null);
}

/** Resolves and checks everything one run needs, before any load is sent. */
async function prepare(args: RunArgs, scenarioName: string, out: string | undefined, io: CliIO, gateway: GatewayKind | undefined): Promise<PreparedRun> {
  const formats = parseFormats(args.format);
  const tolerance = parseTolerance(args.tolerance);
  if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 50) {
    throw new OverloadError('USAGE', `--repeat must be an integer from 1 to 50 (got ${args.repeat})`, { hint: 'use --repeat 5 for a median of five trials' });
  }
  const scenario = await resolveScenario(args, scenarioName, gateway);
  const timeline = scenario.timeline.durationMs > 0;
  if (timeline && args.target !== undefined) {
    throw new OverloadError('USAGE', `${scenario.name} is a timeline scenario: its events stop, crash or re-point the fixtures, which --target ${args.target} replaces`, {
      hint: 'run it without --target, or run a ramp or search scenario (e.g. overload) against your service',
    });
  }
  // A timeline holds one load for a set time: there is no onset to take the median of, nor a ramp.
  if (timeline && (args.repeat > 1 || args.ramp === true)) {
    writeLine(io.stderr, `${scenario.name} is a timeline scenario: it runs once, as planned (${args.repeat > 1 ? '--repeat' : '--ramp'} does not apply)`);
  }
  // The guard decides before anything else, and before any connection or DNS query.
  const target = args.target === undefined ? undefined : await pinTarget(args.target);
  const gatewayLog = await checkGatewayLog(args);
  const baselinePath = (file: string): string => file || defaultBaselinePath(scenario.name, scenario.model, { target: target !== undefined, gateway: scenario.gateway.kind });
  const baseline = args.baseline === undefined ? null : await loadBaseline(baselinePath(args.baseline), scenario, target);
  const outDir = await prepareOutputDir(out, scenario.name, new Date());
  return {
    scenario,
    plan: args.ramp === true ? 'ramp' : 'search',
    repeat: timeline ? 1 : args.repeat,
    formats,
    outDir,
    target,
    ...(gatewayLog === undefined ? {} : { gatewayLog }),
    baseline,
    tolerance,
    updateBaseline: args['update-baseline'] === undefined ? null : baselinePath(args['update-baseline']),
  };
}

/**
 * `--gateway-log PATH [--log-format F]`: only with `--target` (the harness reads the logs of the
 * gateways it starts itself), and a readable file, checked before any load.
 * @throws OverloadError `USAGE` naming the flag, the path and the fix.
 */
async function checkGatewayLog(args: RunArgs): Promise<GatewayLogOption | undefined> {
  const file = args['gateway-log'];
  if (file === undefined) {
    if (args['log-format'] !== undefined) throw new OverloadError('USAGE', `--log-format ${args['log-format']} needs --gateway-log`, { hint: 'add --gateway-log PATH (your gateway’s log), or drop --log-format' });
    return undefined;
  }
  if (args.target === undefined) {
    throw new OverloadError('USAGE', `--gateway-log ${file} reads your own gateway’s log during a --target run`, {
      hint: 'add --target URL (your gateway on this machine); the fixtures’ gateways are read by overload itself (see gateway-error.log in the run folder)',
    });
  }
  const hint = 'pass the path your gateway writes to: nginx’s error_log (`nginx -T | grep error_log`), or the file HAProxy’s HTTP log goes to';
  let info;
  try {
    info = await stat(file);
    await access(file, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OverloadError('USAGE', `--gateway-log ${file}: cannot read it (${code})`, { hint });
  }
  if (!info.isFile()) throw new OverloadError('USAGE', `--gateway-log ${file}: not a regular file`, { hint });
  return { path: path.resolve(file), format: args['log-format'] ?? null };
}

/** Reads the baseline and checks that it fits the scenario and model about to run. */
async function loadBaseline(source: string, scenario: Scenario, target: PinnedTarget | undefined): Promise<{ source: string; report: Report }> {
  const report = await readReport(source);
  assertBaselineFits(report, source, { scenario: scenario.name, model: scenario.model, target: target !== undefined, gateway: scenario.gateway.kind });
  return { source, report };
}

/**
 * The first SIGINT or SIGTERM stops the load (the runner keeps what it measured); `code()` is
 * then 130 or 143, null while no signal came.
 */
function stopOnSignal(io: CliIO): { signal: AbortSignal; code: () => ExitCode | null; off: () => void } {
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
  const off = io.onSignal((signal) => {
    if (stoppedBy !== null) return;
    stoppedBy = signal;
    writeLine(io.stderr, `\n${signal} received: stopping the load, writing the partial report… (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once)`);
    controller.abort();
  });
  const code = (): ExitCode | null => (stoppedBy === 'SIGINT' ? ExitCode.interrupted : stoppedBy === 'SIGTERM' ? ExitCode.terminated : null);
  return { signal: controller.signal, code, off };
}
