import assert from 'node:assert/strict';
import type { Random } from '../../fixtures/common/random.ts';
import type { RetryConfig } from '../../harness/config/scenario.ts';
import { BUDGET_CAP, backoffMs, RetryBudget, retryable } from '../../harness/load/retry-policy.ts';

/** A random source that returns `values` in order, and fails the test if asked for one more. */
function scripted(...values: number[]): Random & { readonly used: number } {
  let used = 0;
  const random = (): number => {
    const value = values[used];
    if (value === undefined) assert.fail(`the random source was asked for draw ${used + 1} of ${values.length}`);
    used++;
    return value;
  };
  return Object.defineProperty(random, 'used', { get: () => used }) as Random & { readonly used: number };
}

const EXPONENTIAL: Pick<RetryConfig, 'backoff' | 'baseMs' | 'maxMs'> = { backoff: 'exponential', baseMs: 100, maxMs: 2000 };

/** `budget`'s answers to `retries` retries after `firsts` first attempts. */
function spend(budget: RetryBudget, firsts: number, retries: number): boolean[] {
  for (let i = 0; i < firsts; i++) budget.firstAttempt();
  return Array.from({ length: retries }, () => budget.tryRetry());
}

describe('retryable', () => {
  const cases: [outcome: { status: number } | { error: string }, expected: boolean][] = [
    [{ status: 200 }, false],
    [{ status: 304 }, false],
    [{ status: 404 }, false],
    [{ status: 499 }, false],
    [{ status: 500 }, true],
    [{ status: 502 }, true],
    [{ status: 503 }, true],
    [{ status: 504 }, true],
    [{ error: 'ETIMEDOUT' }, true],
    [{ error: 'ECONNRESET' }, true],
    [{ error: 'UND_ERR_SOCKET' }, true],
  ];
  for (const [outcome, expected] of cases) {
    it(`${expected ? 'retries' : 'does not retry'} ${JSON.stringify(outcome)}`, () => {
      assert.equal(retryable(outcome), expected);
    });
  }
});

describe('backoffMs', () => {
  it('waits 0 ms before every retry with backoff none, and never draws', () => {
    const random = scripted();
    const policy = { backoff: 'none', baseMs: 100, maxMs: 2000 } as const;
    assert.deepEqual([1, 2, 3, 9].map((retry) => backoffMs(policy, retry, random)), [0, 0, 0, 0]);
    assert.equal(random.used, 0);
  });

  // Full jitter: random() × min(maxMs, baseMs · 2^(k−1)), one draw per retry.
  const jitter: [retry: number, draw: number, expected: number, why: string][] = [
    [1, 0.5, 50, 'half of baseMs · 2^0 = 100'],
    [2, 0.5, 100, 'half of 200'],
    [3, 0.25, 100, 'a quarter of 400'],
    [5, 0.5, 800, 'half of 1,600'],
    [6, 0.5, 1000, 'half of maxMs: 3,200 is capped at 2,000'],
    [10, 0.5, 1000, 'still capped at 2,000'],
    [1, 0, 0, 'a draw of 0 waits not at all'],
    [6, 0.999, 1998, 'just under the cap for a draw just under 1'],
  ];
  for (const [retry, draw, expected, why] of jitter) {
    it(`waits ${expected} ms before retry ${retry} for a draw of ${draw} (${why})`, () => {
      const random = scripted(draw);
      assert.equal(backoffMs(EXPONENTIAL, retry, random), expected);
      assert.equal(random.used, 1);
    });
  }

  it('takes a fresh draw for each retry, in order', () => {
    const random = scripted(0.1, 0.9, 0.5);
    assert.deepEqual([1, 2, 3].map((retry) => backoffMs(EXPONENTIAL, retry, random)), [10, 180, 200]);
  });

  it('caps every wait at maxMs when baseMs already equals it', () => {
    assert.equal(backoffMs({ backoff: 'exponential', baseMs: 300, maxMs: 300 }, 4, scripted(0.5)), 150);
  });
});

describe('RetryBudget', () => {
  it('keeps a cap of 10 saved retries', () => {
    assert.equal(BUDGET_CAP, 10);
  });

  it('allows one retry after ten first attempts at a ratio of 0.1 (ten times 0.1 is 0.9999999999999999 in floating point), then none', () => {
    assert.deepEqual(spend(new RetryBudget(0.1), 10, 2), [true, false]);
  });

  it('allows no retry after nine first attempts at a ratio of 0.1', () => {
    assert.deepEqual(spend(new RetryBudget(0.1), 9, 1), [false]);
  });

  it('allows exactly ten of a hundred retries each tried after a first attempt at 0.1: after the 10th, 20th, … 100th', () => {
    const budget = new RetryBudget(0.1);
    const allowed = Array.from({ length: 100 }, () => spend(budget, 1, 1)[0]);
    assert.deepEqual(allowed, Array.from({ length: 100 }, (_, i) => i % 10 === 9));
  });

  it('allows a retry for every first attempt at a ratio of 1, each spent once', () => {
    const budget = new RetryBudget(1);
    assert.deepEqual([...spend(budget, 1, 2), ...spend(budget, 2, 3)], [true, false, true, true, false]);
  });

  it('saves at most 10 retries however many first attempts earn more', () => {
    assert.deepEqual(spend(new RetryBudget(1), 50, 11), [...Array<boolean>(10).fill(true), false]);
    assert.deepEqual(spend(new RetryBudget(0.5), 30, 11), [...Array<boolean>(10).fill(true), false]);
  });

  it('earns again once below the cap: 3 retries spent from a full budget are earned back by 3 first attempts', () => {
    const budget = new RetryBudget(1);
    spend(budget, 20, 3);
    assert.deepEqual(spend(budget, 3, 11), [...Array<boolean>(10).fill(true), false]);
  });

  it('allows every retry with ratio 0 (no budget), even before any first attempt', () => {
    const budget = new RetryBudget(0);
    assert.deepEqual(spend(budget, 0, 100), Array<boolean>(100).fill(true));
    assert.deepEqual(spend(budget, 50, 100), Array<boolean>(100).fill(true));
  });

  it('allows no retry before the first attempts have earned one', () => {
    assert.deepEqual(spend(new RetryBudget(0.5), 0, 1), [false]);
    assert.deepEqual(spend(new RetryBudget(0.5), 1, 1), [false]);
    assert.deepEqual(spend(new RetryBudget(0.5), 2, 1), [true]);
  });

  it('allows one retry per three first attempts at a ratio of 1/3', () => {
    const budget = new RetryBudget(1 / 3);
    const allowed = Array.from({ length: 30 }, () => spend(budget, 1, 1)[0]);
    assert.deepEqual(allowed, Array.from({ length: 30 }, (_, i) => i % 3 === 2));
  });
});
