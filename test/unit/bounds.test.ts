import assert from 'node:assert/strict';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { runBounds } from '../../harness/load/bounds.ts';

describe('the worst case of a run, from its plan', () => {
  it('a closed search: 30 steps of window + client timeout + drain, capped by caps.maxDurationS; requests by caps.maxRequests', async () => {
    const scenario = await loadScenario('overload');
    assert.deepEqual(runBounds(scenario, 'search', 11_000), {
      steps: 30,
      stepWorstMs: 2000 + 10_000 + 11_000,
      durationS: 600,
      durationBoundBy: 'caps.maxDurationS',
      requests: 5_000_000,
      requestsBoundBy: 'caps.maxRequests',
      highestLoad: 1024,
    });
  });

  it('an open ramp: its steps with their warm-ups, and the arrivals of every step at its top rate', async () => {
    const scenario = await loadScenario('overload', { sets: ['model=open', 'ramp.from=100', 'ramp.to=400', 'ramp.step=100'] });
    const bounds = runBounds(scenario, 'ramp', 11_000);
    assert.equal(bounds.steps, 4);
    assert.equal(bounds.stepWorstMs, 3000 + 2000 + 10_000 + 11_000);
    assert.deepEqual([bounds.durationS, bounds.durationBoundBy], [Math.ceil((4 * 26_000) / 1000), 'plan']);
    assert.deepEqual([bounds.requests, bounds.requestsBoundBy, bounds.highestLoad], [4 * 400 * 5, 'plan', 400]);
  });

  it('a target’s caps bound a quick search: 60 s and 100,000 requests', async () => {
    const scenario = await loadScenario('overload', { quick: true, sets: ['caps.maxDurationS=60', 'caps.maxRequests=100000', 'caps.maxConnections=64'] });
    const bounds = runBounds(scenario, 'search', 11_000);
    assert.deepEqual([bounds.durationS, bounds.durationBoundBy, bounds.requests, bounds.highestLoad], [60, 'caps.maxDurationS', 100_000, 64]);
  });
});
