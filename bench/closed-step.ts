/**
 * One step of overload's closed-loop driver as the benchmarks run it: `connections` keep a GET /
 * in flight for `durationMs` against `url`, with the default client timeout. The driver keeps
 * nothing between steps, so each call makes its own.
 */
import { DEFAULTS } from '../harness/config/defaults.ts';
import { createClosedDriver } from '../harness/load/closed-driver.ts';
import type { StepObservation } from '../harness/load/driver.ts';

/** Runs the step; `signal` (the benchmark's budget) cuts it short. */
export function closedStep(url: string, connections: number, durationMs: number, signal: AbortSignal): Promise<StepObservation> {
  return createClosedDriver().runStep({
    url,
    offered: connections,
    durationMs,
    method: 'GET',
    path: '/',
    clientTimeoutMs: DEFAULTS.load.clientTimeoutMs,
    signal,
  });
}
