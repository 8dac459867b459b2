import assert from 'node:assert/strict';
import { runScenario } from '../../harness/runner/run-scenario.ts';
import type { RunEvent } from '../../harness/runner/events.ts';
import type { Report } from '../../harness/report/schema.ts';
import { FakeSystem } from '../fakes/fake-system.ts';
import { testScenario } from '../fakes/scenario.ts';

describe('the scenario runner (fake driver and fixtures)', () => {
  it('searches to the onset C + Q + 1 and reports it with its neighbours', async () => {
    const system = new FakeSystem({ limit: 20 });
    const report = await runScenario({ scenario: testScenario(), plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher });
    assert.deepEqual(system.offeredLoads, [1, 2, 4, 8, 16, 32, 24, 20, 22, 21]);
    assert.deepEqual(report.onset && { value: report.onset.value, low: report.onset.low, high: report.onset.high }, { value: 21, low: 20, high: 21 });
    assert.equal(report.theory?.onset, 21);
    assert.deepEqual(Object.keys(report.causes), ['upstream_reset']);
    assert.equal(system.launches, 1);
    assert.equal(system.stops, 1);
  });

  it('saves the report after every step, each time with one more step', async () => {
    const system = new FakeSystem({ limit: 20 });
    const saved: number[] = [];
    await runScenario({
      scenario: testScenario(),
      plan: 'search',
      repeat: 1,
      driver: system.driver,
      launcher: system.launcher,
      save: (report: Report) => {
        saved.push(report.steps.length);
        return Promise.resolve();
      },
    });
    assert.deepEqual(saved, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10]);
  });

  it('emits step events in order and never prints', async () => {
    const system = new FakeSystem({ limit: 2 });
    const events: RunEvent['type'][] = [];
    await runScenario({ scenario: testScenario(), plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher, onEvent: (event) => events.push(event.type) });
    assert.deepEqual(events.slice(0, 5), ['fixtures-ready', 'trial-start', 'step-start', 'step-end', 'report-written']);
  });

  it('walks the ramp and stops after the configured number of failing steps in a row', async () => {
    const system = new FakeSystem({ limit: 10 });
    const scenario = testScenario({ ramp: { from: 4, to: 40, step: 4, stopAfterFailures: 2 } });
    const report = await runScenario({ scenario, plan: 'ramp', repeat: 1, driver: system.driver, launcher: system.launcher });
    assert.deepEqual(system.offeredLoads, [4, 8, 12, 16]);
    assert.deepEqual(report.onset && [report.onset.value, report.onset.low], [12, 8]);
  });

  it('never takes a step where the generator was saturated as the onset', async () => {
    const system = new FakeSystem({ limit: 20, saturatedAt: [21] });
    const report = await runScenario({ scenario: testScenario(), plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher });
    const invalid = report.steps.filter((step) => !step.valid);
    assert.ok(invalid.length > 0);
    assert.ok(invalid.every((step) => step.offered === 21 && step.invalidReason !== null));
    assert.notEqual(report.onset?.value, 21);
  });

  it('runs each --repeat trial on fresh fixtures with its own seed and reports the median', async () => {
    const system = new FakeSystem({ limit: 20 });
    const report = await runScenario({ scenario: testScenario(), plan: 'search', repeat: 3, driver: system.driver, launcher: system.launcher });
    assert.equal(system.launches, 3);
    assert.deepEqual(report.trials.map((trial) => trial.seed), [1, 2, 3]);
    assert.deepEqual(report.onsetSpread, { min: 21, max: 21, trials: 3 });
    assert.equal(report.onset?.value, 21);
  });

  it('stops between steps when aborted, keeps what it measured and marks the report interrupted', async () => {
    const controller = new AbortController();
    const system = new FakeSystem({ limit: 20, onStep: (offered) => offered === 8 && controller.abort() });
    const report = await runScenario({ scenario: testScenario(), plan: 'search', repeat: 1, signal: controller.signal, driver: system.driver, launcher: system.launcher });
    assert.equal(report.interrupted, true);
    assert.deepEqual(report.steps.map((step) => step.offered), [1, 2, 4, 8]);
    assert.equal(report.onset, null);
    assert.equal(system.stops, 1);
  });

  it('stops at caps.maxRequests and says so', async () => {
    const system = new FakeSystem({ limit: 20 });
    const scenario = testScenario({ caps: { maxConnections: 1024, maxRps: 50_000, maxDurationS: 600, maxRequests: 1000 } });
    const report = await runScenario({ scenario, plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher });
    assert.ok(report.steps.length < 10);
    assert.match(report.onsetNote ?? '', /caps\.maxRequests/);
    assert.equal(report.interrupted, false);
  });
});

describe('the scenario runner in the open model (fake driver and fixtures)', () => {
  const open = () => testScenario({ model: 'open', search: { start: 10, precision: 0.02, maxSteps: 30 } });

  it('searches in req/s to 2 % and reports the onset in req/s beside the fluid-model theory', async () => {
    const system = new FakeSystem({ limit: 400, model: 'open' });
    const report = await runScenario({ scenario: open(), plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher });
    assert.equal(report.unit, 'rps');
    assert.equal(report.onset?.unit, 'rps');
    const onset = report.onset;
    assert.ok(onset !== null && (onset.high - onset.low) / onset.high <= 0.02, JSON.stringify(onset));
    // The fake fails 1 − 400/λ of its arrivals: the criterion (1 %) is first reached just above 404.04.
    assert.ok(onset.value > 404 && onset.value < 404 * 1.03, `onset ${onset.value}`);
    assert.equal(report.theory?.onset, 404);
  });

  it('gives every open-model step a warm-up, the arrival process, its own seed and the connection cap', async () => {
    const system = new FakeSystem({ limit: 400, model: 'open' });
    await runScenario({ scenario: open(), plan: 'search', repeat: 1, driver: system.driver, launcher: system.launcher });
    assert.ok(system.requests.every((request) => (request.warmupMs ?? 0) >= 300 && request.arrivals === 'uniform' && request.maxConnections === 1024));
    const seeds = system.requests.map((request) => request.seed);
    assert.equal(new Set(seeds).size, seeds.length, 'a seed per step');
    // Near the capacity (known from the theory's C / S after the first step) the warm-up grows.
    const near = system.requests.find((request) => request.offered > 395 && request.offered < 420);
    assert.ok(near !== undefined && (near.warmupMs ?? 0) > 1000, JSON.stringify(near?.warmupMs));
  });
});
