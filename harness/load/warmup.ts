/**
 * How long an open-model step loads the system before its judged window (DESIGN.md §4, "steady
 * state"). Just above capacity μ a queue of K fills in K / (λ − μ) seconds; until it is full
 * nothing is shed, so a window that starts cold under-reports failures near the onset (with
 * K = 16, μ = 400 req/s and a 2 s window, a naive step first fails near 412 req/s instead of 404).
 * Loading at λ for that long first lets the window see the steady state. Just below μ the same
 * time scale, K / (μ − λ), is how long random arrivals take to settle the queue into its
 * stationary distribution, so the rule is symmetric.
 *
 *   warm-up
 *     max ┤      ╭╮
 *         │      ││
 *         │     ╭╯╰╮
 *     min ┤─────╯  ╰──────
 *         └──────┴───────► λ
 *                μ
 *
 * Encoded in test/unit/warmup.test.ts.
 */

/** The shortest warm-up: enough to open the connections (a cold pool lags ~30 ms for 0.5 s). */
export const MIN_WARMUP_MS = 300;

export interface WarmupInput {
  /** The step's arrival rate λ, req/s. */
  rateRps: number;
  /** The estimated capacity μ, req/s, or null before anything is known (then the minimum). */
  capacityRps: number | null;
  /** Requests the system holds before it sheds (K: the upstream's queue, for the fixtures). */
  buffer: number;
  /** The longest warm-up allowed (a share of the step, so a run stays within its time). */
  maxMs: number;
}

/** The warm-up for one step, in whole ms: K / |λ − μ| clamped to [MIN_WARMUP_MS, maxMs]. */
export function warmupMs({ rateRps, capacityRps, buffer, maxMs }: WarmupInput): number {
  const ceiling = Math.max(MIN_WARMUP_MS, maxMs);
  if (capacityRps === null || !(capacityRps > 0) || buffer <= 0) return MIN_WARMUP_MS;
  const gap = Math.abs(rateRps - capacityRps);
  if (gap === 0) return ceiling;
  const fillMs = (buffer / gap) * 1000;
  return Math.round(Math.min(ceiling, Math.max(MIN_WARMUP_MS, fillMs)));
}
