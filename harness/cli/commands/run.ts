/** `overload run <scenario>`: run it, write the reports, print a summary and a chart. */
import path from 'node:path';
import type { Argv } from 'yargs';
import { runScenario } from '../../runner/run-scenario.ts';
import { prepareOutputDir, writeReportFiles, writeTextFile } from '../../report/write.ts';
import { render as renderText } from '../../report/render/text.ts';
import { render as renderJson } from '../../report/render/json.ts';
import { render as renderComparisonText } from '../../report/render/comparison-text.ts';
import { render as renderComparisonMarkdown } from '../../report/render/comparison-markdown.ts';
import { render as renderComparisonJson } from '../../report/render/comparison-json.ts';
import { DEFAULT_FORMATS, fileNameOf } from '../../report/render/formats.ts';
import { assertBaselineFits, defaultBaselinePath } from '../../report/baseline.ts';
import { assertComparable, compare, parseTolerance } from '../../report/compare.ts';
import type { Comparison } from '../../report/comparison.ts';
import { readReport } from '../../report/read.ts';
import { pinTarget, type PinnedTarget } from '../../safety/target-guard.ts';
import type { Report } from '../../report/schema.ts';
import { OverloadError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { attachProgress } from '../progress.ts';
import { writeLine, type CliIO } from '../io.ts';
import { parseFormats, resolveScenario, withScenarioOptions } from '../options.ts';
import { RunEvents } from '../run-events.ts';

/** Registers `overload run`. */
export function runCommand<T>(yargs: Argv<T>, io: CliIO, finish: (code: ExitCode) => void): Argv<T> {
  return yargs.command(
    'run <scenario>',
    'run a scenario: find where the gateway starts returning 502s, and why',
    (command) =>
      withScenarioOptions(command)
        .option('search', { type: 'boolean', describe: 'find the onset adaptively (the default)' })
        .option('ramp', { type: 'boolean', describe: 'step through the scenario’s ramp instead of searching' })
        .conflicts('search', 'ramp')
        .option('repeat', { type: 'number', default: 1, describe: 'run N independent trials and report the median onset with its spread' })
        .option('out', { type: 'string', describe: 'write the reports into this folder (new or empty); default reports/runs/<scenario>-<time>/' })
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
        .option('update-baseline', {
          type: 'string',
          describe: 'after a complete run, save its report.json as the baseline (default reports/baselines/<scenario>.<model>.json)',
        }),
    async (args) => {
      const formats = parseFormats(args.format);
      const tolerance = parseTolerance(args.tolerance);
      if (!Number.isInteger(args.repeat) || args.repeat < 1 || args.repeat > 50) {
        throw new OverloadError('USAGE', `--repeat must be an integer from 1 to 50 (got ${args.repeat})`, { hint: 'use --repeat 5 for a median of five trials' });
      }
      const scenario = await resolveScenario(args);
      // The guard decides before anything else, and before any connection or DNS query.
      const target = args.target === undefined ? undefined : await pinTarget(args.target);
      const baselinePath = (file: string): string => file || defaultBaselinePath(scenario.name, scenario.model, { target: target !== undefined });
      // Read and check the baseline before any load is sent: a wrong one costs nothing.
      const baseline = args.baseline === undefined ? null : await loadBaseline(baselinePath(args.baseline), scenario, target);
      const outDir = await prepareOutputDir(args.out, scenario.name, new Date());
      const summary = args.json ? io.stderr : io.stdout;

      const controller = new AbortController();
      let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
      const offSignal = io.onSignal((signal) => {
        if (stoppedBy !== null) return;
        stoppedBy = signal;
        writeLine(io.stderr, `\n${signal} received: stopping the load, writing the partial report… (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again exits at once)`);
        controller.abort();
      });
      const events = new RunEvents();
      const detachProgress = attachProgress(events, io.stderr);
      let report: Report;
      try {
        report = await runScenario({
          scenario,
          plan: args.ramp === true ? 'ramp' : 'search',
          repeat: args.repeat,
          signal: controller.signal,
          onEvent: (event) => events.emit(event),
          errorLogPath: path.join(outDir, 'gateway-error.log'),
          ...(target === undefined ? {} : { target }),
          save: async (current) => {
            await writeReportFiles(outDir, current, formats);
          },
        });
      } finally {
        detachProgress();
        offSignal();
      }

      summary.write(renderText(report, { color: io.color && !args.json, width: io.stderr.columns ?? 100 }));
      writeLine(summary);

      let comparison: Comparison | null = null;
      if (baseline !== null && !report.interrupted) {
        assertComparable(baseline.report, report, { baseline: baseline.source, current: path.join(outDir, 'report.json') });
        comparison = compare(baseline.report, report, { tolerance, baselineSource: baseline.source, currentSource: path.join(outDir, 'report.json') });
        // Rewrite the formats that carry the comparison (junit has one test case per metric).
        await writeReportFiles(outDir, report, formats, { comparison });
        await writeTextFile(path.join(outDir, 'comparison.md'), renderComparisonMarkdown(comparison));
        await writeTextFile(path.join(outDir, 'comparison.json'), renderComparisonJson(comparison));
        summary.write(renderComparisonText(comparison));
        writeLine(summary);
      }
      if (args['update-baseline'] !== undefined) {
        const file = baselinePath(args['update-baseline']);
        if (report.interrupted) {
          writeLine(io.stderr, `baseline ${file} left as it was: an interrupted run is no baseline`);
        } else {
          await writeTextFile(file, renderJson(report));
          writeLine(summary, `baseline updated: ${file}`);
        }
      }

      const written = formats.map((format) => path.join(outDir, fileNameOf(format)));
      if (comparison !== null) written.push(path.join(outDir, 'comparison.md'), path.join(outDir, 'comparison.json'));
      writeLine(summary, `reports: ${written.join('  ')}`);
      if (target === undefined) writeLine(summary, `gateway error log: ${path.join(outDir, 'gateway-error.log')}`);
      if (args.json) io.stdout.write(renderJson(report));

      if (stoppedBy === 'SIGINT') return finish(ExitCode.interrupted);
      if (stoppedBy === 'SIGTERM') return finish(ExitCode.terminated);
      const held = report.expectations.every((expectation) => expectation.passed);
      finish(held && comparison?.regressed !== true ? ExitCode.ok : ExitCode.expectationFailed);
    },
  );
}

/** Reads the baseline and checks that it fits the scenario and model about to run. */
async function loadBaseline(source: string, scenario: { name: string; model: 'closed' | 'open' }, target: PinnedTarget | undefined): Promise<{ source: string; report: Report }> {
  const report = await readReport(source);
  assertBaselineFits(report, source, { scenario: scenario.name, model: scenario.model, target: target !== undefined });
  return { source, report };
}
