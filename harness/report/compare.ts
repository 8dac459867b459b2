/**
 * `overload compare` (DESIGN.md §6): a pure function from two reports to a {@link Comparison}.
 * This file is the entry point: it refuses reports that measure different things, then compares
 * them metric by metric (onset, max goodput, p99 latency of 2xx at the baseline's highest passing
 * load), or, for timelines, the share of requests failed and the slowest recovery. The parts, one
 * job each:
 * - compare-metrics.ts: each metric's interval in one report;
 * - compare-verdict.ts: two intervals → verdict and the sentence behind it (a change is called
 *   only when the intervals are apart by more than the tolerance);
 * - compare-warnings.ts: what changes no verdict but a reader should know;
 * - compare-timeline.ts: the metrics of two timelines;
 * - compare-format.ts, tolerance.ts: how the numbers read, and `--tolerance`.
 * Importers keep using this file: it re-exports what they call from the parts.
 *
 * Worked examples on frozen reports: test/unit/compare.test.ts.
 */
import { OverloadError, type Problem } from '../errors.ts';
import { formatLoad, formatLoadValue, unitLabel } from '../format.ts';
import { goodputInterval, intervalOf, latencyAt, latencyLoad, onsetInterval, passedUpTo, whyNoLatency } from './compare-metrics.ts';
import { insufficient, judge, type MetricSpec, withoutOnset } from './compare-verdict.ts';
import { warnings } from './compare-warnings.ts';
import { compareTimelines } from './compare-timeline.ts';
import type { ComparedRun, Comparison, MetricComparison, MetricVerdict } from './comparison.ts';
import type { Report } from './schema.ts';

export { formatChange, formatInterval, formatMetricValue } from './compare-format.ts';
export { LATENCY_LOAD_MATCH } from './compare-metrics.ts';
export { parseTolerance } from './tolerance.ts';

/** What `compare` needs beyond the two reports. */
export interface CompareOptions {
  /** Relative tolerance (0.05 for 5 %), as {@link parseTolerance} returns it. */
  tolerance: number;
  /** Where the baseline was read from (a path), for the output and messages. */
  baselineSource?: string | undefined;
  /** Where the current report was read from. */
  currentSource?: string | undefined;
}

/**
 * Compares `current` with `baseline`, metric by metric.
 * @throws OverloadError `REPORTS_INCOMPATIBLE` (exit 2) when the reports measure different things
 *   (see {@link assertComparable}).
 */
export function compare(baseline: Report, current: Report, options: CompareOptions): Comparison {
  const sources = { baseline: options.baselineSource, current: options.currentSource };
  assertComparable(baseline, current, sources);
  const { tolerance } = options;
  const metrics =
    baseline.plan === 'timeline'
      ? compareTimelines(baseline, current, tolerance)
      : [compareOnset(baseline, current, tolerance), compareGoodput(baseline, current, tolerance), compareLatency(baseline, current, tolerance)];
  return {
    baseline: describeRun(baseline, options.baselineSource),
    current: describeRun(current, options.currentSource),
    tolerance,
    metrics,
    warnings: warnings(baseline, current),
    regressed: metrics.some((metric) => metric.verdict === 'regressed'),
  };
}

/**
 * Refuses two reports whose numbers mean different things: another schema version, scenario,
 * model or unit. Every difference is one problem, with both values.
 * @throws OverloadError `REPORTS_INCOMPATIBLE` (exit 2).
 */
export function assertComparable(baseline: Report, current: Report, sources: { baseline?: string | undefined; current?: string | undefined } = {}): void {
  const names = { baseline: sources.baseline ?? 'the baseline', current: sources.current ?? 'the current report' };
  const fields: [path: string, what: string, b: unknown, c: unknown][] = [
    // Typed as 1, but a report may come from anywhere: check the value, not the type.
    ['schemaVersion', 'report schema version', baseline.schemaVersion, current.schemaVersion],
    ['scenario.name', 'scenario', baseline.scenario.name, current.scenario.name],
    ['model', 'load model', baseline.model, current.model],
    ['unit', 'load unit', baseline.unit, current.unit],
    // The fixtures' capacity is set by their parameters, an external target's by itself.
    ['target', 'system under load', systemOf(baseline), systemOf(current)],
    // A timeline's numbers (failures against time) and a ramp's (an onset) measure different things.
    ['plan', 'kind of run', kindOf(baseline), kindOf(current)],
  ];
  const problems: Problem[] = fields
    .filter(([, , b, c]) => b !== c)
    .map(([path, what, b, c]) => ({
      path,
      message: `the ${what} differs: ${names.baseline} has ${JSON.stringify(b)}, ${names.current} has ${JSON.stringify(c)}`,
    }));
  if (problems.length === 0) return;
  const which = problems.map((problem) => problem.path).join(', ');
  throw new OverloadError('REPORTS_INCOMPATIBLE', `${names.baseline} and ${names.current} cannot be compared: they differ in ${which}.`, {
    problems,
    hint: 'Compare runs of the same scenario and model (and the same overload report version): run the scenario again with the baseline’s settings.',
  });
}

/** A timeline, or a search or ramp for the onset (the two kinds of run compare different metrics). */
function kindOf(report: Report): string {
  return report.plan === 'timeline' ? 'a timeline' : 'an onset search or ramp';
}

/** What a report loaded: its own fixtures, or an external target (`--target`). */
function systemOf(report: Report): string {
  return report.target === undefined ? 'the fixtures' : 'an external target';
}

/**
 * Whether the comparison may pass a build: nothing regressed, and at least one metric could be
 * compared. A current run that measured nothing comparable (every step invalid, interrupted at
 * once) must not turn a CI capacity gate green (found in review).
 */
export function comparisonPasses(comparison: Comparison): boolean {
  return !comparison.regressed && comparison.metrics.some((metric) => metric.verdict !== 'insufficient-data');
}

/** The verdict of the whole comparison, for a heading: any regression wins, then any improvement. */
export function overallVerdict(comparison: Comparison): MetricVerdict {
  const verdicts = comparison.metrics.map((metric) => metric.verdict);
  if (verdicts.includes('regressed')) return 'regressed';
  if (verdicts.includes('improved')) return 'improved';
  if (verdicts.includes('unchanged')) return 'unchanged';
  return 'insufficient-data';
}

function describeRun(report: Report, source: string | undefined): ComparedRun {
  return {
    source: source ?? null,
    scenario: report.scenario.name,
    model: report.model,
    unit: report.unit,
    createdAt: report.createdAt,
    toolVersion: report.tool.version,
    environment: report.environment,
    trials: Math.max(1, report.trials.length),
    interrupted: report.interrupted,
  };
}

function compareOnset(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const unit = baseline.unit;
  const spec: MetricSpec = { metric: 'onset', label: 'onset', unit: unitLabel(unit), higherIsBetter: true, loadUnit: unit };
  const b = onsetInterval(baseline);
  const c = onsetInterval(current);
  if (b !== null && c !== null) return judge(spec, b, c, tolerance);
  return withoutOnset(spec, { interval: b, upTo: passedUpTo(baseline) }, { interval: c, upTo: passedUpTo(current) }, tolerance);
}

function compareGoodput(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const spec: MetricSpec = { metric: 'maxGoodput', label: 'max goodput', unit: 'req/s', higherIsBetter: true, loadUnit: baseline.unit };
  const b = goodputInterval(baseline);
  const c = goodputInterval(current);
  if (b !== null && c !== null) return judge(spec, b, c, tolerance);
  const missing = [b === null ? 'the baseline' : null, c === null ? 'the current run' : null].filter((run) => run !== null);
  return insufficient(spec, b, c, `${missing.join(' and ')} measured no valid step`);
}

function compareLatency(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const unit = baseline.unit;
  const spec: MetricSpec = { metric: 'p99Latency', label: 'p99 latency', unit: 'ms', higherIsBetter: false, loadUnit: unit };
  const load = latencyLoad(baseline);
  if (load === null) return insufficient(spec, null, null, 'the baseline passed no valid step, so there is no load to compare latency at');
  const labelled: MetricSpec = { ...spec, label: `p99 latency at ${formatLoad(load, unit)}` };
  const b = latencyAt(baseline, load);
  const c = latencyAt(current, load);
  const bi = intervalOf(b.values);
  const ci = intervalOf(c.values);
  if (bi === null) return insufficient(labelled, null, ci, 'the baseline has no passing step with 2xx latencies there');
  if (ci === null) return insufficient(labelled, bi, null, whyNoLatency(current, load));
  // Say when the current run's numbers come from a neighbouring load, so nobody reads them as equal loads.
  const other = [...new Set(c.loads.filter((l) => l !== load))].map((l) => formatLoadValue(l, unit));
  const note = other.length === 0 ? '' : ` (current run at ${other.join(', ')} ${unitLabel(unit)}, the nearest passing load)`;
  const judged = judge(labelled, bi, ci, tolerance, note);
  // The p99 one step below the onset, of one run, moves by more than any sane tolerance on a shared
  // machine (measured: 58.4 → 88.3 ms between two runs of the same code), so a single run may show
  // it unchanged, but only trials may call it regressed or improved.
  if ((bi.trials < 2 || ci.trials < 2) && (judged.verdict === 'regressed' || judged.verdict === 'improved')) {
    const single = [bi.trials < 2 ? 'the baseline' : null, ci.trials < 2 ? 'the current run' : null].filter((run) => run !== null).join(' and ');
    return {
      ...judged,
      verdict: 'insufficient-data',
      reason: `${judged.reason.replace(/\.$/, '')}; but ${single} had one trial, and one run’s p99 here varies by more than that: run both with --repeat 3 to judge it.`,
    };
  }
  return judged;
}
