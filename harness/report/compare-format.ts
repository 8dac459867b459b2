/**
 * How a comparison's numbers read (DESIGN.md §6): a metric's value, an interval and a relative
 * change, as the verdict sentences (compare-verdict.ts) and the comparison renderers
 * (render/comparison-*.ts) print them, so a figure reads the same in both. Pure; the number
 * formats themselves are in format.ts.
 */
import { formatCount, formatLoadValue, formatMs, formatPercent, formatRate, type LoadUnit } from '../format.ts';
import type { MetricInterval, MetricName } from './comparison.ts';

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
    case 'failureShare':
      return formatPercent(value);
    case 'recoveryMs':
      return formatCount(value);
  }
}

/** An interval for a table cell: the median, then the range when it is one: `396 (394–398)`, `21`. */
export function formatInterval(metric: MetricName, interval: MetricInterval | null, unit: LoadUnit): string {
  if (interval === null) return '—';
  const median = formatMetricValue(metric, interval.median, unit);
  const range = formatRange(metric, interval, unit);
  return range === median ? median : `${median} (${range})`;
}

/** `394–398`, or one number when both ends print the same. */
export function formatRange(metric: MetricName, interval: MetricInterval, unit: LoadUnit): string {
  const low = formatMetricValue(metric, interval.low, unit);
  const high = formatMetricValue(metric, interval.high, unit);
  return low === high ? low : `${low}–${high}`;
}

/** A relative change with its sign: `+27.5 %`, `−25.0 %` (U+2212), `0 %`; `—` when there is none. */
export function formatChange(change: number | null): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  return `${sign}${formatPercent(Math.abs(change))}`;
}
