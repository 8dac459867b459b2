import assert from 'node:assert/strict';
import type { StepObservation } from '../../harness/load/driver.ts';
import {
  GENERATOR_CPU_LIMIT,
  GENERATOR_EVENT_LOOP_DELAY_P99_LIMIT_MS,
  generatorVerdict,
  judgeStep,
} from '../../harness/stats/criterion.ts';

function observation(overrides: Partial<StepObservation> = {}): StepObservation {
  return {
    tailMs: 0,
    durationMs: 2000,
    window: { completed: 990, ok: 900 },
    sent: 1000,
    completed: 990,
    errored: 6,
    lost: 4,
    unfinished: 0,
    late: 0,
    status: { '200': 900, '502': 60, '503': 30 },
    gatewayGenerated: { '502': 60 },
    upstreamAnswered: {},
    errors: { ECONNRESET: 6 },
    latencyMs: { ok: null, failed: null, fromIntended: null },
    generator: { cpu: 0.3, eventLoopDelayP99Ms: 12, eventLoopDelayMaxMs: 20, sendLagP99Ms: null },
    ...overrides,
  };
}

const nginx = { failureRatio: 0.01, statuses: [502] };

describe('judgeStep', () => {
  it('counts gateway-generated criterion statuses, errored and lost requests as failures', () => {
    assert.deepEqual(judgeStep(observation(), nginx), { failures: 70, failureRatio: 0.07, passed: false, goodputRps: 450, achievedRps: 495 });
  });

  it("does not count an upstream's own 503 passed through, even when 503 is a criterion status", () => {
    const verdict = judgeStep(observation({ errored: 0, lost: 0, gatewayGenerated: {} }), { failureRatio: 0.01, statuses: [502, 503] });
    assert.equal(verdict.failures, 0);
    assert.equal(verdict.passed, true);
  });

  it('counts every response with a criterion status against an external target, which marks none', () => {
    const verdict = judgeStep(observation({ errored: 0, lost: 0, gatewayGenerated: {} }), { failureRatio: 0.01, statuses: [502, 503] }, { countUnmarked: true });
    assert.equal(verdict.failures, 90);
    assert.equal(verdict.passed, false);
  });

  it('behind a gateway that marks nothing, counts every criterion status but the upstream’s own 503s it passed through', () => {
    // HAProxy's profile counts 503: its own (SC, refused) do, the upstream's shed 503s do not.
    const verdict = judgeStep(observation({ errored: 0, lost: 0, gatewayGenerated: {}, upstreamAnswered: { '503': 20 } }), { failureRatio: 0.01, statuses: [502, 503] }, { countUnmarked: true });
    assert.equal(verdict.failures, 60 + 30 - 20);
  });

  it('counts every criterion status the gateway generated', () => {
    const verdict = judgeStep(observation({ errored: 0, lost: 0, gatewayGenerated: { '502': 60, '503': 30, '504': 5 } }), { failureRatio: 0.01, statuses: [502, 503] });
    assert.equal(verdict.failures, 90);
  });

  it('leaves requests still in flight out of the denominator', () => {
    const verdict = judgeStep(observation({ sent: 1100, unfinished: 100 }), nginx);
    assert.equal(verdict.failureRatio, 0.07);
  });

  it('gives a ratio of 0 when nothing finished (and rates of 0 for a 0 ms step)', () => {
    const verdict = judgeStep(observation({ sent: 5, unfinished: 5, durationMs: 0 }), nginx);
    assert.deepEqual(verdict, { failures: 70, failureRatio: 0, passed: true, goodputRps: 0, achievedRps: 0 });
  });

  it('passes a ratio just under the criterion and fails one that reaches it', () => {
    const at = (failures: number) => judgeStep(observation({ errored: failures, lost: 0, gatewayGenerated: {} }), nginx).passed;
    assert.equal(at(9), true);
    assert.equal(at(10), false);
  });

  it('takes its rates from the answers within the window, not from those of the tail', () => {
    const verdict = judgeStep(observation({ tailMs: 5000, completed: 2000, status: { '200': 1900, '504': 100 }, window: { completed: 800, ok: 700 } }), nginx);
    assert.deepEqual([verdict.goodputRps, verdict.achievedRps], [350, 400]);
  });
});

describe('generatorVerdict', () => {
  const healthy = { cpu: 0.5, eventLoopDelayP99Ms: 10, eventLoopDelayMaxMs: 30, sendLagP99Ms: null };

  it('exports the default limits', () => {
    assert.equal(GENERATOR_CPU_LIMIT, 0.9);
    assert.equal(GENERATOR_EVENT_LOOP_DELAY_P99_LIMIT_MS, 50);
  });

  it('accepts a healthy generator, and values exactly at the limits', () => {
    assert.deepEqual(generatorVerdict(healthy), { valid: true, invalidReason: null });
    assert.deepEqual(generatorVerdict({ cpu: 0.9, eventLoopDelayP99Ms: 50, eventLoopDelayMaxMs: 150, sendLagP99Ms: 50 }), { valid: true, invalidReason: null });
  });

  it('names a delayed event loop with its value and limit', () => {
    assert.deepEqual(generatorVerdict({ ...healthy, eventLoopDelayP99Ms: 120 }), {
      valid: false,
      invalidReason: "the load generator's event loop was delayed 120.0 ms at p99 (limit 50 ms): it was the bottleneck, not the gateway",
    });
  });

  it('names every exceeded measure at once', () => {
    assert.equal(
      generatorVerdict({ cpu: 0.97, eventLoopDelayP99Ms: 80.25, eventLoopDelayMaxMs: 100, sendLagP99Ms: 61 }).invalidReason,
      "the load generator used 97.0 % of a CPU core (limit 90 %), the load generator's event loop was delayed 80.3 ms at p99 (limit 50 ms) and the load generator sent requests 61.0 ms late at p99 (limit 50 ms): it was the bottleneck, not the gateway",
    );
  });

  it('names a single long stall that a p99 would hide', () => {
    assert.deepEqual(generatorVerdict({ ...healthy, eventLoopDelayMaxMs: 290 }), {
      valid: false,
      invalidReason: "the load generator's event loop stalled for 290.0 ms at once (limit 150 ms): it was the bottleneck, not the gateway",
    });
  });

  it('takes other limits where given', () => {
    assert.equal(generatorVerdict({ ...healthy, cpu: 0.5 }, { cpu: 0.4 }).invalidReason, 'the load generator used 50.0 % of a CPU core (limit 40 %): it was the bottleneck, not the gateway');
  });
});
