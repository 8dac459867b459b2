import assert from 'node:assert/strict';
import { quantile } from 'simple-statistics';
import { LatencyRecorder } from '../../harness/stats/histogram.ts';

function recorded(values: number[]): LatencyRecorder {
  const recorder = new LatencyRecorder();
  for (const value of values) recorder.record(value);
  return recorder;
}

describe('LatencyRecorder', () => {
  it('summarizes nothing as null', () => {
    assert.equal(new LatencyRecorder().summary(), null);
  });

  it('is exact to the microsecond below 2.048 ms', () => {
    assert.deepEqual(recorded([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]).summary(), { count: 6, p50: 0.3, p90: 0.6, p99: 0.6, max: 0.6 });
  });

  it('stores whole microseconds, rounding, and at least 1 µs', () => {
    assert.deepEqual(recorded([0.0004, 0.0015]).summary(), { count: 2, p50: 0.001, p90: 0.002, p99: 0.002, max: 0.002 });
  });

  it('uses HDR percentiles, which differ from simple-statistics linear interpolation on the same sample', () => {
    const sample = [1, 2, 3, 4, 5, 6];
    // HDR: the ⌈p/100 · n⌉-th sample, as its bucket's highest value (3 000 µs → 3 001 µs), capped at max.
    assert.deepEqual(recorded(sample).summary(), { count: 6, p50: 3.001, p90: 6, p99: 6, max: 6 });
    // simple-statistics: linear interpolation between neighbours (R type 7).
    assert.deepEqual([0.5, 0.9, 0.99].map((p) => quantile(sample, p)), [3.5, 5.5, 5.95]);
  });

  it('never reports a percentile above the exact maximum', () => {
    const summary = recorded([12.345]).summary();
    assert.deepEqual(summary, { count: 1, p50: 12.345, p90: 12.345, p99: 12.345, max: 12.345 });
  });

  it('forgets everything on reset', () => {
    const recorder = recorded([1, 2]);
    recorder.reset();
    assert.equal(recorder.count, 0);
    assert.equal(recorder.summary(), null);
    recorder.destroy();
  });

  it('refuses a negative or non-finite latency, naming the value', () => {
    const recorder = new LatencyRecorder();
    assert.throws(() => recorder.record(-1), /got -1/);
    assert.throws(() => recorder.record(Number.NaN), /got NaN/);
  });
});
