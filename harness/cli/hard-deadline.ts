/**
 * The last line of "bounded by construction" (issue 7): the run's own deadline
 * (caps.maxDurationS, runner/budget.ts) aborts the step in progress, and the drivers, fixtures
 * and gateways stop, each within its own timeout. Should something still not stop a grace later
 * (a driver that ignores its abort: a bug), the harness exits; what it started goes with it, by
 * construction: the fixtures exit when their IPC channel closes, nginx and HAProxy are stopped
 * by their watchdog.
 */
import type { Scenario } from '../config/scenario.ts';
import { REAL_TIMERS, type DeadlineTimers } from '../runner/budget.ts';
import { drainTimeoutMs } from '../runner/measure-step.ts';

/** What the stops themselves may take after the deadline: fixtures' and gateways' SIGTERM-then-SIGKILL. */
const STOP_GRACE_MS = 10_000;


/**
 * When a run of `scenario` must be over whatever happens, ms from its start: its deadline
 * (caps.maxDurationS, which a timeline must fit in to be valid), then a step's tail (the client's
 * timeout), a drain, and the stops.
 */
export function hardDeadlineMs(scenario: Scenario): number {
  return scenario.caps.maxDurationS * 1000 + scenario.load.clientTimeoutMs + drainTimeoutMs(scenario) + STOP_GRACE_MS;
}

/** Calls `onExpire` after `ms` unless the returned function is called first. */
export function armHardDeadline(ms: number, onExpire: () => void, timers: DeadlineTimers = REAL_TIMERS): () => void {
  const handle = timers.setTimeout(onExpire, ms);
  return () => timers.clearTimeout(handle);
}
