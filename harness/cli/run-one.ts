/**
 * One scenario run from the command line, after its inputs were checked: the runner with the
 * progress display, the reports after every step, the terminal summary, the comparison with a
 * baseline, and a refreshed baseline on request. `overload run` calls it once, `run --all` once
 * per named scenario. It never sets the exit code; it says what the run came to.
 */
import path from 'node:path';
import type { Scenario } from '../config/scenario.ts';
import { assertComparable, compare, comparisonPasses } from '../report/compare.ts';
import type { Comparison } from '../report/comparison.ts';
import { render as renderComparisonJson } from '../report/render/comparison-json.ts';
import { render as renderComparisonMarkdown } from '../report/render/comparison-markdown.ts';
import { render as renderComparisonText } from '../report/render/comparison-text.ts';
import { fileNameOf, type ReportFormat } from '../report/render/formats.ts';
import { render as renderJson } from '../report/render/json.ts';
import { render as renderText } from '../report/render/text.ts';
import type { Report } from '../report/schema.ts';
import { releaseOutputDir, writeReportFiles, writeTextFile } from '../report/write.ts';
import { runScenario } from '../runner/run-scenario.ts';
import type { GatewayLogOption } from '../runner/target.ts';
import type { PinnedTarget } from '../safety/target-guard.ts';
import { ExitCode } from '../exit-codes.ts';
import { formatCount } from '../format.ts';
import { armHardDeadline, hardDeadlineMs } from './hard-deadline.ts';
import { writeLine, type CliIO } from './io.ts';
import { attachProgress } from './progress.ts';
import { RunEvents } from './run-events.ts';

/** Everything a run needs, checked before any load is sent. */
export interface PreparedRun {
  scenario: Scenario;
  plan: 'search' | 'ramp';
  repeat: number;
  formats: readonly ReportFormat[];
  outDir: string;
  target: PinnedTarget | undefined;
  /** With `target`: the user's gateway log to read the causes from (`--gateway-log`). */
  gatewayLog?: GatewayLogOption;
  baseline: { source: string; report: Report } | null;
  tolerance: number;
  /** Where to save the report as the new baseline after a complete run, or null. */
  updateBaseline: string | null;
}

/** What a run came to: the caller turns it into an exit code. */
export interface RunOutcome {
  report: Report;
  comparison: Comparison | null;
  /** Every expectation held and no metric regressed. */
  held: boolean;
}

/**
 * Runs one prepared scenario; `summary` gets the terminal summary (stdout, or stderr with --json).
 * The run's claim on its output folder ends with it, however it ends.
 */
export async function runOne(run: PreparedRun, io: CliIO, summary: NodeJS.WritableStream, signal: AbortSignal, color: boolean): Promise<RunOutcome> {
  const ms = hardDeadlineMs(run.scenario);
  const disarm = armHardDeadline(ms, () => {
    writeLine(io.stderr, `\nthe run did not stop ${formatCount(ms / 1000)} s after it began, its deadline and every stop's timeout included: overload exits now (a bug: please report it); its fixtures exit with it, nginx and HAProxy by their watchdog`);
    io.exit?.(ExitCode.internal);
  });
  try {
    return await runClaimed(run, io, summary, signal, color);
  } finally {
    disarm();
    await releaseOutputDir(run.outDir);
  }
}

async function runClaimed(run: PreparedRun, io: CliIO, summary: NodeJS.WritableStream, signal: AbortSignal, color: boolean): Promise<RunOutcome> {
  const { outDir, formats } = run;
  const events = new RunEvents();
  const detachProgress = attachProgress(events, io.stderr);
  let report: Report;
  try {
    report = await runScenario({
      scenario: run.scenario,
      plan: run.plan,
      repeat: run.repeat,
      signal,
      onEvent: (event) => events.emit(event),
      errorLogPath: path.join(outDir, 'gateway-error.log'),
      ...(run.target === undefined ? {} : { target: run.target }),
      ...(run.gatewayLog === undefined ? {} : { gatewayLog: run.gatewayLog }),
      save: async (current) => {
        await writeReportFiles(outDir, current, formats);
      },
    });
  } finally {
    detachProgress();
  }

  summary.write(renderText(report, { color, width: io.stderr.columns ?? 100 }));
  writeLine(summary);

  const reportPath = path.join(outDir, 'report.json');
  let comparison: Comparison | null = null;
  if (run.baseline !== null && !report.interrupted) {
    assertComparable(run.baseline.report, report, { baseline: run.baseline.source, current: reportPath });
    comparison = compare(run.baseline.report, report, { tolerance: run.tolerance, baselineSource: run.baseline.source, currentSource: reportPath });
    // Rewrite the formats that carry the comparison (junit has one test case per metric).
    await writeReportFiles(outDir, report, formats, { comparison });
    await writeTextFile(path.join(outDir, 'comparison.md'), renderComparisonMarkdown(comparison));
    await writeTextFile(path.join(outDir, 'comparison.json'), renderComparisonJson(comparison));
    summary.write(renderComparisonText(comparison));
    writeLine(summary);
  }
  if (run.updateBaseline !== null) {
    if (report.interrupted) {
      writeLine(io.stderr, `baseline ${run.updateBaseline} left as it was: an interrupted run is no baseline`);
    } else {
      await writeTextFile(run.updateBaseline, renderJson(report));
      writeLine(summary, `baseline updated: ${run.updateBaseline}`);
    }
  }

  const written = formats.map((format) => path.join(outDir, fileNameOf(format)));
  if (comparison !== null) written.push(path.join(outDir, 'comparison.md'), path.join(outDir, 'comparison.json'));
  writeLine(summary, `reports: ${written.join('  ')}`);
  // HAProxy logs every request (its HTTP log) where nginx and the Node gateway log their errors.
  const log = report.target?.gatewayLog;
  if (log !== undefined) writeLine(summary, `gateway log read: ${log.path} (${log.format ?? 'format not recognized'})`);
  if (run.target === undefined) {
    const haproxy = run.scenario.gateway.kind === 'haproxy';
    writeLine(summary, `gateway ${haproxy ? 'log' : 'error log'}: ${path.join(outDir, haproxy ? 'gateway-access.log' : 'gateway-error.log')}`);
  }

  const held = report.expectations.every((expectation) => expectation.passed) && (comparison === null || comparisonPasses(comparison));
  return { report, comparison, held };
}
