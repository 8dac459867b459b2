/**
 * Latency recording for one status class (DESIGN.md §3 "Latency"): an HDR histogram
 * (`hdr-histogram-js`, pure-JS build, 3 significant digits) over whole microseconds.
 *
 * Percentile definition: HDR's. The p-th percentile is the value at or below which p % of the
 * samples fall, found by rank (the ⌈p/100 · n⌉-th smallest sample) and reported as the highest
 * value of that sample's bucket, so to the histogram's precision: exact below 2,048 µs, within
 * 0.1 % above (3,000 µs is reported as 3,001 µs). We cap each percentile at the exact maximum,
 * which HDR also keeps, so that p99 never exceeds max. This differs from simple-statistics'
 * `quantile`, which interpolates linearly between samples (R type 7): for 1, 2, …, 6 ms, HDR
 * gives p50 = 3.001 ms and p90 = 6 ms where linear interpolation gives 3.5 ms and 5.5 ms
 * (test/unit/histogram.test.ts).
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../report/schema.ts';

/** Significant decimal digits the histogram keeps (HdrHistogram's usual choice). */
export const SIGNIFICANT_DIGITS = 3;

/** Records latencies in milliseconds and summarizes them as HDR percentiles. */
export class LatencyRecorder {
  readonly #histogram: Histogram = build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    // The pure-JS histogram: WebAssembly needs an async init and buys nothing at our rates.
    useWebAssembly: false,
  });

  /**
   * Records one latency in milliseconds, stored as whole microseconds (at least 1, so that a
   * response faster than 0.5 µs is still counted). Throws a RangeError for a negative or
   * non-finite value: that is a clock bug in the caller, not a latency.
   */
  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`a latency must be a finite number of milliseconds, 0 or more (got ${ms}); check the clock that measured it`);
    }
    this.#histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  /** Number of latencies recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Count, p50, p90, p99 and max in milliseconds (µs precision); null when nothing was recorded. */
  summary(): LatencySummary | null {
    const histogram = this.#histogram;
    if (histogram.totalCount === 0) return null;
    // `maxValue` is the exact largest sample; percentiles are bucket tops (see the module comment).
    const maxUs = histogram.maxValue;
    const at = (percentile: number): number => Math.min(histogram.getValueAtPercentile(percentile), maxUs) / 1000;
    return { count: histogram.totalCount, p50: at(50), p90: at(90), p99: at(99), max: maxUs / 1000 };
  }

  /** Forgets every recorded latency. */
  reset(): void {
    this.#histogram.reset();
  }

  /** Releases the histogram (a no-op for the pure-JS build, required by the WebAssembly one). */
  destroy(): void {
    this.#histogram.destroy();
  }
}
