/**
 * The terminal summary of a timeline run: the verdict's numbers, the failure windows, the
 * recoveries and the events, then failures and goodput per second against time. The
 * counterpart of `text.ts` for `plan: 'timeline'`; the same building blocks (`text-parts.ts`).
 */
import { formatCount, formatLoad, formatPercent, formatSeconds } from '../../format.ts';
import { topCount, totalCount } from '../../stats/counts.ts';
import type { Report, TimelineBucket, TimelineResult } from '../schema.ts';
import { chart, painter, wrap, type Style, type TextOptions } from './text-parts.ts';
import { describeEvent, describeRecovery } from './timeline-shared.ts';

/** Column where the values of the labelled summary lines start, as in `text.ts`. */
const KEY_WIDTH = 12;

/** Renders the terminal summary of a timeline report; ends with one newline. */
export function renderTimelineText(report: Report, options: TextOptions): string {
  const paint = painter(options);
  const timeline = report.timeline;
  const lines: string[] = [];
  const span = timeline === undefined ? '' : `, ${formatSeconds(timeline.durationMs)} at ${formatLoad(timeline.offered, report.unit)}`;
  lines.push(paint('bold', `overload: ${report.scenario.name}`) + ` (${report.model} model, timeline${span})`);
  if (report.interrupted) lines.push(paint('yellow', 'Interrupted: the report holds what was measured before the run stopped.'));
  lines.push('');
  for (const sentence of report.explanation) lines.push(...wrap(sentence, options.width, ''));
  if (report.explanation.length > 0) lines.push('');
  if (timeline === undefined) return `${[...lines, 'No timeline was measured.'].join('\n')}\n`;
  lines.push(...summary(report, timeline, options.width, paint));
  lines.push(...charts(timeline, options));
  return `${lines.join('\n')}\n`;
}

function summary(report: Report, timeline: TimelineResult, width: number, paint: (style: Style, text: string) => string): string[] {
  const out: string[] = [];
  const keyed = (key: string, text: string): void => {
    const [first = '', ...rest] = wrap(text, width, ' '.repeat(KEY_WIDTH));
    out.push(`  ${key.padEnd(KEY_WIDTH - 2)}${first.trimStart()}`, ...rest);
  };
  const { totals, windows } = timeline;
  keyed('failed', `${paint('bold', formatCount(totals.failures))} of ${formatCount(totals.sent)} requests (${formatPercent(totals.sent === 0 ? 0 : Math.min(1, totals.failures / totals.sent))})`);
  keyed('windows', windows.length === 0 ? 'none' : windows.map((w) => `${formatSeconds(w.start)}–${formatSeconds(w.end)} (${formatCount(w.failures)})`).join(', '));
  for (const recovery of timeline.recoveries) keyed('recovery', describeRecovery(recovery));
  const top = topCount(report.causes);
  keyed('cause', top === null ? 'none: the gateway failed no request' : `${top.key}, ${formatCount(top.count)} of ${formatCount(totalCount(report.causes))} failures (${formatPercent(top.share)})`);
  for (const event of timeline.events) keyed('event', describeEvent(event));
  if (!timeline.valid) keyed('invalid', timeline.invalidReason ?? 'the generator was the bottleneck');
  const failed = report.expectations.filter((e) => !e.passed);
  if (report.expectations.length > 0) {
    const held = `${formatCount(report.expectations.length - failed.length)} of ${formatCount(report.expectations.length)} held`;
    keyed('expect', failed.length === 0 ? paint('green', held) : paint('red', held));
    for (const e of failed) out.push(...wrap(`${paint('red', 'FAILED')} ${e.description}: ${e.actual}`, width, ' '.repeat(KEY_WIDTH)));
  }
  return out;
}

/**
 * Failures and goodput per second of each bucket, against time; a label under every whole second.
 * `chart()` gives each value at least two columns, so when the buckets do not fit in the width,
 * `k` consecutive buckets share a column (their counts added, over their `k × bucketMs`).
 */
function charts(timeline: TimelineResult, options: TextOptions): string[] {
  const { buckets, bucketMs } = timeline;
  if (buckets.length === 0) return ['', 'No request was sent.'];
  const format = (v: number): string => formatCount(Math.round(v));
  const rate = (n: number, count: number): number => (n * 1000) / (count * bucketMs);
  // The y labels are at most as wide as the top bucket's rate; adding buckets up only lowers it.
  const labelWidth = Math.max(3, format(buckets.reduce((max, b) => Math.max(max, rate(Math.max(b.failures, b.ok), 1)), 0)).length);
  // A chart row: the label, a space, the axis, two columns a value and one trailing (text-parts.ts `chart`).
  const fits = Math.max(1, Math.floor((options.width - labelWidth - 2) / 2));
  const k = Math.ceil(buckets.length / fits);
  const groups = Array.from({ length: Math.ceil(buckets.length / k) }, (_, i) => buckets.slice(i * k, (i + 1) * k));
  const sum = (group: readonly TimelineBucket[], read: (b: TimelineBucket) => number): number => group.reduce((total, b) => total + read(b), 0);
  const labels = groups.map((group) => {
    const start = group[0]?.t ?? 0;
    const second = Math.ceil(start / 1000) * 1000;
    return second < start + k * bucketMs ? `${second / 1000}s` : '';
  });
  const failures = groups.map((group) => rate(sum(group, (b) => b.failures), group.length));
  const goodput = groups.map((group) => rate(sum(group, (b) => b.ok), group.length));
  const top = Math.max(1, ...failures, ...goodput);
  const width = k === 1 ? `${formatCount(bucketMs)} ms buckets` : `${formatCount(bucketMs)} ms buckets, ${formatCount(k)} to a column`;
  const out = ['', `Failures per second (${width}) against time`];
  out.push(...(failures.every((v) => v === 0) ? ['0 in every bucket'] : chart({ values: failures, max: top, height: 6, format, color: 'red' }, labels, options)));
  out.push('', 'Goodput (2xx per second) against time');
  out.push(...chart({ values: goodput, max: top, height: 6, format, color: 'green' }, labels, options));
  return out;
}
