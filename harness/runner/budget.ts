/**
 * The run's hard limits (DESIGN.md §5 `caps`): total duration and requests. The requests are
 * counted after each step; the duration is a deadline the harness owns (research/target-guard.md
 * §4, "deadline owned by the harness, not by autocannon"): when it passes, the run's signal aborts
 * the step in progress, which the drivers end at once, rather than waiting for the step to end.
 * Either stops the run like an interrupt, with the reason kept for the report.
 */
import type { CapsConfig } from '../config/scenario.ts';
import type { StepResult } from '../report/schema.ts';

/** The timer functions the deadline uses; the real ones unless a test injects fakes. */
export interface DeadlineTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real `setTimeout` and `clearTimeout`. */
export const REAL_TIMERS: DeadlineTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RunBudget {
  private readonly controller = new AbortController();
  private requests = 0;
  private readonly deadline: unknown;
  /** Why the budget stopped the run, or null while it has not. */
  reason: string | null = null;

  constructor(
    private readonly caps: CapsConfig,
    external: AbortSignal | undefined,
    private readonly timers: DeadlineTimers = REAL_TIMERS,
  ) {
    if (external?.aborted) this.controller.abort();
    external?.addEventListener('abort', () => this.controller.abort(), { once: true });
    // Not unref()'d: the deadline must fire even if nothing else is pending. dispose() clears it.
    this.deadline = timers.setTimeout(() => this.stop(`the run stopped at caps.maxDurationS (${caps.maxDurationS} s)`), caps.maxDurationS * 1000);
  }

  /** Aborts on the user's signal, at the deadline, or when a cap is reached. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Counts a finished step against the request cap. */
  spend(step: StepResult): void {
    this.requests += step.sent;
    const { maxRequests } = this.caps;
    if (this.requests >= maxRequests) this.stop(`the run stopped at caps.maxRequests (${maxRequests} requests sent)`);
  }

  /** Stops the run now, with the reason kept for the report (a cap, or the circuit breaker). */
  stop(reason: string): void {
    this.reason ??= reason;
    this.controller.abort();
  }

  /** Clears the deadline; call when the run is over. */
  dispose(): void {
    this.timers.clearTimeout(this.deadline);
  }
}
