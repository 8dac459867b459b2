/**
 * What a client does after a failed request (`load.retry`, scenario `retry-storm`): whether it
 * may try again, and how long it waits first. Pure but for the injected random source, so the
 * waits are tested exactly.
 *
 * - Backoff `none`: at once, as a user who reloads the page. `exponential`: "full jitter", a
 *   random wait in [0, min(maxMs, baseMs · 2^(k−1))) before the k-th retry (AWS Architecture
 *   Blog, "Exponential Backoff And Jitter", 2015): the retries of many clients spread out instead
 *   of arriving together.
 * - A retry budget (Finagle's `RetryBudget`, Envoy's `retry_budget`, gRPC's retry throttling):
 *   every first attempt earns `budget` of a retry, every retry spends one, so in the long run
 *   retries are at most that share of the requests, and a storm cannot multiply the load.
 */
import type { RetryConfig } from '../config/scenario.ts';
import type { Random } from '../../fixtures/common/random.ts';

/** The most retries a budget saves up in calm times, to spend at once later (Envoy's floor is 3). */
export const BUDGET_CAP = 10;

/** Whether an attempt's outcome is worth another try: a 5xx, or no answer at all (an error, a timeout). */
export function retryable(outcome: { status: number } | { error: string }): boolean {
  return 'error' in outcome || outcome.status >= 500;
}

/** The wait before retry number `retry` (1 for the first retry), in ms. */
export function backoffMs(policy: Pick<RetryConfig, 'backoff' | 'baseMs' | 'maxMs'>, retry: number, random: Random): number {
  switch (policy.backoff) {
    case 'none':
      return 0;
    case 'exponential':
      return random() * Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  }
}

/** A retry budget: retries earned by first attempts and spent by retries; `ratio` 0 means no budget. */
export class RetryBudget {
  #tokens = 0;

  constructor(readonly ratio: number) {}

  /** A first attempt was sent: it earns `ratio` of a retry (up to {@link BUDGET_CAP} saved). */
  firstAttempt(): void {
    if (this.ratio > 0) this.#tokens = Math.min(BUDGET_CAP, this.#tokens + this.ratio);
  }

  /** Whether a retry may go now; spends one if so. Always true without a budget. */
  tryRetry(): boolean {
    if (this.ratio === 0) return true;
    // Within 1e-9 of a whole retry: ten earnings of 0.1 add up to 0.9999999999999999 in floating
    // point, which must still buy the retry they earned. Never below 0, so the error cannot build up.
    if (this.#tokens < 1 - 1e-9) return false;
    this.#tokens = Math.max(0, this.#tokens - 1);
    return true;
  }
}
