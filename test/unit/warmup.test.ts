import assert from 'node:assert/strict';
import { MIN_WARMUP_MS, warmupMs } from '../../harness/load/warmup.ts';

describe('the open-model warm-up before a judged window', () => {
  const base = { capacityRps: 400, buffer: 16, maxMs: 3000 };

  for (const [rateRps, expected] of [
    [10, MIN_WARMUP_MS], // far below μ: the queue settles at once
    [320, MIN_WARMUP_MS], // 16 / 80 = 200 ms, raised to the minimum
    [390, 1600], // 16 / 10 s below μ
    [400, 3000], // at μ: never settles, capped
    [404, 3000], // 16 / 4 = 4 s, capped
    [410, 1600], // the queue of 16 fills in 16 / 10 = 1.6 s
    [480, MIN_WARMUP_MS], // 200 ms
    [640, MIN_WARMUP_MS],
  ] as const) {
    it(`loads ${expected} ms before the window at ${rateRps} req/s when μ = 400 and K = 16`, () => {
      assert.equal(warmupMs({ ...base, rateRps }), expected);
    });
  }

  it('takes the minimum while the capacity is unknown, or when nothing can queue', () => {
    assert.equal(warmupMs({ ...base, rateRps: 404, capacityRps: null }), MIN_WARMUP_MS);
    assert.equal(warmupMs({ ...base, rateRps: 404, buffer: 0 }), MIN_WARMUP_MS);
  });

  it('never goes below the minimum, even when the cap is set lower', () => {
    assert.equal(warmupMs({ ...base, rateRps: 400, maxMs: 100 }), MIN_WARMUP_MS);
  });
});
