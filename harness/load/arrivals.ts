/**
 * When the open-loop driver sends each request of a step (DESIGN.md §3 "Open loop"), planned
 * before the first one leaves: the pacer then only has to keep the schedule, whatever the answers
 * do. Pure: the same input (and seed) gives the same times on every machine.
 *
 * Uniform, 10 req/s over 2 s (test/unit/arrivals.test.ts, "spaces uniform arrivals…"):
 * ```
 *  ↓    ↓    ↓    ↓    ↓         ↓    ↓          20 arrivals: 0, 100, …, 1900 ms
 *  ┼────┼────┼────┼────┼── … ────┼────┼────┤
 *  0   100  200  300  400       1800 1900 2000 ms (excluded: the next step's first arrival)
 * ```
 * Poisson: the gaps are independent exponential draws of mean 1/λ, so the count in a window is
 * Poisson-distributed around λT (its spread is what the M/M/c/K prediction assumes).
 */
import type { Arrivals } from '../config/scenario.ts';
import { exponential, seededRandom } from '../../fixtures/common/random.ts';

/** The stream of the scenario seed the arrival gaps draw from (fixtures/common/random.ts). */
export const ARRIVALS_STREAM = 'pacer.arrivals';

export interface ArrivalPlanInput {
  /** λ, arrivals per second; above 0. */
  rateRps: number;
  /** T, the span to plan, in ms; 0 or more. Every arrival is planned strictly before it. */
  durationMs: number;
  arrivals: Arrivals;
  /** Seed of the Poisson gaps (ignored by `uniform`). */
  seed: number;
  /** Arrivals at once at each planned time (`load.burst`): the bursts come at λ ÷ burst. 1 by default. */
  burst?: number;
}

/**
 * Planned send offsets, in ms from the start of the span, ascending, each in [0, T).
 *
 * - `uniform`: tᵢ = i · 1000/λ for every i with tᵢ < T, so exactly ⌈λT⌉ arrivals (T in s),
 *   the first at 0. A span of a whole number of gaps holds exactly λT of them, and consecutive
 *   spans planned this way tile with no gap or overlap. (Whole-number products are guarded
 *   against floating error: 0.3 s at 10 req/s gives 3 arrivals, not 4.)
 * - `poisson`: t₁ = g₁, tₖ = tₖ₋₁ + gₖ with gₖ = −ln(1 − U)/λ (inverse CDF of the exponential
 *   distribution), U from the seeded stream {@link ARRIVALS_STREAM}: its own stream, so the
 *   arrival gaps never share draws with the upstream's service times. The first arrival is one
 *   gap after the start, as in a Poisson process started at 0.
 * - `burst` > 1: the same at λ ÷ burst, each time repeated `burst` times (uniform: ⌈λT / burst⌉ bursts).
 *
 * @throws RangeError naming the input, its bad value and the fix.
 */
export function planArrivals(input: ArrivalPlanInput): Float64Array {
  const { rateRps, durationMs, arrivals, seed } = input;
  const burst = input.burst ?? 1;
  if (!(Number.isInteger(burst) && burst >= 1)) {
    throw new RangeError(`planArrivals: burst must be a whole number of requests, 1 or more (got ${burst}); pass load.burst`);
  }
  if (!(Number.isFinite(rateRps) && rateRps > 0)) {
    throw new RangeError(`planArrivals: rateRps must be a finite number of requests per second above 0 (got ${rateRps}); pass the step's offered load`);
  }
  if (!(Number.isFinite(durationMs) && durationMs >= 0)) {
    throw new RangeError(`planArrivals: durationMs must be a finite number of ms, 0 or more (got ${durationMs}); pass the warm-up plus the window`);
  }
  // The bursts are planned like single arrivals at λ ÷ burst, each time then repeated `burst` times;
  // after the checks above, so that a bad rate is named as given, not divided by the burst.
  if (burst > 1) {
    const bursts = planArrivals({ rateRps: rateRps / burst, durationMs, arrivals, seed });
    const times = new Float64Array(bursts.length * burst);
    bursts.forEach((t, i) => times.fill(t, i * burst, (i + 1) * burst));
    return times;
  }
  switch (arrivals) {
    case 'uniform':
      return uniform(rateRps, durationMs);
    case 'poisson':
      if (!Number.isInteger(seed)) {
        throw new RangeError(`planArrivals: seed must be an integer (got ${seed}); pass the scenario's seed`);
      }
      return poisson(rateRps, durationMs, seed);
  }
}

/**
 * Arrivals whose rate changes over the span (a timeline's `set-load` events): each segment, from
 * one change to the next (the last to `durationMs`), planned as {@link planArrivals} plans a span
 * of its own at its rate, then shifted to its start; Poisson segments draw from seed + their index,
 * so a change to one segment leaves the others' times as they were.
 * @throws RangeError when the first change is not at 0, or the changes are not in time order.
 */
export function planProfile(changes: readonly { atMs: number; rateRps: number }[], input: Omit<ArrivalPlanInput, 'rateRps'>): Float64Array {
  if (changes[0]?.atMs !== 0) throw new RangeError(`planProfile: the first rate change must be at 0 ms (got ${JSON.stringify(changes[0])}); start with the steady rate`);
  const parts: Float64Array[] = [];
  changes.forEach((change, index) => {
    // Ordered against the next change itself, not the span's end: a change at or after the end is
    // in order, and simply has no arrivals.
    const next = changes[index + 1]?.atMs ?? Infinity;
    if (next < change.atMs) throw new RangeError(`planProfile: rate changes must be in time order (${change.atMs} ms comes after ${next} ms); sort them`);
    const end = Math.min(input.durationMs, next);
    if (end <= change.atMs) return;
    const times = planArrivals({ ...input, rateRps: change.rateRps, durationMs: end - change.atMs, seed: input.seed + index });
    parts.push(times.map((t) => t + change.atMs));
  });
  const all = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** The number of uniform arrivals in a span: ⌈λT⌉, with λT rounded to 1e-9 first. */
export function uniformCount(rateRps: number, durationMs: number): number {
  // Rounded so that a product that is a whole number up to floating error (0.3 s · 10 req/s =
  // 3.0000000000000004) is taken as that whole number, not as one more arrival.
  const expected = Math.round(((rateRps * durationMs) / 1000) * 1e9) / 1e9;
  return Math.ceil(expected);
}

function uniform(rateRps: number, durationMs: number): Float64Array {
  const count = uniformCount(rateRps, durationMs);
  const gapMs = 1000 / rateRps;
  const times = new Float64Array(count);
  // i · gap rather than a running sum: no accumulated rounding over thousands of arrivals.
  for (let i = 0; i < count; i++) times[i] = i * gapMs;
  return times;
}

function poisson(rateRps: number, durationMs: number, seed: number): Float64Array {
  const random = seededRandom(seed, ARRIVALS_STREAM);
  const meanGapMs = 1000 / rateRps;
  const times: number[] = [];
  for (let t = exponential(random, meanGapMs); t < durationMs; t += exponential(random, meanGapMs)) times.push(t);
  return Float64Array.from(times);
}

/**
 * The index of the first planned time at or after `ms` (times.length when none is): with a plan
 * over warm-up + window, `firstAtOrAfter(plan, warmupMs)` is the first judged arrival.
 */
export function firstAtOrAfter(times: Float64Array, ms: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((times[mid] ?? Infinity) < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}
