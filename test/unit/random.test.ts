import assert from 'node:assert/strict';
import { exponential, LOGNORMAL_SIGMA, lognormal, mulberry32, seededRandom, standardNormal, streamSeed, type Random } from '../../fixtures/common/random.ts';

/** A "random" source that returns the given numbers in turn, for exact checks of the formulas. */
function sequence(...values: number[]): Random {
  let i = 0;
  return () => {
    const value = values[i++];
    if (value === undefined) throw new Error('the test ran out of uniform numbers');
    return value;
  };
}

function draw(random: Random, n: number): number[] {
  return Array.from({ length: n }, () => random());
}

function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

describe('seeded randomness', () => {
  it('mulberry32 gives the reference sequence for seed 1', () => {
    // Tommy Ettinger's reference: the first outputs of mulberry32(1) as 32-bit integers.
    assert.deepEqual(draw(mulberry32(1), 3).map((u) => u * 2 ** 32), [2693262067, 11749833, 2265367787]);
  });

  it('the same seed and stream give the same sequence; another seed or stream gives another', () => {
    const first = draw(seededRandom(7, 'upstream.service'), 50);
    assert.deepEqual(draw(seededRandom(7, 'upstream.service'), 50), first);
    assert.notDeepEqual(draw(seededRandom(8, 'upstream.service'), 50), first);
    assert.notDeepEqual(draw(seededRandom(7, 'pacer.arrivals'), 50), first);
  });

  it('stream seeds are stable across versions (changing them changes every recorded run)', () => {
    assert.equal(streamSeed(1, 'upstream.service'), 3669441502);
    assert.equal(streamSeed(2, 'upstream.service'), 4132682344);
    assert.equal(streamSeed(1, 'pacer.arrivals'), 876600903);
  });

  it('every draw lies in [0, 1)', () => {
    const values = draw(mulberry32(123), 100_000);
    assert.ok(Math.min(...values) >= 0);
    assert.ok(Math.max(...values) < 1);
  });
});

describe('samplers', () => {
  const cases: { name: string; random: Random; expected: number }[] = [
    { name: 'U = 0 gives 0', random: sequence(0), expected: 0 },
    { name: 'U = 1/2 gives the median, mean · ln 2', random: sequence(0.5), expected: 10 * Math.LN2 },
    { name: 'U = 1 − 1/e gives the mean', random: sequence(1 - Math.exp(-1)), expected: 10 },
  ];
  for (const { name, random, expected } of cases) {
    it(`the exponential inverse CDF −mean · ln(1 − U): ${name}`, () => {
      assert.ok(Math.abs(exponential(random, 10) - expected) < 1e-12);
    });
  }

  const normals: { u1: number; u2: number; z: number }[] = [
    { u1: 0, u2: 0, z: 0 }, // 1 − U₁ = 1: radius 0
    { u1: 1 - Math.exp(-0.5), u2: 0, z: 1 }, // radius √(−2 ln e^(−1/2)) = 1, angle 0
    { u1: 1 - Math.exp(-2), u2: 0.5, z: -2 }, // radius 2, angle π
  ];
  for (const { u1, u2, z } of normals) {
    it(`Box–Muller maps (U₁, U₂) = (${u1.toFixed(3)}, ${u2}) to ${z}`, () => {
      assert.ok(Math.abs(standardNormal(sequence(u1, u2)) - z) < 1e-12);
    });
  }

  it('the lognormal uses μ = ln(mean) − σ²/2: Z = 0 gives the median e^μ, Z = 1 gives e^(μ + σ)', () => {
    const mu = Math.log(10) - LOGNORMAL_SIGMA ** 2 / 2;
    assert.ok(Math.abs(lognormal(sequence(0, 0), 10) - Math.exp(mu)) < 1e-12);
    assert.ok(Math.abs(lognormal(sequence(1 - Math.exp(-0.5), 0), 10) - Math.exp(mu + LOGNORMAL_SIGMA)) < 1e-12);
  });

  it('seeded exponential and lognormal samples have the requested mean (200,000 draws, within 1 %)', () => {
    const n = 200_000;
    const exp = seededRandom(1, 'test.exponential');
    const logn = seededRandom(1, 'test.lognormal');
    const expMean = mean(Array.from({ length: n }, () => exponential(exp, 10)));
    const lognMean = mean(Array.from({ length: n }, () => lognormal(logn, 10)));
    assert.ok(Math.abs(expMean - 10) < 0.1, `exponential mean ${expMean}`);
    assert.ok(Math.abs(lognMean - 10) < 0.1, `lognormal mean ${lognMean}`);
  });

  it('seeded standard normals have mean 0 and variance 1 (200,000 draws)', () => {
    const random = seededRandom(3, 'test.normal');
    const z = Array.from({ length: 200_000 }, () => standardNormal(random));
    assert.ok(Math.abs(mean(z)) < 0.01);
    assert.ok(Math.abs(mean(z.map((v) => v * v)) - 1) < 0.01);
  });
});
