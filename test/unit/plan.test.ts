import assert from 'node:assert/strict';
import { MAX_RAMP_STEPS, planRamp, shouldStopRamp } from '../../harness/load/plan.ts';
import type { CapsConfig, RampConfig } from '../../harness/config/scenario.ts';
import { OverloadError } from '../../harness/errors.ts';

const caps: CapsConfig = { maxConnections: 1024, maxRps: 50_000, maxDurationS: 600, maxRequests: 5_000_000 };
const ramp = (from: number, to: number, step: number): RampConfig => ({ from, to, step, stopAfterFailures: 3 });

describe('planRamp', () => {
  it('steps from `from` to `to` by `step` (the default ramp, 4..64 by 4)', () => {
    assert.deepEqual(planRamp(ramp(4, 64, 4), 'closed', caps), [4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64]);
  });

  it('ends on `to` even when it is off the grid (the chart in plan.ts)', () => {
    assert.deepEqual(planRamp(ramp(4, 30, 8), 'closed', caps), [4, 12, 20, 28, 30]);
  });

  it('clamps to caps.maxConnections in the closed model, ending on the cap', () => {
    assert.deepEqual(planRamp(ramp(4, 64, 8), 'closed', { ...caps, maxConnections: 20 }), [4, 12, 20]);
    assert.deepEqual(planRamp(ramp(4, 64, 8), 'closed', { ...caps, maxConnections: 30 }), [4, 12, 20, 28, 30]);
  });

  it('clamps to caps.maxRps in the open model', () => {
    assert.deepEqual(planRamp(ramp(100, 1000, 250), 'open', { ...caps, maxRps: 600 }), [100, 350, 600]);
  });

  it('plans a single step at the cap when even `from` is above it', () => {
    assert.deepEqual(planRamp(ramp(50, 64, 4), 'closed', { ...caps, maxConnections: 32 }), [32]);
  });

  it('plans a single step when from equals to', () => {
    assert.deepEqual(planRamp(ramp(8, 8, 4), 'closed', caps), [8]);
  });

  it('keeps fractional open-model steps exact (no 0.30000000000000004)', () => {
    assert.deepEqual(planRamp(ramp(0.1, 0.5, 0.1), 'open', caps), [0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('reports every problem of a bad ramp at once, with its path', () => {
    assert.throws(
      () => planRamp(ramp(0, -1, 0), 'closed', caps),
      (error: unknown) => error instanceof OverloadError && error.code === 'SCENARIO_INVALID' && error.problems.map((p) => p.path).join() === 'ramp.from,ramp.step,ramp.to',
    );
  });

  it('refuses fractional connections in the closed model', () => {
    assert.throws(
      () => planRamp(ramp(1, 10, 2.5), 'closed', caps),
      (error: unknown) => error instanceof OverloadError && error.problems.length === 1 && error.problems[0]?.path === 'ramp.step' && error.problems[0].fix === 'use 3',
    );
  });

  it(`refuses a ramp of more than ${MAX_RAMP_STEPS} steps`, () => {
    assert.throws(
      () => planRamp(ramp(1, 5000, 1), 'closed', { ...caps, maxConnections: 10_000 }),
      (error: unknown) => error instanceof OverloadError && error.problems[0]?.message === 'the ramp would have 5000 steps (at most 1000)',
    );
  });
});

describe('shouldStopRamp', () => {
  const cases: [boolean[], number, boolean][] = [
    [[], 3, false],
    [[true, false, false], 3, false],
    [[true, false, false, false], 3, true],
    [[false, false, true, false, false], 3, false],
    [[false], 1, true],
    [[true], 1, false],
    [[false, false, false], 0, false],
  ];
  for (const [history, stopAfter, expected] of cases) {
    it(`${expected ? 'stops' : 'goes on'} after [${history.join(', ')}] with stopAfterFailures ${stopAfter}`, () => {
      assert.equal(shouldStopRamp(history, stopAfter), expected);
    });
  }
});
