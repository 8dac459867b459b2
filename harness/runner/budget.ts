/**
 * The run's hard limits (DESIGN.md §5 `caps`): total duration and requests. Exceeding one stops
 * the run between steps, like an interrupt, with the reason kept for the report.
 */
import type { CapsConfig } from '../config/scenario.ts';
import type { StepResult } from '../report/schema.ts';

export class RunBudget {
  private readonly controller = new AbortController();
  private readonly startedAt = Date.now();
  private requests = 0;
  /** Why the budget stopped the run, or null while it has not. */
  reason: string | null = null;

  constructor(
    private readonly caps: CapsConfig,
    external: AbortSignal | undefined,
  ) {
    if (external?.aborted) this.controller.abort();
    external?.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  /** Aborts on the user's signal or when a cap is reached. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Counts a finished step against the caps. */
  spend(step: StepResult): void {
    this.requests += step.sent;
    const { maxRequests, maxDurationS } = this.caps;
    const elapsedS = (Date.now() - this.startedAt) / 1000;
    if (this.requests >= maxRequests) this.stop(`the run stopped at caps.maxRequests (${maxRequests} requests sent)`);
    else if (elapsedS >= maxDurationS) this.stop(`the run stopped at caps.maxDurationS (${maxDurationS} s)`);
  }

  /** Stops the run now, with the reason kept for the report (a cap, or the circuit breaker). */
  stop(reason: string): void {
    this.reason ??= reason;
    this.controller.abort();
  }
}
