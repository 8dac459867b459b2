/**
 * Stops a run against an external target that is down (issue 7): autocannon reconnects at once
 * after every socket error (research/target-guard.md §1.2, `httpClient.js`), so a dead or
 * refusing service would otherwise take a storm of connection attempts for the rest of the step
 * and of every step after it. It hears each outcome of a step (an {@link OutcomeObserver}) and
 * trips when, `windowMs` into the step, not one request got an answer and at least
 * `minFailures` ended in errors. Pure but for the injected clock.
 */
import { formatCount } from '../format.ts';
import type { AnswerOrigin, OutcomeObserver } from '../load/driver.ts';

export interface BreakerLimits {
  /** How long a step may go without any answer before the errors count as "down". */
  windowMs: number;
  /** How many errors it takes: a few could be a slow start. */
  minFailures: number;
}

/** A quarter of a second without an answer: a refused port fails thousands of times in it (measured 2,800 here). */
export const DEFAULT_BREAKER_LIMITS: Readonly<BreakerLimits> = { windowMs: 250, minFailures: 20 };

export class CircuitBreaker implements OutcomeObserver {
  #answered = 0;
  #failed = 0;
  #started: number;
  readonly #errors: Record<string, number> = {};
  #tripped = false;

  /** `onTrip` gets the reason once, when it trips. */
  constructor(
    private readonly now: () => number,
    private readonly onTrip: (reason: string) => void,
    private readonly limits: BreakerLimits = DEFAULT_BREAKER_LIMITS,
  ) {
    this.#started = now();
  }

  /** A new step: its own window, its own counts. */
  reset(): void {
    this.#answered = 0;
    this.#failed = 0;
    this.#started = this.now();
    for (const code of Object.keys(this.#errors)) delete this.#errors[code];
  }

  sent(): void {
    // Sends say nothing about the target's health; answers and errors do.
  }

  answered(_status: number, _origin: AnswerOrigin): void {
    this.#answered++;
  }

  failed(code: string): void {
    this.#failed++;
    this.#errors[code] = (this.#errors[code] ?? 0) + 1;
    const elapsed = this.now() - this.#started;
    if (this.#tripped || this.#answered > 0 || this.#failed < this.limits.minFailures || elapsed < this.limits.windowMs) return;
    this.#tripped = true;
    const errors = Object.entries(this.#errors)
      .sort(([, a], [, b]) => b - a)
      .map(([name, count]) => `${name} ×${formatCount(count)}`)
      .join(', ');
    this.onTrip(`the target answered nothing for ${formatCount(elapsed)} ms while ${formatCount(this.#failed)} requests failed (${errors})`);
  }

  retract(code: string): void {
    if ((this.#errors[code] ?? 0) === 0) return;
    this.#errors[code] = (this.#errors[code] ?? 0) - 1;
    if (this.#errors[code] === 0) delete this.#errors[code];
    this.#failed--;
  }
}
