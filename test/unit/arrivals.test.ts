import assert from 'node:assert/strict';
import { ARRIVALS_STREAM, firstAtOrAfter, planArrivals, uniformCount } from '../../harness/load/arrivals.ts';
import { seededRandom } from '../../fixtures/common/random.ts';

const uniform = (rateRps: number, durationMs: number): number[] => Array.from(planArrivals({ rateRps, durationMs, arrivals: 'uniform', seed: 1 }));
const poisson = (rateRps: number, durationMs: number, seed: number): Float64Array => planArrivals({ rateRps, durationMs, arrivals: 'poisson', seed });

describe('arrival planning', () => {
  it('spaces uniform arrivals 1000/λ ms apart from 0: 10 req/s over 2 s is 0, 100, …, 1900', () => {
    assert.deepEqual(
      uniform(10, 2000),
      Array.from({ length: 20 }, (_, i) => i * 100),
    );
  });

  const counts: [rate: number, durationMs: number, expected: number, why: string][] = [
    [10, 2000, 20, 'λT whole: exactly λT'],
    [10, 300, 3, '0.3 s · 10 = 3.0000000000000004 is taken as 3'],
    [30, 100, 3, '0.1 s · 30 likewise'],
    [10.5, 1000, 11, 'λT = 10.5: ⌈λT⌉, the last at 952.4 ms'],
    [7, 1000, 7, 'a gap that is not a whole ms'],
    [5000, 2300, 11_500, 'the bench’s top rate over warm-up + window'],
    [100, 0, 0, 'an empty span'],
    [1, 999, 1, 'one arrival at 0 even in a span shorter than a gap'],
  ];
  for (const [rate, durationMs, expected, why] of counts) {
    it(`plans ⌈λT⌉ uniform arrivals: ${rate} req/s over ${durationMs} ms gives ${expected} (${why})`, () => {
      const times = uniform(rate, durationMs);
      assert.equal(times.length, expected);
      assert.equal(uniformCount(rate, durationMs), expected);
      assert.ok(times.every((t) => t < durationMs));
    });
  }

  it('places the uniform arrivals at i · 1000/λ exactly, with no accumulated rounding', () => {
    const times = uniform(3, 1000);
    assert.deepEqual(times, [0, 1000 / 3, 2000 / 3]);
    assert.equal(uniform(7, 60_000).at(-1), 419 * (1000 / 7));
  });

  it('draws Poisson arrivals as cumulative gaps −ln(1 − U)/λ from the seed’s own stream', () => {
    const times = poisson(100, 1000, 1);
    // Recomputed from the formula, with the stream the planner documents.
    const random = seededRandom(1, ARRIVALS_STREAM);
    let t = 0;
    for (let i = 0; i < 5; i++) {
      t += -Math.log(1 - random()) * 10;
      assert.equal(times[i], t);
    }
    // Pinned, so that a change of stream or formula shows up here.
    assert.deepEqual(Array.from(times.slice(0, 5)), [10.766191336556652, 14.386596304652645, 32.38197335074702, 42.076865640509, 48.54246648992138]);
    assert.equal(times.length, 96);
  });

  it('gives the same Poisson plan for the same seed and another for another seed', () => {
    assert.deepEqual(poisson(100, 1000, 1), poisson(100, 1000, 1));
    assert.notDeepEqual(Array.from(poisson(100, 1000, 2).slice(0, 3)), Array.from(poisson(100, 1000, 1).slice(0, 3)));
  });

  it('keeps Poisson arrivals sorted and inside the span', () => {
    const times = poisson(2000, 2300, 7);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] ?? 0) > (times[i - 1] ?? 0), `arrival ${i}`);
    assert.ok((times.at(-1) ?? Infinity) < 2300);
  });

  it('has a mean Poisson gap within 3 % of 1/λ over 10,000 draws', () => {
    const times = poisson(1000, 10_000, 1);
    assert.ok(times.length > 9_500 && times.length < 10_500, `${times.length} arrivals`);
    const meanGapMs = (times.at(-1) ?? 0) / times.length;
    assert.ok(Math.abs(meanGapMs - 1) < 0.03, `mean gap ${meanGapMs} ms`);
  });

  const bad: [string, Parameters<typeof planArrivals>[0], RegExp][] = [
    ['a rate of 0', { rateRps: 0, durationMs: 1000, arrivals: 'uniform', seed: 1 }, /rateRps .* above 0 \(got 0\)/],
    ['a NaN rate', { rateRps: NaN, durationMs: 1000, arrivals: 'poisson', seed: 1 }, /rateRps .*\(got NaN\)/],
    ['a negative duration', { rateRps: 10, durationMs: -1, arrivals: 'uniform', seed: 1 }, /durationMs .* 0 or more \(got -1\)/],
    ['an infinite duration', { rateRps: 10, durationMs: Infinity, arrivals: 'uniform', seed: 1 }, /durationMs .*\(got Infinity\)/],
    ['a fractional Poisson seed', { rateRps: 10, durationMs: 1000, arrivals: 'poisson', seed: 1.5 }, /seed must be an integer \(got 1.5\)/],
  ];
  for (const [what, input, message] of bad) {
    it(`rejects ${what}, naming the input, the value and the fix`, () => {
      assert.throws(() => planArrivals(input), (error: unknown) => error instanceof RangeError && message.test(error.message) && error.message.includes('; pass '));
    });
  }

  describe('in bursts', () => {
    it('plans uniform bursts at λ ÷ burst, each time repeated: 8 req/s in bursts of 4 over 1 s', () => {
      assert.deepEqual(Array.from(planArrivals({ rateRps: 8, durationMs: 1000, arrivals: 'uniform', seed: 1, burst: 4 })), [0, 0, 0, 0, 500, 500, 500, 500]);
    });

    it('plans ⌈λT / burst⌉ whole bursts: 10 req/s in bursts of 4 over 1 s is 3 bursts, 12 arrivals', () => {
      assert.deepEqual(Array.from(planArrivals({ rateRps: 10, durationMs: 1000, arrivals: 'uniform', seed: 1, burst: 4 })), [0, 0, 0, 0, 400, 400, 400, 400, 800, 800, 800, 800]);
    });

    it('gives the same plan for a burst of 1 as without one', () => {
      assert.deepEqual(planArrivals({ rateRps: 10, durationMs: 2000, arrivals: 'poisson', seed: 3, burst: 1 }), poisson(10, 2000, 3));
      assert.deepEqual(planArrivals({ rateRps: 10, durationMs: 2000, arrivals: 'uniform', seed: 3, burst: 1 }), Float64Array.from(uniform(10, 2000)));
    });

    it('repeats each Poisson time of the plan at λ ÷ burst, from the same seed', () => {
      const times = Array.from(planArrivals({ rateRps: 300, durationMs: 2000, arrivals: 'poisson', seed: 1, burst: 3 }));
      const bursts = Array.from(poisson(100, 2000, 1));
      assert.deepEqual(times, bursts.flatMap((t) => [t, t, t]));
      assert.ok(bursts.length > 150, `${bursts.length} bursts`);
      assert.ok(times.every((t, i) => t < 2000 && (i === 0 || t >= (times[i - 1] ?? 0))));
    });

    for (const burst of [0, 1.5, -2, Number.NaN]) {
      it(`rejects a burst of ${burst}, naming burst, the value and the fix`, () => {
        assert.throws(
          () => planArrivals({ rateRps: 8, durationMs: 1000, arrivals: 'uniform', seed: 1, burst }),
          (error: unknown) => error instanceof RangeError && error.message.includes(`burst must be a whole number of requests, 1 or more (got ${burst}); pass load.burst`),
        );
      });
    }

    it('names a bad rate as given, not divided by the burst', () => {
      assert.throws(() => planArrivals({ rateRps: -8, durationMs: 1000, arrivals: 'uniform', seed: 1, burst: 4 }), (error: unknown) => error instanceof RangeError && error.message.includes('(got -8)'));
    });
  });

  const bounds: [ms: number, expected: number][] = [
    [-1, 0],
    [0, 0],
    [50, 1],
    [100, 1],
    [100.5, 2],
    [300, 3],
    [301, 3],
  ];
  for (const [ms, expected] of bounds) {
    it(`finds the first arrival at or after ${ms} ms in [0, 100, 200] (index ${expected})`, () => {
      assert.equal(firstAtOrAfter(Float64Array.from([0, 100, 200]), ms), expected);
    });
  }
});
