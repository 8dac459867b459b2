import assert from 'node:assert/strict';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { capForTarget, TARGET_CAPS } from '../../harness/safety/target-caps.ts';
import { thrown } from '../helpers/rejection.ts';

describe('the caps of a run against an external target', () => {
  it('lowers the fixtures’ caps to 64 connections, 1,000 req/s, 60 s and 100,000 requests', async () => {
    const scenario = await loadScenario('overload');
    assert.deepEqual(scenario.caps, { maxConnections: 1024, maxRps: 50_000, maxDurationS: 600, maxRequests: 5_000_000 });
    assert.deepEqual(capForTarget(scenario).caps, TARGET_CAPS);
    assert.deepEqual(TARGET_CAPS, { maxConnections: 64, maxRps: 1000, maxDurationS: 60, maxRequests: 100_000 });
  });

  it('keeps a scenario’s own lower caps', async () => {
    const scenario = await loadScenario('overload', { sets: ['caps.maxConnections=32', 'caps.maxDurationS=20'] });
    assert.deepEqual(capForTarget(scenario).caps, { ...TARGET_CAPS, maxConnections: 32, maxDurationS: 20 });
  });

  it('takes an authorization’s higher caps, never above the ceilings in code', async () => {
    const scenario = await loadScenario('overload');
    assert.deepEqual(capForTarget(scenario, { maxConnections: 256, maxRequests: 10_000_000 }).caps, { ...TARGET_CAPS, maxConnections: 256, maxRequests: 5_000_000 });
  });

  it('refuses a plan that starts above them, naming each field, its value and the cap', async () => {
    const closed = await loadScenario('overload', { sets: ['search.start=100', 'ramp.to=128'] });
    const error = thrown(() => capForTarget(closed));
    assert.equal(error.code, 'USAGE');
    assert.deepEqual(
      error.problems.map((problem) => [problem.path, problem.value, problem.message]),
      [
        ['search.start', '100', 'is above the cap of an external target (caps.maxConnections = 64)'],
        ['ramp.to', '128', 'is above the cap of an external target (caps.maxConnections = 64)'],
      ],
    );
    const open = await loadScenario('overload', { sets: ['model=open', 'search.start=2000'] });
    assert.match(thrown(() => capForTarget(open)).problems[0]?.message ?? '', /caps\.maxRps = 1000/);
  });
});
