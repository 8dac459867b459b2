/**
 * The scenario's `expect` checks, evaluated against what the run measured (DESIGN.md §5). Any
 * failing one makes `run` exit 3; the CLI decides that, this only judges.
 */
import type { Expectation } from '../config/scenario.ts';
import { formatCount, formatLoad, formatMs, formatPercent, formatRate, formatSeconds, type LoadUnit } from '../format.ts';
import { totalCount } from '../stats/counts.ts';
import { dominantCause, onsetsAgree } from './explain.ts';
import type { ExpectationResult, StepResult, TimelineResult } from './schema.ts';

/** What the expectations are judged on; the report's fields fit. */
export interface ExpectationInput {
  onset: { value: number; unit?: LoadUnit } | null;
  /** Gateway failures by cause over the run. */
  causes: Readonly<Record<string, number>>;
  /** Every step of every trial. */
  steps: readonly (Pick<StepResult, 'offered' | 'failures' | 'valid'> & Partial<Pick<StepResult, 'causes'>>)[];
  /** The unit of offered loads; taken from `onset` when absent. */
  unit?: LoadUnit;
  /** Theory's predicted onset (null: none predicted); needed by `onsetMatchesTheory`. */
  theoryOnset?: number | null;
  /** A timeline scenario's measurements; the timeline checks read these. */
  timeline?: Pick<TimelineResult, 'bucketMs' | 'buckets' | 'windows' | 'recoveries'>;
}

/**
 * Judges each expectation, in order:
 * - `{ onset: { between: [a, b] } }`: an onset was found and a ≤ onset ≤ b;
 * - `{ dominantCause: code }`: `code` had the most gateway failures (ties: first by name);
 * - `{ noFailuresBelow: n }`: no valid step at offered ≤ n had any failure (`failures > 0`),
 *   and at least one valid step at offered ≤ n was measured (no evidence is not a pass).
 *   Invalid steps are not judged: the generator, not the gateway, limited them.
 * - `{ onsetMatchesTheory: true }`: the measured onset agrees with theory's within
 *   {@link ONSET_AGREEMENT} (exactly, in connections), or neither has one.
 * - `{ causeBelowOnset: code }`: some valid step below the onset (any valid step, when there is
 *   no onset) had failures of that cause: e.g. the gateway's timer fired (504) before the upstream
 *   refused outright (502).
 * - `{ recoveryWithinMs: n }` (timeline): after every recovery event the failures stopped within
 *   n ms (stats/timeline.ts `recoveries`), and there was at least one such event.
 * - `{ failureWindows: { min, max? } }` (timeline): the number of failure windows lies in range.
 * - `{ noFailuresBeforeMs: t }` (timeline): not one failure in the buckets that end by t, and at
 *   least one such bucket.
 */
export function evaluateExpectations(expect: readonly Expectation[], input: ExpectationInput): ExpectationResult[] {
  const unit = input.unit ?? input.onset?.unit;
  const load = (value: number): string => (unit === undefined ? formatCount(value) : formatLoad(value, unit));
  return expect.map((expectation): ExpectationResult => {
    if ('onset' in expectation) {
      const [a, b] = expectation.onset.between;
      const { onset } = input;
      return {
        description: `onset between ${formatCount(a)} and ${load(b)}`,
        passed: onset !== null && onset.value >= a && onset.value <= b,
        actual: onset === null ? 'no onset found' : load(onset.value),
      };
    }
    if ('dominantCause' in expectation) {
      const top = dominantCause(input.causes);
      return {
        description: `dominant cause is ${expectation.dominantCause}`,
        passed: top?.cause === expectation.dominantCause,
        actual: top === null ? 'no gateway failure' : `${top.cause} (${formatPercent(top.share)} of ${formatCount(totalCount(input.causes))} failures)`,
      };
    }
    if ('noFailuresBelow' in expectation) {
      const limit = expectation.noFailuresBelow;
      const judged = input.steps.filter((step) => step.valid && step.offered <= limit);
      const failing = judged.filter((step) => step.failures > 0).sort((x, y) => x.offered - y.offered);
      const lowest = failing[0];
      let actual: string;
      if (judged.length === 0) actual = `no valid step at or below ${load(limit)} was measured`;
      else if (lowest === undefined) actual = `no failure in ${judged.length} step${judged.length === 1 ? '' : 's'} at or below ${load(limit)}`;
      else actual = `${formatCount(lowest.failures)} failure${lowest.failures === 1 ? '' : 's'} at ${load(lowest.offered)}, the lowest step with any`;
      return { description: `no failure at or below ${load(limit)}`, passed: judged.length > 0 && lowest === undefined, actual };
    }
    if ('onsetMatchesTheory' in expectation) {
      const predicted = input.theoryOnset ?? null;
      const measured = input.onset?.value ?? null;
      const show = (value: number | null): string => (value === null ? 'none' : load(value));
      return {
        description: 'onset matches theory',
        passed: measured === null || predicted === null ? measured === predicted : onsetsAgree(measured, predicted, unit ?? 'connections'),
        actual: `measured ${show(measured)}, theory ${show(predicted)}`,
      };
    }
    if ('causeBelowOnset' in expectation) {
      const cause = expectation.causeBelowOnset;
      const onset = input.onset?.value ?? Infinity;
      const seen = input.steps.filter((step) => step.valid && (step.causes?.[cause] ?? 0) > 0).map((step) => step.offered);
      const first = seen.length === 0 ? null : Math.min(...seen);
      const where = input.onset === null ? 'with no onset' : `onset ${load(input.onset.value)}`;
      return {
        description: `${cause} below the onset`,
        passed: first !== null && first < onset,
        actual: first === null ? `no ${cause} in any valid step` : `first at ${load(first)}; ${where}`,
      };
    }
    if ('recoveryWithinMs' in expectation || 'failureWindows' in expectation || 'noFailuresBeforeMs' in expectation || 'goodputAfter' in expectation) {
      return judgeTimeline(expectation, input.timeline);
    }
    return assertNever(expectation);
  });
}

type TimelineExpectation = Extract<Expectation, { recoveryWithinMs: number } | { failureWindows: unknown } | { noFailuresBeforeMs: number } | { goodputAfter: unknown }>;

function judgeTimeline(expectation: TimelineExpectation, timeline: ExpectationInput['timeline']): ExpectationResult {
  if ('goodputAfter' in expectation) return judgeGoodputAfter(expectation.goodputAfter, timeline);
  if ('recoveryWithinMs' in expectation) {
    const limit = expectation.recoveryWithinMs;
    const description = `failures stop within ${formatMs(limit)} of each recovery`;
    const list = timeline?.recoveries ?? [];
    if (timeline === undefined || list.length === 0) return { description, passed: false, actual: timeline === undefined ? 'not a timeline run' : 'no recovery event in the run' };
    const said = list.map((r) => {
      const when = `${r.what} at ${formatSeconds(r.t)}`;
      if (r.recoveredAfterMs === null) return `still failing after ${when}`;
      return r.recoveredAfterMs === 0 ? `no failure after ${when}` : `last failure ${formatCount(r.recoveredAfterMs)} ms after ${when}`;
    });
    return { description, passed: list.every((r) => r.recoveredAfterMs !== null && r.recoveredAfterMs <= limit), actual: said.join('; ') };
  }
  if ('failureWindows' in expectation) {
    const { min, max } = expectation.failureWindows;
    const range = max === undefined ? `at least ${formatCount(min)}` : min === max ? `exactly ${formatCount(min)}` : `${formatCount(min)} to ${formatCount(max)}`;
    const description = `${range} failure window${min === 1 && (max === undefined || max === 1) ? '' : 's'}`;
    if (timeline === undefined) return { description, passed: false, actual: 'not a timeline run' };
    const count = timeline.windows.length;
    const spans = timeline.windows.slice(0, 5).map((w) => `${formatSeconds(w.start)}–${formatSeconds(w.end)}`);
    const more = count > 5 ? `, and ${formatCount(count - 5)} more` : '';
    return { description, passed: count >= min && (max === undefined || count <= max), actual: count === 0 ? 'no failure window' : `${formatCount(count)}: ${spans.join(', ')}${more}` };
  }
  const before = expectation.noFailuresBeforeMs;
  const description = `no failure before ${formatSeconds(before)}`;
  if (timeline === undefined) return { description, passed: false, actual: 'not a timeline run' };
  // Exact, not by whole buckets: each bucket knows when its first failure came.
  const judged = timeline.buckets.filter((b) => b.t < before);
  const first = judged.find((b) => b.firstFailureAt !== null && b.firstFailureAt < before);
  if (judged.length === 0) return { description, passed: false, actual: `no bucket began before ${formatSeconds(before)}` };
  if (first !== undefined) return { description, passed: false, actual: `the first at ${formatSeconds(first.firstFailureAt ?? first.t)}` };
  return { description, passed: true, actual: `none in ${formatCount(judged.length)} bucket${judged.length === 1 ? '' : 's'}` };
}

/**
 * `{ goodputAfter: { fromMs, minRps?, maxRps? } }`: the 2xx answers of the buckets that begin at
 * or after `fromMs`, per second of those buckets, lie within the bounds (at least one bucket).
 */
function judgeGoodputAfter(bounds: { fromMs: number; minRps?: number | undefined; maxRps?: number | undefined }, timeline: ExpectationInput['timeline']): ExpectationResult {
  const { fromMs, minRps, maxRps } = bounds;
  const range = [minRps === undefined ? null : `at least ${formatRate(minRps)}`, maxRps === undefined ? null : `at most ${formatRate(maxRps)}`].filter((part) => part !== null).join(' and ');
  const description = `goodput from ${formatSeconds(fromMs)} on ${range} req/s`;
  if (timeline === undefined) return { description, passed: false, actual: 'not a timeline run' };
  const judged = timeline.buckets.filter((b) => b.t >= fromMs);
  if (judged.length === 0) return { description, passed: false, actual: `no bucket began at or after ${formatSeconds(fromMs)}` };
  const rps = (judged.reduce((sum, b) => sum + b.ok, 0) * 1000) / (judged.length * timeline.bucketMs);
  const passed = (minRps === undefined || rps >= minRps) && (maxRps === undefined || rps <= maxRps);
  return { description, passed, actual: `${formatRate(rps)} req/s of 2xx over ${formatCount(judged.length)} bucket${judged.length === 1 ? '' : 's'}` };
}

function assertNever(value: never): never {
  throw new Error(`unknown expectation ${JSON.stringify(value)}: add it to evaluateExpectations`);
}
