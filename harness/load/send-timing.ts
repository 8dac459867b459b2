/**
 * How the pacer waits for its next arrival (DESIGN.md §3 "Open loop"). Pure: the pacer asks
 * {@link nextWake} after each round of sends, and feeds {@link SpinBudget} the time it spun.
 *
 * Why not a timer per arrival: Node's timers have a 1 ms grain and fire late (measured on this
 * 2-core VM, `setTimeout(1)`: +0.16 ms at p50, +2.0 ms at p99). Why not a busy loop: the fixtures
 * share the two cores, and the generator self-check marks a step invalid above 90 % of a core
 * (harness/stats/criterion.ts). So:
 *
 *   wait to next arrival   > SLEEP_BEYOND_MS           ≤ SLEEP_BEYOND_MS, budget left   budget spent
 *   the pacer              setTimeout(wait − LEAD),    setImmediate: one turn of the    setTimeout(1):
 *                          waking ~1 ms early          event loop (I/O first), again    sends in batches
 *
 * At low rates the pacer sleeps through each gap and spins the last ~1 ms: sends land within
 * ~0.1 ms. At high rates every gap is "close", so spinning would take a whole core: the budget
 * caps the spinning at {@link SPIN_SHARE} of the wall time, and past it the pacer sends the
 * arrivals that came due during a 1 ms timer as one batch (lag ≤ ~1.2 ms, no CPU spent waiting).
 * Answers also trigger a send round (the pacer's `poke`), so under load arrivals rarely wait for
 * the timer at all.
 */

/** Beyond this wait (ms) the pacer sleeps on a timer; within it, it may spin. */
export const SLEEP_BEYOND_MS = 2;
/** A timer is set to wake this much before the arrival (ms): timers fire late, never early. */
export const TIMER_LEAD_MS = 1;
/**
 * The share of wall time the pacer may spend spinning (setImmediate turns) over a step. Spinning
 * buys sub-ms sends at low rates (send lag p50 ~0.15 ms instead of ~0.6–0.9 ms with timers alone,
 * measured at 100 req/s); above ~500 req/s every gap is "close", and on this 2-core machine each
 * tenth of a core spun is taken from the gateway and upstream, whose CPU stalls then dominate the
 * p99 anyway. A tenth of a core is the compromise.
 */
export const SPIN_SHARE = 0.1;
/** Spinning allowed at the start of a step, before any share has built up (ms). */
export const SPIN_GRACE_MS = 5;

/** What the pacer does next: sleep on a timer for `delayMs`, or take one event-loop turn. */
export type Wake = { kind: 'timer'; delayMs: number } | { kind: 'immediate' };

/**
 * The wake for an arrival `waitMs` from now (> 0). A timer's delay is a whole number of ms, at
 * least 1: Node truncates fractions and turns anything below 1 into 1.
 */
export function nextWake(waitMs: number, spinAllowed: boolean): Wake {
  if (waitMs > SLEEP_BEYOND_MS) return { kind: 'timer', delayMs: Math.max(1, Math.floor(waitMs - TIMER_LEAD_MS)) };
  if (spinAllowed) return { kind: 'immediate' };
  return { kind: 'timer', delayMs: 1 };
}

/**
 * Keeps the time spent spinning under `share` of the time elapsed since `startMs` (plus a small
 * grace), so that a high rate degrades to timer batches instead of taking a core.
 */
export class SpinBudget {
  #spentMs = 0;

  constructor(
    private readonly startMs: number,
    private readonly share: number = SPIN_SHARE,
    private readonly graceMs: number = SPIN_GRACE_MS,
  ) {}

  /** Adds one spin turn's length (from `setImmediate` to its callback). */
  spent(ms: number): void {
    this.#spentMs += ms;
  }

  /** Whether another turn fits in the budget at `nowMs`. */
  allows(nowMs: number): boolean {
    return this.#spentMs <= this.share * (nowMs - this.startMs) + this.graceMs;
  }

  /** Time spent spinning so far, ms. */
  get spentMs(): number {
    return this.#spentMs;
  }
}
