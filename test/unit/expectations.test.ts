import assert from 'node:assert/strict';
import { evaluateExpectations, type ExpectationInput } from '../../harness/report/expectations.ts';

const step = (offered: number, failures: number, valid = true) => ({ offered, failures, valid });

const run: ExpectationInput = {
  onset: { value: 21, unit: 'connections' },
  causes: { upstream_reset: 9570, gateway_overflow: 126 },
  steps: [step(1, 0), step(2, 0), step(4, 0), step(8, 0), step(16, 0), step(32, 9000), step(24, 500), step(20, 0), step(22, 300), step(21, 12)],
};

describe('evaluateExpectations', () => {
  it('checks the onset against an inclusive range', () => {
    assert.deepEqual(evaluateExpectations([{ onset: { between: [18, 24] } }, { onset: { between: [21, 21] } }, { onset: { between: [22, 30] } }], run), [
      { description: 'onset between 18 and 24 connections', passed: true, actual: '21 connections' },
      { description: 'onset between 21 and 21 connections', passed: true, actual: '21 connections' },
      { description: 'onset between 22 and 30 connections', passed: false, actual: '21 connections' },
    ]);
  });

  it('fails an onset range when no onset was found', () => {
    assert.deepEqual(evaluateExpectations([{ onset: { between: [18, 24] } }], { ...run, onset: null, unit: 'connections' }), [
      { description: 'onset between 18 and 24 connections', passed: false, actual: 'no onset found' },
    ]);
  });

  it('checks the dominant cause, with its share of all failures', () => {
    assert.deepEqual(evaluateExpectations([{ dominantCause: 'upstream_reset' }, { dominantCause: 'gateway_overflow' }], run), [
      { description: 'dominant cause is upstream_reset', passed: true, actual: 'upstream_reset (98.7 % of 9,696 failures)' },
      { description: 'dominant cause is gateway_overflow', passed: false, actual: 'upstream_reset (98.7 % of 9,696 failures)' },
    ]);
  });

  it('fails a dominant cause when the gateway failed nothing', () => {
    assert.deepEqual(evaluateExpectations([{ dominantCause: 'upstream_reset' }], { ...run, causes: {} }), [
      { description: 'dominant cause is upstream_reset', passed: false, actual: 'no gateway failure' },
    ]);
  });

  it('checks that no step at or below n had any failure (n itself included)', () => {
    assert.deepEqual(evaluateExpectations([{ noFailuresBelow: 20 }, { noFailuresBelow: 21 }], run), [
      { description: 'no failure at or below 20 connections', passed: true, actual: 'no failure in 6 steps at or below 20 connections' },
      { description: 'no failure at or below 21 connections', passed: false, actual: '12 failures at 21 connections, the lowest step with any' },
    ]);
  });

  it('names the lowest failing step, not the first measured one', () => {
    const [result] = evaluateExpectations([{ noFailuresBelow: 64 }], run);
    assert.equal(result?.actual, '12 failures at 21 connections, the lowest step with any');
  });

  it('ignores invalid steps, and does not pass without a single valid step', () => {
    const steps = [step(4, 50, false), step(8, 0, false)];
    assert.deepEqual(evaluateExpectations([{ noFailuresBelow: 10 }], { ...run, steps }), [
      { description: 'no failure at or below 10 connections', passed: false, actual: 'no valid step at or below 10 connections was measured' },
    ]);
    assert.equal(evaluateExpectations([{ noFailuresBelow: 10 }], { ...run, steps: [...steps, step(2, 0)] })[0]?.passed, true);
  });

  it('writes plain numbers when the unit is unknown', () => {
    assert.equal(evaluateExpectations([{ noFailuresBelow: 1000 }], { onset: null, causes: {}, steps: [step(500, 1)] })[0]?.actual, '1 failure at 500, the lowest step with any');
  });

  it('onsetMatchesTheory holds when the onsets are equal, or when neither exists, and fails otherwise', () => {
    const check = (onset: number | null, theoryOnset: number | null) =>
      evaluateExpectations([{ onsetMatchesTheory: true }], { onset: onset === null ? null : { value: onset }, causes: {}, steps: [], unit: 'connections', theoryOnset })[0];
    assert.deepEqual(check(21, 21), { description: 'onset matches theory', passed: true, actual: 'measured 21 connections, theory 21 connections' });
    assert.equal(check(null, null)?.passed, true);
    assert.deepEqual(check(22, 21), { description: 'onset matches theory', passed: false, actual: 'measured 22 connections, theory 21 connections' });
    assert.equal(check(null, 21)?.passed, false);
    assert.equal(check(21, null)?.passed, false);
  });

  it('returns nothing for no expectations', () => {
    assert.deepEqual(evaluateExpectations([], run), []);
  });
});

describe('evaluateExpectations: causeBelowOnset', () => {
  const slow: ExpectationInput = {
    onset: { value: 129, unit: 'connections' },
    causes: { upstream_reset: 1236, upstream_timeout: 1046 },
    steps: [
      { offered: 8, failures: 0, valid: true, causes: {} },
      { offered: 16, failures: 0, valid: true, causes: { upstream_timeout: 2 } },
      { offered: 12, failures: 0, valid: false, causes: { upstream_timeout: 5 } },
      { offered: 129, failures: 189, valid: true, causes: { upstream_reset: 189 } },
    ],
  };

  it('passes when the cause showed up in a valid step below the onset, naming the first load', () => {
    assert.deepEqual(evaluateExpectations([{ causeBelowOnset: 'upstream_timeout' }], slow), [
      { description: 'upstream_timeout below the onset', passed: true, actual: 'first at 16 connections; onset 129 connections' },
    ]);
  });

  it('fails when the cause came only at or above the onset, or never (invalid steps do not count)', () => {
    assert.deepEqual(evaluateExpectations([{ causeBelowOnset: 'upstream_reset' }, { causeBelowOnset: 'upstream_refused' }], slow), [
      { description: 'upstream_reset below the onset', passed: false, actual: 'first at 129 connections; onset 129 connections' },
      { description: 'upstream_refused below the onset', passed: false, actual: 'no upstream_refused in any valid step' },
    ]);
  });

  it('passes anywhere when no onset was found', () => {
    assert.equal(evaluateExpectations([{ causeBelowOnset: 'upstream_timeout' }], { ...slow, onset: null, unit: 'connections' })[0]?.passed, true);
  });
});
