/**
 * The adaptive onset search (DESIGN.md §4), a pure function over `measure(offered)`: it decides
 * which load to measure next and never touches sockets, processes, files or timers itself.
 *
 * 1. Exponential probe from `start`, doubling (whole connections in the closed model) and never
 *    above `max`: the last probe is exactly `max`, until a step fails the criterion.
 * 2. Bisection between the highest passing and the lowest failing load, until they are adjacent
 *    (closed: high − low ≤ 1) or within `precision` (open: (high − low) / high ≤ precision).
 * 3. The answer is `{ value: high, low, high }`.
 *
 * Threshold 21 (every load ≥ 21 connections fails), start 1 (test: "finds 21 connections along
 * the documented path", test/unit/search.test.ts):
 * ```
 *  probe:  1 ✓  2 ✓  4 ✓  8 ✓  16 ✓  32 ✗
 *  bisect: 24 ✗ (16..32)  20 ✓ (16..24)  22 ✗ (20..24)  21 ✗ (20..22)  → 20..21 adjacent
 *  onset:  { value: 21, low: 20, high: 21 } after 10 steps
 * ```
 * When the first step fails, the closed model takes 0 connections as passing by definition and
 * bisects down (start 8, threshold 5: 8 ✗, 4 ✓, 6 ✗, 5 ✗ → { 5, 4, 5 }); with start 1 the
 * onset is 1 at once ({ 1, 0, 1 }). The open model stops at once ('fails-at-start',
 * `{ start, 0, start }`): halving a rate towards 0 would never meet a relative precision.
 *
 * Invalid steps (the generator was the bottleneck) are neither a pass nor a fail: the same load
 * is measured again, up to `retriesForInvalid` more times, then the search stops.
 *
 * Noise: each load is measured once and only inside the current interval, so the interval only
 * ever narrows with the latest measurement and the search can neither loop nor break. A noisy
 * step (a fail below the true onset, a pass above it) only moves the answer (see the tests
 * "a spurious failure…" and "a spurious pass…"); `--repeat` is the remedy for that.
 */
import { OverloadError, type Problem } from '../errors.ts';
import { formatLoad } from '../format.ts';

/** Re-exported for callers that import it from here (test/unit/search.test.ts); it is defined in `harness/format.ts`. */
export { formatLoad } from '../format.ts';

/** What the search needs to know about a measured step; `StepResult` fits. */
export interface SearchStep {
  offered: number;
  /** The failure ratio stayed under the criterion. */
  passed: boolean;
  /** False when the load generator was the bottleneck. */
  valid: boolean;
  invalidReason: string | null;
}

export type SearchUnit = 'connections' | 'rps';

export interface SearchOptions {
  /** First load of the exponential probe (`search.start`). */
  start: number;
  /** Relative precision at which bisection stops (open model only; `search.precision`). */
  precision: number;
  /** Most calls to `measure`, retries included (`search.maxSteps`). */
  maxSteps: number;
  /** Highest load ever offered (`caps.maxConnections` or `caps.maxRps`). */
  max: number;
  unit: SearchUnit;
  /** How many more times an invalid step is measured before the search gives up; default 2. */
  retriesForInvalid?: number;
  /** Stops the search between steps; the steps measured so far are kept. */
  signal?: AbortSignal;
}

export type SearchReason = 'found' | 'no-failure-up-to-max' | 'fails-at-start' | 'max-steps' | 'invalid-steps' | 'aborted';

export interface SearchOutcome<S extends SearchStep> {
  /** Set when the search converged ('found', 'fails-at-start'); null otherwise. */
  onset: { value: number; low: number; high: number } | null;
  /** The interval when the search ended: highest pass (0 when none was measured below a failing start) and lowest fail. */
  bracket: { low: number | null; high: number | null };
  /** Every measured step, retries and an interrupted last step included, in order. */
  steps: S[];
  reason: SearchReason;
  /** One or two sentences saying how the search ended, with the numbers. */
  note: string;
}

/** Default number of re-measurements of an invalid step. */
export const DEFAULT_RETRIES_FOR_INVALID = 2;

/** Finds the onset by probing then bisecting; see the module comment for the exact path. */
export async function searchOnset<S extends SearchStep>(
  measure: (offered: number) => Promise<S>,
  options: SearchOptions,
): Promise<SearchOutcome<S>> {
  checkOptions(options);
  const { start, max, unit, signal } = options;
  const retries = options.retriesForInvalid ?? DEFAULT_RETRIES_FOR_INVALID;
  const closed = unit === 'connections';
  const steps: S[] = [];
  let low: number | null = null;
  let high: number | null = null;
  let passMeasured = false;
  let startFailed = false;

  const finish = (reason: SearchReason, note: string): SearchOutcome<S> => {
    const converged = reason === 'found' || reason === 'fails-at-start';
    const onset = converged && low !== null && high !== null ? { value: high, low, high } : null;
    return { onset, bracket: { low, high }, steps, reason, note };
  };

  for (;;) {
    let offered: number;
    if (high === null) {
      if (low !== null && low >= max) return finish('no-failure-up-to-max', noFailureNote(max, unit));
      offered = low === null ? start : Math.min(low * 2, max);
    } else {
      const bottom = low ?? 0;
      if (converged(bottom, high, closed, options.precision)) {
        return passMeasured
          ? finish('found', foundNote(bottom, high, unit, options.precision, steps.length, startFailed ? start : null))
          : finish('fails-at-start', failsAtStartNote(high, unit));
      }
      offered = closed ? Math.floor((bottom + high) / 2) : (bottom + high) / 2;
    }

    let step: S | undefined;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      if (isAborted(signal)) return finish('aborted', abortedNote(steps.length, low, high, unit));
      if (steps.length >= options.maxSteps) return finish('max-steps', maxStepsNote(options.maxSteps, low, high, unit));
      const measured = await measure(offered);
      steps.push(measured);
      // A step that ran while the search was being aborted may be cut short: keep it, do not judge it.
      if (isAborted(signal)) return finish('aborted', abortedNote(steps.length, low, high, unit));
      if (measured.valid) {
        step = measured;
        break;
      }
    }
    if (step === undefined) {
      const reason = steps.at(-1)?.invalidReason ?? 'no reason given';
      return finish('invalid-steps', invalidNote(offered, retries + 1, reason, low, high, unit));
    }

    if (step.passed) {
      low = offered;
      passMeasured = true;
    } else {
      high = offered;
      if (low === null) {
        // The first step failed: 0 passes by definition. Closed: bisect down; open: stop (see above).
        low = 0;
        startFailed = true;
        if (!closed) return finish('fails-at-start', failsAtStartNote(offered, unit));
      }
    }
  }
}

/** Read through a function so that the compiler does not narrow `aborted` across the await. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function converged(low: number, high: number, closed: boolean, precision: number): boolean {
  return closed ? high - low <= 1 : (high - low) / high <= precision;
}

function where(low: number | null, high: number | null, unit: SearchUnit): string {
  if (high !== null) return `the onset between ${formatLoad(low ?? 0, unit)} and ${formatLoad(high, unit)}`;
  if (low !== null) return `no failure up to ${formatLoad(low, unit)}`;
  return 'nothing judged yet';
}

function foundNote(low: number, high: number, unit: SearchUnit, precision: number, count: number, failedStart: number | null): string {
  const how = unit === 'connections' ? 'adjacent counts' : `within ${(precision * 100).toLocaleString('en-US')} %`;
  const down = failedStart === null ? '' : `The first step (${formatLoad(failedStart, unit)}) already failed, so the search bisected down from it. `;
  return `${down}${formatLoad(low, unit)} passed and ${formatLoad(high, unit)} failed: the onset is ${formatLoad(high, unit)} (${how}, ${count} steps).`;
}

function failsAtStartNote(high: number, unit: SearchUnit): string {
  if (unit === 'connections') {
    return `Every step failed, down to ${formatLoad(high, unit)}: the onset is ${formatLoad(high, unit)} (0 connections passes by definition; nothing lower can be measured).`;
  }
  return `The first step (${formatLoad(high, unit)}) already failed and nothing lower was measured: the onset is at most ${formatLoad(high, unit)}; lower search.start to locate it.`;
}

function noFailureNote(max: number, unit: SearchUnit): string {
  const cap = unit === 'connections' ? 'caps.maxConnections' : 'caps.maxRps';
  return `No step failed up to ${formatLoad(max, unit)}, the cap (${cap}): the onset, if there is one, is above it.`;
}

function maxStepsNote(maxSteps: number, low: number | null, high: number | null, unit: SearchUnit): string {
  return `The search stopped after ${maxSteps} steps (search.maxSteps) with ${where(low, high, unit)}; raise search.maxSteps to narrow it.`;
}

function invalidNote(offered: number, attempts: number, reason: string, low: number | null, high: number | null, unit: SearchUnit): string {
  return `The step at ${formatLoad(offered, unit)} was invalid ${attempts} times in a row (${reason}), so the search stopped with ${where(low, high, unit)}.`;
}

function abortedNote(count: number, low: number | null, high: number | null, unit: SearchUnit): string {
  return `The search was interrupted after ${count} steps, with ${where(low, high, unit)}.`;
}

function checkOptions(options: SearchOptions): void {
  const { start, precision, maxSteps, max, unit } = options;
  const retries = options.retriesForInvalid ?? DEFAULT_RETRIES_FOR_INVALID;
  const closed = unit === 'connections';
  const maxPath = closed ? 'caps.maxConnections' : 'caps.maxRps';
  const problems: Problem[] = [];
  if (closed ? !(Number.isInteger(start) && start >= 1) : !(start > 0 && Number.isFinite(start))) {
    problems.push({ path: 'search.start', message: closed ? 'the search starts at a whole number of connections, 1 or more' : 'the search starts above 0 req/s', value: String(start), fix: closed ? 'use 1' : 'use 10' });
  }
  if (closed ? !(Number.isInteger(max) && max >= 1) : !(max > 0 && Number.isFinite(max))) {
    problems.push({ path: maxPath, message: 'the cap must be a positive number', value: String(max), fix: closed ? 'use a whole number of connections' : 'use a positive rate' });
  } else if (start > max) {
    problems.push({ path: 'search.start', message: `the search starts above the cap (${maxPath} = ${max})`, value: String(start), fix: `start at ${max} or less` });
  }
  if (!(precision > 0 && precision < 1)) {
    problems.push({ path: 'search.precision', message: 'the precision is a fraction between 0 and 1', value: String(precision), fix: 'use 0.02 (2 %)' });
  }
  if (!(Number.isInteger(maxSteps) && maxSteps >= 1)) {
    problems.push({ path: 'search.maxSteps', message: 'the search needs at least one step', value: String(maxSteps), fix: 'use 30' });
  }
  if (!(Number.isInteger(retries) && retries >= 0)) {
    problems.push({ path: 'retriesForInvalid', message: 'retries are a whole number, 0 or more', value: String(retries), fix: 'use 2' });
  }
  if (problems.length > 0) throw new OverloadError('SCENARIO_INVALID', 'the onset search cannot start', { problems });
}
