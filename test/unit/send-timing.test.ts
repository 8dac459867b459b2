import assert from 'node:assert/strict';
import { nextWake, SLEEP_BEYOND_MS, SpinBudget, type Wake } from '../../harness/load/send-timing.ts';

describe('the pacer’s wait policy', () => {
  const cases: [waitMs: number, spinAllowed: boolean, expected: Wake, why: string][] = [
    [10, true, { kind: 'timer', delayMs: 9 }, 'a far arrival: a timer ~1 ms early'],
    [9.95, true, { kind: 'timer', delayMs: 8 }, 'whole ms only, rounded down: never late'],
    [2.5, true, { kind: 'timer', delayMs: 1 }, 'just beyond the spin range: the shortest timer'],
    [SLEEP_BEYOND_MS, true, { kind: 'immediate' }, 'at the spin range: spin'],
    [0.2, true, { kind: 'immediate' }, 'close: spin'],
    [0.2, false, { kind: 'timer', delayMs: 1 }, 'close but the spin budget is spent: a batch after 1 ms'],
    [50, false, { kind: 'timer', delayMs: 49 }, 'far, budget spent: the same timer as with budget'],
  ];
  for (const [waitMs, spinAllowed, expected, why] of cases) {
    it(`waits for an arrival ${waitMs} ms away${spinAllowed ? '' : ' (no spin budget)'} with ${expected.kind === 'timer' ? `setTimeout(${expected.delayMs})` : 'setImmediate'}: ${why}`, () => {
      assert.deepEqual(nextWake(waitMs, spinAllowed), expected);
    });
  }

  it('allows spinning up to its share of the elapsed time, plus the grace', () => {
    const budget = new SpinBudget(100, 0.25, 5);
    assert.ok(budget.allows(100), 'the grace covers the start');
    budget.spent(5);
    assert.ok(budget.allows(100), 'equal is allowed');
    budget.spent(0.5);
    assert.ok(!budget.allows(100), 'beyond the grace at the start');
    assert.ok(budget.allows(102), '25 % of 2 ms more is 0.5 ms more');
    budget.spent(20);
    assert.ok(!budget.allows(180), '25.5 ms spent > 0.25 · 80 + 5 = 25 ms');
    assert.ok(budget.allows(182));
    assert.equal(budget.spentMs, 25.5);
  });
});
