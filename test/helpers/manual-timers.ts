/** Deadline timers a test fires by hand (runner/budget.ts `DeadlineTimers`). */
import type { DeadlineTimers } from '../../harness/runner/budget.ts';

/** The one timer set last: `ms` it was set for, `fire()` to run it, `cleared` once cleared (then `fire()` does nothing). */
export function manualTimers(): DeadlineTimers & { fire(): void; ms: number | null; cleared: boolean } {
  let callback: (() => void) | null = null;
  const timers = {
    ms: null as number | null,
    cleared: false,
    setTimeout(fn: () => void, ms: number) {
      callback = fn;
      timers.ms = ms;
      return 1;
    },
    clearTimeout() {
      timers.cleared = true;
      callback = null;
    },
    fire() {
      callback?.();
    },
  };
  return timers;
}
