/**
 * The steps as CSV (`steps.csv`, RFC 4180: CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled), for spreadsheets and notebooks: one row per step of every trial
 * (a single run is trial 0), sorted by trial then by the order the steps ran.
 *
 * Numbers are written as the report holds them (`String(n)`, what JSON has), never formatted:
 * `1,614` or `50.3 %` would not parse back as numbers. A null is an empty cell. After the fixed
 * columns come one per status code seen in any step (`status_200`, `status_502`, numeric order)
 * and one per cause seen (`cause_upstream_closed`, …, name order); a step that saw none of one
 * has 0 there, since a tally leaves zeros out. Returns a string and writes nothing.
 *
 * A timeline run has no steps: its CSV has one row per bucket instead (`t` in ms from the start of
 * the load, then the bucket's counts, statuses, client errors and causes), in time order.
 */
import type { Report, StepResult, TimelineBucket } from '../schema.ts';

type Cell = string | number | boolean | null;

/** The fixed columns, each with how it reads a step; the trial and unit come from outside the step. */
const COLUMNS: readonly [string, (step: StepResult) => Cell][] = [
  ['index', (s) => s.index],
  ['offered', (s) => s.offered],
  ['durationMs', (s) => s.durationMs],
  ['tailMs', (s) => s.tailMs],
  ['sent', (s) => s.sent],
  ['completed', (s) => s.completed],
  ['errored', (s) => s.errored],
  ['lost', (s) => s.lost],
  ['unfinished', (s) => s.unfinished],
  ['late', (s) => s.late],
  ['achievedRps', (s) => s.achievedRps],
  ['goodputRps', (s) => s.goodputRps],
  ['failures', (s) => s.failures],
  ['failureRatio', (s) => s.failureRatio],
  ['predictedFailureRatio', (s) => s.predictedFailureRatio],
  ['passed', (s) => s.passed],
  ['valid', (s) => s.valid],
  ['invalidReason', (s) => s.invalidReason],
  ['okP50Ms', (s) => s.latencyMs.ok?.p50 ?? null],
  ['okP90Ms', (s) => s.latencyMs.ok?.p90 ?? null],
  ['okP99Ms', (s) => s.latencyMs.ok?.p99 ?? null],
  ['okMaxMs', (s) => s.latencyMs.ok?.max ?? null],
  ['failedP99Ms', (s) => s.latencyMs.failed?.p99 ?? null],
  ['fromIntendedP99Ms', (s) => s.latencyMs.fromIntended?.p99 ?? null],
  ['generatorCpu', (s) => s.generator.cpu],
  ['eventLoopDelayP99Ms', (s) => s.generator.eventLoopDelayP99Ms],
  ['sendLagP99Ms', (s) => s.generator.sendLagP99Ms],
  ['upstreamServiceMs', (s) => s.fixtures?.upstreamServiceMs ?? null],
];

/** Renders every step of every trial (or every bucket of a timeline) as CSV with a header row; every line ends with CRLF. */
export function render(report: Report): string {
  if (report.timeline !== undefined) return renderBuckets(report.timeline.buckets);
  const rows = trialsOf(report).flatMap((trial) => [...trial.steps].sort((a, b) => a.index - b.index).map((step) => ({ trial: trial.index, step })));
  const steps = rows.map((r) => r.step);
  const statuses = [...new Set(steps.flatMap((s) => Object.keys(s.status)))].sort((a, b) => Number(a) - Number(b) || compare(a, b));
  const causes = [...new Set(steps.flatMap((s) => Object.keys(s.causes)))].sort(compare);
  const header = ['trial', 'index', 'offered', 'unit', ...COLUMNS.slice(2).map(([name]) => name), ...statuses.map((code) => `status_${code}`), ...causes.map((cause) => `cause_${cause}`)];
  const lines = [header.map(field), ...rows.map(({ trial, step }) => [
    trial,
    ...COLUMNS.slice(0, 2).map(([, read]) => read(step)),
    report.unit,
    ...COLUMNS.slice(2).map(([, read]) => read(step)),
    ...statuses.map((code) => step.status[code] ?? 0),
    ...causes.map((cause) => step.causes[cause] ?? 0),
  ].map(field))];
  return lines.map((line) => `${line.join(',')}\r\n`).join('');
}

/** A timeline's buckets, one row each: the fixed counts, then statuses, client errors and causes seen anywhere. */
function renderBuckets(buckets: readonly TimelineBucket[]): string {
  const keys = (read: (b: TimelineBucket) => Record<string, number>): string[] => [...new Set(buckets.flatMap((b) => Object.keys(read(b))))];
  const statuses = keys((b) => b.status).sort((a, b) => Number(a) - Number(b) || compare(a, b));
  const errors = keys((b) => b.errors).sort(compare);
  const causes = keys((b) => b.causes).sort(compare);
  const header = ['t', 'sent', 'ok', 'failures', 'firstFailureAt', 'lastFailureAt', ...statuses.map((c) => `status_${c}`), ...errors.map((c) => `error_${c}`), ...causes.map((c) => `cause_${c}`)];
  const rows = buckets.map((b) => [b.t, b.sent, b.ok, b.failures, b.firstFailureAt, b.lastFailureAt, ...statuses.map((c) => b.status[c] ?? 0), ...errors.map((c) => b.errors[c] ?? 0), ...causes.map((c) => b.causes[c] ?? 0)]);
  return [header, ...rows].map((line) => `${line.map(field).join(',')}\r\n`).join('');
}

/** The trials, or the single run as trial 0 (the report lists trials only with --repeat). */
function trialsOf(report: Report): { index: number; steps: readonly StepResult[] }[] {
  const trials = report.trials.length > 0 ? report.trials : [{ index: 0, steps: report.steps }];
  return [...trials].sort((a, b) => a.index - b.index);
}

/** Code-unit order, the same on every machine (localeCompare depends on the locale). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One field: empty for null; quoted, with quotes doubled, when it holds a comma, quote or line break (RFC 4180 §2.6–2.7). */
function field(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
