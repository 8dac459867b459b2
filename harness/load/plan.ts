/**
 * The stepped ramp (`--ramp`), planned purely before any load is sent (STYLE.md, example 3):
 * the runner executes the list this returns and asks {@link shouldStopRamp} after each step.
 */
import type { CapsConfig, Model, RampConfig } from '../config/scenario.ts';
import { OverloadError, type Problem } from '../errors.ts';

/** More steps than this is a typo in `ramp.step`, not a plan (each step lasts at least a second). */
export const MAX_RAMP_STEPS = 1000;

/**
 * The offered loads of a ramp: `from`, `from + step`, … up to `to`, clamped to the cap of the
 * model (`caps.maxConnections` closed, `caps.maxRps` open). The last step is always `to` (or the
 * cap, when `to` is above it), even when it is off the grid; loads above the cap are dropped.
 *
 * `{ from: 4, to: 30, step: 8 }`, closed model, cap 1024 (test: "ends on `to` even when it is
 * off the grid", test/unit/plan.test.ts):
 * ```
 *  connections
 *   30 ┤                   ┌────  ← `to`, off the grid: still the last step
 *   28 ┤              ┌────┘
 *   20 ┤         ┌────┘
 *   12 ┤    ┌────┘
 *    4 ┼────┘
 *      └────┴────┴────┴────┴──── step
 *       0    1    2    3    4
 * ```
 * Throws `SCENARIO_INVALID` with every problem (path, value, fix) when the ramp cannot be
 * planned; in the closed model every load must be a whole number of connections.
 */
export function planRamp(ramp: RampConfig, model: Model, caps: CapsConfig): number[] {
  const cap = model === 'closed' ? caps.maxConnections : caps.maxRps;
  const problems = rampProblems(ramp, model, cap);
  if (problems.length > 0) {
    throw new OverloadError('SCENARIO_INVALID', 'the ramp cannot be planned', { problems });
  }
  const top = Math.min(ramp.to, cap);
  const loads: number[] = [];
  for (let i = 0; ; i += 1) {
    // Rounded to 1e-9 so that 0.1-sized open-model steps do not drift (0.1 + 0.2 ≠ 0.3).
    const load = Math.round((ramp.from + i * ramp.step) * 1e9) / 1e9;
    if (load >= top) break;
    loads.push(load);
  }
  loads.push(top);
  return loads;
}

/**
 * True when the last `stopAfterFailures` steps all failed the criterion: the ramp has gone far
 * enough past the onset. `passedHistory` holds each judged step's `passed`, oldest first.
 * A `stopAfterFailures` below 1 never stops the ramp early.
 */
export function shouldStopRamp(passedHistory: readonly boolean[], stopAfterFailures: number): boolean {
  if (stopAfterFailures < 1 || passedHistory.length < stopAfterFailures) return false;
  return passedHistory.slice(-stopAfterFailures).every((passed) => !passed);
}

function rampProblems(ramp: RampConfig, model: Model, cap: number): Problem[] {
  const problems: Problem[] = [];
  const unit = model === 'closed' ? 'connections' : 'req/s';
  if (!(ramp.from > 0)) {
    problems.push({ path: 'ramp.from', message: 'the first load must be above 0', value: String(ramp.from), fix: `start at 1 ${unit} or more` });
  }
  if (!(ramp.step > 0)) {
    problems.push({ path: 'ramp.step', message: 'the step must be above 0', value: String(ramp.step), fix: 'use a positive step' });
  }
  if (!(ramp.to >= ramp.from)) {
    problems.push({ path: 'ramp.to', message: 'the last load is below the first', value: String(ramp.to), fix: `set ramp.to to ${ramp.from} or more` });
  }
  if (model === 'closed') {
    for (const key of ['from', 'to', 'step'] as const) {
      if (!Number.isInteger(ramp[key])) {
        problems.push({ path: `ramp.${key}`, message: 'connections are whole numbers', value: String(ramp[key]), fix: `use ${Math.max(1, Math.round(ramp[key]))}` });
      }
    }
  }
  if (problems.length === 0) {
    const count = Math.ceil((Math.min(ramp.to, cap) - ramp.from) / ramp.step) + 1;
    if (count > MAX_RAMP_STEPS) {
      problems.push({
        path: 'ramp.step',
        message: `the ramp would have ${count} steps (at most ${MAX_RAMP_STEPS})`,
        value: String(ramp.step),
        fix: `use a step of ${Math.ceil((ramp.to - ramp.from) / (MAX_RAMP_STEPS - 1))} or more`,
      });
    }
  }
  return problems;
}
