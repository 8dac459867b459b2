import assert from 'node:assert/strict';
import type { CapsConfig } from '../../harness/config/scenario.ts';
import type { StepResult } from '../../harness/report/schema.ts';
import { RunBudget } from '../../harness/runner/budget.ts';
import { manualTimers } from '../helpers/manual-timers.ts';

const CAPS: CapsConfig = { maxConnections: 64, maxRps: 1000, maxDurationS: 60, maxRequests: 1000 };


const step = (sent: number): StepResult => ({ sent }) as StepResult;

describe('the run budget (caps)', () => {
  it('owns the deadline: at caps.maxDurationS it aborts the run’s signal, mid-step, and says why', () => {
    const timers = manualTimers();
    const budget = new RunBudget(CAPS, undefined, timers);
    assert.equal(timers.ms, 60_000);
    assert.equal(budget.signal.aborted, false);
    timers.fire();
    assert.equal(budget.signal.aborted, true);
    assert.equal(budget.reason, 'the run stopped at caps.maxDurationS (60 s)');
  });

  it('stops after the step that reaches caps.maxRequests', () => {
    const budget = new RunBudget(CAPS, undefined, manualTimers());
    budget.spend(step(600));
    assert.equal(budget.signal.aborted, false);
    budget.spend(step(400));
    assert.equal(budget.reason, 'the run stopped at caps.maxRequests (1000 requests sent)');
  });

  it('keeps the first reason, follows the user’s signal, and clears its deadline when disposed', () => {
    const user = new AbortController();
    const timers = manualTimers();
    const budget = new RunBudget(CAPS, user.signal, timers);
    budget.stop('the run stopped: the target looks down');
    timers.fire();
    assert.equal(budget.reason, 'the run stopped: the target looks down');
    budget.dispose();
    assert.equal(timers.cleared, true);
    const other = new RunBudget(CAPS, user.signal, manualTimers());
    user.abort();
    assert.equal(other.signal.aborted, true);
    assert.equal(other.reason, null, 'an interrupt is not a cap');
  });
});
