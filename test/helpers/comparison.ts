/** How the tests of `overload compare` run a comparison and pick one metric out of it. */
import assert from 'node:assert/strict';
import { compare } from '../../harness/report/compare.ts';
import type { Comparison, MetricComparison, MetricName } from '../../harness/report/comparison.ts';
import type { Report } from '../../harness/report/schema.ts';

/** Compares two reports as `overload compare baseline.json current.json` would. */
export function run(baseline: Report, current: Report, tolerance = 0.05): Comparison {
  return compare(baseline, current, { tolerance, baselineSource: 'baseline.json', currentSource: 'current.json' });
}

/** The comparison's metric `name`, which must be there. */
export function metric(comparison: Comparison, name: MetricName): MetricComparison {
  const found = comparison.metrics.find((m) => m.metric === name);
  assert.ok(found, `no ${name} in the comparison`);
  return found;
}
