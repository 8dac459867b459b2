/**
 * `overload compare` (DESIGN.md §6): a pure function from two reports to a {@link Comparison}.
 * Per metric (onset, max goodput, p99 latency of 2xx at the baseline's highest passing load) it
 * builds an interval per run and calls a change only when the intervals are apart by more than
 * the tolerance, so identical code on a noisy machine stays `unchanged` (hyperfine's rule: a
 * comparison that cannot tell says so rather than guess).
 *
 * Interval of a run: with trials (`--repeat`), [min, max] of the trials' values; a single run's
 * onset is its bracket [highest passing, lowest failing]; any other single value is [v, v].
 * Regressed, for a metric where higher is better: (baseline.low − current.high) / baseline.low >
 * tolerance; improved: (current.low − baseline.high) / baseline.high > tolerance; mirrored where
 * lower is better (latency). The gap is relative to the baseline's edge nearest the current run.
 * `change` compares the medians: the report's onset with trials (the median trial), the median of
 * the trials' values otherwise.
 *
 * Worked examples on frozen reports: test/unit/compare.test.ts.
 */
import { OverloadError, type Problem } from '../errors.ts';
import { formatLoad, formatLoadValue, formatMs, formatPercent, formatRate, formatSetting, type LoadUnit, unitLabel } from '../format.ts';
import { capacity } from './build.ts';
import type { ComparedRun, Comparison, MetricComparison, MetricInterval, MetricName, MetricVerdict } from './comparison.ts';
import type { LatencySummary, Report, StepResult } from './schema.ts';

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
 * How far the current run's load may be from the baseline's for their p99 latencies to be
 * compared: an onset search rarely measures the same loads twice (open model: 405 vs 400 req/s).
 */
export const LATENCY_LOAD_MATCH = 0.05;

/**
 * Compares `current` with `baseline`, metric by metric.
 * @throws OverloadError `REPORTS_INCOMPATIBLE` (exit 2) when the reports measure different things
 *   (see {@link assertComparable}).
 */
export function compare(baseline: Report, current: Report, options: CompareOptions): Comparison {
  const sources = { baseline: options.baselineSource, current: options.currentSource };
  assertComparable(baseline, current, sources);
  const { tolerance } = options;
  const metrics = [compareOnset(baseline, current, tolerance), compareGoodput(baseline, current, tolerance), compareLatency(baseline, current, tolerance)];
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

/** What a report loaded: its own fixtures, or an external target (`--target`). */
function systemOf(report: Report): string {
  return report.target === undefined ? 'the fixtures' : 'an external target';
}

/** The verdict of the whole comparison, for a heading: any regression wins, then any improvement. */
export function overallVerdict(comparison: Comparison): MetricVerdict {
  const verdicts = comparison.metrics.map((metric) => metric.verdict);
  if (verdicts.includes('regressed')) return 'regressed';
  if (verdicts.includes('improved')) return 'improved';
  if (verdicts.includes('unchanged')) return 'unchanged';
  return 'insufficient-data';
}

/** A metric's value as a bare number in its own format: `21` connections, `396` req/s, `52.3` ms. */
export function formatMetricValue(metric: MetricName, value: number, unit: LoadUnit): string {
  switch (metric) {
    case 'onset':
      return formatLoadValue(value, unit);
    case 'maxGoodput':
      return formatRate(value);
    case 'p99Latency':
      // formatMs's digits without its unit, so a pair reads `52.3 → 66.1 ms`.
      return formatMs(value).replace(/ ms$/, '');
  }
}

/** An interval for a table cell: the median, then the range when it is one: `396 (394–398)`, `21`. */
export function formatInterval(metric: MetricName, interval: MetricInterval | null, unit: LoadUnit): string {
  if (interval === null) return '—';
  const median = formatMetricValue(metric, interval.median, unit);
  const range = formatRange(metric, interval, unit);
  return range === median ? median : `${median} (${range})`;
}

/** A relative change with its sign: `+27.5 %`, `−25.0 %` (U+2212), `0 %`; `—` when there is none. */
export function formatChange(change: number | null): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  return `${sign}${formatPercent(Math.abs(change))}`;
}

/**
 * Reads `--tolerance`: a percentage, `5%`, `5 %` or a bare `5`, from 0 to 100 %; returns the
 * fraction (0.05). A bare number below 1 (`0.05`) is refused: it reads as 5 % to some and as
 * 0.05 % to others, and a silent factor of 100 in a CI gate would pass every regression.
 * Examples: test/unit/compare.test.ts, "reads --tolerance".
 * @throws OverloadError `USAGE` (exit 2) naming the value and the fix.
 */
export function parseTolerance(text: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(%?)$/.exec(text.trim());
  const hint = 'Write the tolerance as a percentage from 0 to 100, e.g. --tolerance 5% (or 5).';
  if (match === null) throw new OverloadError('USAGE', `--tolerance ${JSON.stringify(text)} is not a percentage.`, { hint });
  const [, digits = '', percentSign] = match;
  const value = Number(digits);
  if (percentSign === '' && value > 0 && value < 1) {
    throw new OverloadError('USAGE', `--tolerance ${text} is ambiguous: it could mean ${value} % or ${formatSetting(value)}.`, {
      hint: `Write the percent sign: --tolerance ${formatSetting(value).replace(' ', '')} or --tolerance ${value}%.`,
    });
  }
  if (value > 100) throw new OverloadError('USAGE', `--tolerance ${text} is above 100 %.`, { hint });
  return value / 100;
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

/** The run's trials; a single run (no `--repeat`) is one trial made of the report's steps. */
function trialsOf(report: Report): { onset: Report['onset']; steps: StepResult[] }[] {
  return report.trials.length > 0 ? report.trials : [{ onset: report.onset, steps: report.steps }];
}

/** The median of a non-empty list (mean of the two middle values for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

function intervalOf(values: readonly number[], mid = median(values)): MetricInterval | null {
  if (values.length === 0) return null;
  return { low: Math.min(...values), median: mid, high: Math.max(...values), trials: values.length };
}

/** `394–398`, or one number when both ends print the same. */
function formatRange(metric: MetricName, interval: MetricInterval, unit: LoadUnit): string {
  const low = formatMetricValue(metric, interval.low, unit);
  const high = formatMetricValue(metric, interval.high, unit);
  return low === high ? low : `${low}–${high}`;
}

/** `gap` relative to `base`; 0 when the intervals touch or overlap; infinite above a zero baseline. */
function relativeGap(gap: number, base: number): number {
  if (gap <= 0) return 0;
  return base > 0 ? gap / base : Number.POSITIVE_INFINITY;
}

interface MetricSpec {
  metric: MetricName;
  label: string;
  unit: string;
  higherIsBetter: boolean;
  loadUnit: LoadUnit;
}

/** The verdict on two intervals, with the sentence that justifies it; `note` ends the sentence. */
function judge(spec: MetricSpec, b: MetricInterval, c: MetricInterval, tolerance: number, note = ''): MetricComparison {
  const change = b.median === 0 ? null : (c.median - b.median) / b.median;
  const below = relativeGap(b.low - c.high, b.low);
  const above = relativeGap(c.low - b.high, b.high);
  const worse = spec.higherIsBetter ? below : above;
  const better = spec.higherIsBetter ? above : below;
  const verdict: MetricVerdict = worse > tolerance ? 'regressed' : better > tolerance ? 'improved' : 'unchanged';

  const value = (interval: MetricInterval): string => formatMetricValue(spec.metric, interval.median, spec.loadUnit);
  const head = `${spec.label} ${value(b)} → ${value(c)} ${spec.unit}${change === null ? '' : ` (${formatChange(change)})`}`;
  const tol = `the ${formatSetting(tolerance)} tolerance`;
  const theBaseline = b.low === b.high ? 'the baseline' : `the baseline’s range (${formatRange(spec.metric, b, spec.loadUnit)})`;
  const gap = Math.max(below, above);
  let why: string;
  if (gap === 0) {
    why = b.low === b.high && c.low === c.high ? 'the same in both runs' : `the runs’ ranges overlap (baseline ${formatRange(spec.metric, b, spec.loadUnit)}, current ${formatRange(spec.metric, c, spec.loadUnit)})`;
  } else {
    const side = below > 0 ? 'below' : 'above';
    const amount = Number.isFinite(gap) ? ` by ${formatPercent(gap)}` : '';
    why = `${side} ${theBaseline}${amount}, ${verdict === 'unchanged' ? 'within' : 'more than'} ${tol}`;
  }
  return result(spec, b, c, change, verdict, `${head}: ${why}${note}.`);
}

function result(spec: MetricSpec, b: MetricInterval | null, c: MetricInterval | null, change: number | null, verdict: MetricVerdict, reason: string): MetricComparison {
  return { metric: spec.metric, label: spec.label, unit: spec.unit, higherIsBetter: spec.higherIsBetter, baseline: b, current: c, change, verdict, reason };
}

function insufficient(spec: MetricSpec, b: MetricInterval | null, c: MetricInterval | null, why: string): MetricComparison {
  return result(spec, b, c, null, 'insufficient-data', `${spec.label}: ${why}.`);
}

/** Onset interval: the trials' onsets ([min, max], median = the report's onset), else the single run's bracket. */
function onsetInterval(report: Report): MetricInterval | null {
  if (report.onset === null) return null;
  if (report.trials.length === 0) return { low: report.onset.low, median: report.onset.value, high: report.onset.high, trials: 1 };
  const values = report.trials.flatMap((trial) => (trial.onset === null ? [] : [trial.onset.value]));
  return intervalOf(values, report.onset.value);
}

/**
 * For a run without an onset: the load every trial without one passed up to, counting only
 * passes below its lowest valid failure (an interrupted search may have failed once without
 * finishing its bracket); null when a trial passed no valid step.
 */
function passedUpTo(report: Report): number | null {
  let bound = Number.POSITIVE_INFINITY;
  for (const trial of trialsOf(report)) {
    if (trial.onset !== null) continue;
    const lowestFail = Math.min(...trial.steps.filter((s) => s.valid && !s.passed).map((s) => s.offered));
    const passes = trial.steps.filter((s) => s.valid && s.passed && s.offered < lowestFail).map((s) => s.offered);
    if (passes.length === 0) return null;
    bound = Math.min(bound, Math.max(...passes));
  }
  return Number.isFinite(bound) ? bound : null;
}

function compareOnset(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const unit = baseline.unit;
  const spec: MetricSpec = { metric: 'onset', label: 'onset', unit: unitLabel(unit), higherIsBetter: true, loadUnit: unit };
  const b = onsetInterval(baseline);
  const c = onsetInterval(current);
  if (b !== null && c !== null) return judge(spec, b, c, tolerance);
  return withoutOnset(spec, { interval: b, upTo: passedUpTo(baseline) }, { interval: c, upTo: passedUpTo(current) }, tolerance);
}

/** One run's onset, or, when it found none, the load it passed up to (its onset is above it). */
interface OnsetSide {
  interval: MetricInterval | null;
  upTo: number | null;
}

/**
 * The onset when a run found none: its onset is above the load it passed up to, so only a bound
 * can be compared. The current run improved when it passed, without an onset, loads above the
 * baseline's onset; it regressed when it fails below loads the baseline passed; each by more than
 * the tolerance. When neither found one, the current run holding at least as far as the baseline
 * is no sign of a change. Anything else (a run that stopped short) cannot tell.
 */
function withoutOnset(spec: MetricSpec, b: OnsetSide, c: OnsetSide, tolerance: number): MetricComparison {
  const load = (value: number): string => formatLoad(value, spec.loadUnit);
  const tol = `the ${formatSetting(tolerance)} tolerance`;
  const none = (run: string, up: number | null): string =>
    up === null ? `the ${run} run found no onset and passed no valid step` : `the ${run} run found no onset up to ${load(up)}`;
  const judged = (verdict: MetricVerdict, gap: number, text: string): MetricComparison =>
    result(spec, b.interval, c.interval, null, verdict, `${text}, ${gap > tolerance ? 'more than' : 'within'} ${tol}.`);

  if (b.interval === null && c.interval === null) {
    const both = b.upTo === null && c.upTo === null ? 'neither run passed a valid step' : `${none('baseline', b.upTo)}, and ${none('current', c.upTo)}`;
    if (b.upTo === null || c.upTo === null || c.upTo < b.upTo) return insufficient(spec, null, null, both);
    const text = `onset none up to ${load(b.upTo)} → none up to ${load(c.upTo)}: neither run reached the criterion, and the current one held at least as far, so there is no sign of a change.`;
    return result(spec, null, null, null, 'unchanged', text);
  }
  if (b.interval !== null) {
    const onset = b.interval;
    if (c.upTo === null || c.upTo < onset.high) {
      const short = c.upTo === null ? '' : `, below the baseline’s onset of ${load(onset.median)}, so it cannot tell whether the onset moved`;
      return insufficient(spec, onset, null, `${none('current', c.upTo)}${short}`);
    }
    const gap = relativeGap(c.upTo - onset.high, onset.high);
    const text = `onset ${load(onset.median)} → none up to ${load(c.upTo)}: the current run passed every load it measured up to ${load(c.upTo)}, ${formatPercent(gap)} above the baseline’s onset`;
    return judged(gap > tolerance ? 'improved' : 'unchanged', gap, text);
  }
  const onset = c.interval; // not null: both-null was handled above
  if (onset === null || b.upTo === null || onset.high > b.upTo) {
    const short = b.upTo === null || onset === null ? '' : `, below the current onset of ${load(onset.median)}, so it cannot tell whether the onset moved`;
    return insufficient(spec, null, onset, `${none('baseline', b.upTo)}${short}`);
  }
  const gap = relativeGap(b.upTo - onset.high, b.upTo);
  const text = `onset none up to ${load(b.upTo)} → ${load(onset.median)}: the current run fails at ${load(onset.high)}, ${formatPercent(gap)} below the ${load(b.upTo)} the baseline passed`;
  return judged(gap > tolerance ? 'regressed' : 'unchanged', gap, text);
}

/** Max goodput: per trial the highest 2xx/s of any valid step (`capacity`, as the report computes it). */
function goodputInterval(report: Report): MetricInterval | null {
  if (report.trials.length === 0) return report.capacity === null ? null : intervalOf([report.capacity.maxGoodputRps]);
  return intervalOf(report.trials.flatMap((trial) => capacity(trial.steps)?.maxGoodputRps ?? []));
}

function compareGoodput(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const spec: MetricSpec = { metric: 'maxGoodput', label: 'max goodput', unit: 'req/s', higherIsBetter: true, loadUnit: baseline.unit };
  const b = goodputInterval(baseline);
  const c = goodputInterval(current);
  if (b !== null && c !== null) return judge(spec, b, c, tolerance);
  const missing = [b === null ? 'the baseline' : null, c === null ? 'the current run' : null].filter((run) => run !== null);
  return insufficient(spec, b, c, `${missing.join(' and ')} measured no valid step`);
}

/** A step with 2xx latencies. */
type WithOkLatency = StepResult & { latencyMs: { ok: LatencySummary } };

/** Steps whose 2xx latency describes the system while it copes: valid, passing, with 2xx answers. */
function passing(steps: readonly StepResult[]): WithOkLatency[] {
  return steps.filter((s): s is WithOkLatency => s.valid && s.passed && s.latencyMs.ok !== null);
}

/**
 * Per trial, the p99 of the passing step nearest to `load` within {@link LATENCY_LOAD_MATCH}
 * (the lower load on a tie), and the loads used. A failing step at `load` is not used: its 2xx
 * are the requests that got through while others were refused, not the same population.
 */
function latencyAt(report: Report, load: number): { values: number[]; loads: number[] } {
  const values: number[] = [];
  const loads: number[] = [];
  for (const trial of trialsOf(report)) {
    const near = passing(trial.steps)
      .filter((s) => Math.abs(s.offered - load) <= LATENCY_LOAD_MATCH * load)
      .sort((x, y) => Math.abs(x.offered - load) - Math.abs(y.offered - load) || x.offered - y.offered)[0];
    if (near === undefined) continue;
    values.push(near.latencyMs.ok.p99);
    loads.push(near.offered);
  }
  return { values, loads };
}

function compareLatency(baseline: Report, current: Report, tolerance: number): MetricComparison {
  const unit = baseline.unit;
  const spec: MetricSpec = { metric: 'p99Latency', label: 'p99 latency', unit: 'ms', higherIsBetter: false, loadUnit: unit };
  // L comes from the baseline's first trial (report.steps): its highest passing valid load.
  const loads = passing(baseline.steps).map((s) => s.offered);
  if (loads.length === 0) return insufficient(spec, null, null, 'the baseline passed no valid step, so there is no load to compare latency at');
  const load = Math.max(...loads);
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
  return judge(labelled, bi, ci, tolerance, note);
}

/** Why the current run has no latency to compare at `load`, with the loads it did pass nearest to it. */
function whyNoLatency(current: Report, load: number): string {
  const steps = trialsOf(current).flatMap((trial) => trial.steps);
  const ok = passing(steps).map((s) => s.offered);
  const within = `within ${formatSetting(LATENCY_LOAD_MATCH)} of ${formatLoad(load, current.unit)}`;
  if (ok.length === 0) return 'the current run passed no valid step at all';
  const failedThere = steps.some((s) => s.valid && !s.passed && Math.abs(s.offered - load) <= LATENCY_LOAD_MATCH * load);
  const nearest = ok.reduce((best, l) => (Math.abs(l - load) < Math.abs(best - load) ? l : best));
  const fail = failedThere ? 'failed there and ' : '';
  return `the current run ${fail}passed no load ${within} (nearest passing: ${formatLoad(nearest, current.unit)}), so it has no latency at a comparable load`;
}

/** Parameters that do not change what is measured: names, prose and the scenario's own checks. */
const UNMEASURED = new Set(['name', 'description', 'expect']);
/** How many differing parameters a warning lists by name. */
const LISTED = 5;

/** What a reader should know that changes no verdict: another machine, an interrupted run, other settings. */
function warnings(baseline: Report, current: Report): string[] {
  const out: string[] = [];
  const machine = (r: Report): string => `${r.environment.cpuModel}, ${r.environment.cpus} ${r.environment.cpus === 1 ? 'CPU' : 'CPUs'}`;
  if (baseline.environment.cpuModel !== current.environment.cpuModel || baseline.environment.cpus !== current.environment.cpus) {
    out.push(`The runs were measured on different machines (baseline: ${machine(baseline)}; current: ${machine(current)}): a difference may come from the machine, not the change.`);
  }
  for (const [run, report] of [['baseline', baseline], ['current', current]] as const) {
    if (!report.interrupted) continue;
    const n = trialsOf(report).reduce((sum, trial) => sum + trial.steps.length, 0);
    const held = n === 0 ? 'no step' : `only the ${n} ${n === 1 ? 'step' : 'steps'} measured before it stopped`;
    out.push(`The ${run} run was interrupted: it holds ${held}.`);
  }
  if (baseline.plan !== current.plan) {
    out.push(`The baseline ran a${baseline.plan === 'search' ? 'n onset search' : ' ramp'} and the current run a${current.plan === 'search' ? 'n onset search' : ' ramp'}: their onsets are bracketed differently.`);
  }
  const changed = differences(baseline.scenario.parameters, current.scenario.parameters, '');
  if (changed.length > 0) {
    const more = changed.length > LISTED ? `, and ${changed.length - LISTED} more` : '';
    out.push(`The scenario’s parameters differ: ${changed.slice(0, LISTED).join('; ')}${more}.`);
  }
  return out;
}

/** Leaf-by-leaf differences of two resolved scenarios, as `upstream.workers 4 → 3`. */
function differences(b: unknown, c: unknown, path: string): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(b) && isObject(c)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(c)])].filter((key) => path !== '' || !UNMEASURED.has(key));
    return keys.flatMap((key) => differences(b[key], c[key], path === '' ? key : `${path}.${key}`));
  }
  const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));
  return show(b) === show(c) ? [] : [`${path} ${show(b)} → ${show(c)}`];
}
