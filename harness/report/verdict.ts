/**
 * The verdict of a run in one sentence: the headline of the HTML report and the text a CI job
 * shows beside its JUnit result. It says where the gateway began to fail (beside the theory) and
 * what most of those failures were, e.g.
 * `The gateway began returning 502s at 21 connections (theory: 21); 99.9 % of them were upstream resets.`
 * Pure. Exact sentences for each case: test/unit/verdict.test.ts.
 */
import { isCauseCode, type CauseCode } from '../../fixtures/gateway/causes.ts';
import { formatCount, formatLoad, formatLoadValue, formatPercent, formatRate } from '../format.ts';
import { clientFailures, describeClientFailures, dominantCause, statusList } from './explain.ts';
import { asSentence, theoryOnsetWords } from './render/shared.ts';
import type { Report } from './schema.ts';

/**
 * Each cause code as a short plural noun, completing "99.9 % of them were …". A Record over every
 * code, so a new cause code does not compile until it has a noun here.
 */
export const CAUSE_NOUNS: Readonly<Record<CauseCode, string>> = {
  upstream_refused: 'refused connections',
  upstream_reset: 'upstream resets',
  upstream_closed: 'connections closed before the response header',
  keepalive_race: 'keep-alive races',
  upstream_invalid: 'invalid responses',
  upstream_unresolved: 'unresolved upstream names',
  upstream_timeout: 'upstream timeouts (504)',
  gateway_overflow: 'gateway queue overflows',
  upstream_truncated: 'truncated responses',
};

/** The noun of a cause code; a code this version does not know (a newer report's) stays as it is. */
export function causeNoun(cause: string): string {
  return isCauseCode(cause) ? CAUSE_NOUNS[cause] : cause;
}

/** The verdict of the run in one sentence, ending with a full stop. */
export function verdictSentence(report: Report): string {
  if (report.plan === 'timeline') return timelineVerdict(report);
  const n = report.steps.length;
  if (n === 0) return report.interrupted ? 'The run was interrupted before any step was measured.' : 'No step was measured.';
  const substance = report.onset === null ? noOnset(report) : withOnset(report, report.onset);
  if (!report.interrupted) return substance;
  // Still one sentence: the interruption leads, the finding follows lower-cased after a dash (a
  // colon would clash with the one in `No 502 up to 64 connections: …`).
  return `Interrupted after ${formatCount(n)} ${n === 1 ? 'step' : 'steps'} — ${lowerFirst(substance)}`;
}

/**
 * A timeline's verdict: how many requests failed, in how many windows, of what, and how soon they
 * stopped after the last recovery, e.g. `601 of 1,800 requests failed (33.4 %) in one window,
 * 3.01–6.00 s, all of the gateway's failures were refused connections; the last failure came 3 ms
 * after the last start-upstream.`
 */
function timelineVerdict(report: Report): string {
  const timeline = report.timeline;
  if (timeline === undefined) return report.interrupted ? 'The run was interrupted before the timeline was measured.' : 'The timeline was not measured.';
  const { totals, windows } = timeline;
  const lead = report.interrupted ? 'Interrupted — ' : '';
  if (totals.failures === 0) return `${lead}${report.interrupted ? 'no' : 'No'} request failed: ${formatCount(totals.sent)} sent at ${formatLoad(timeline.offered, report.unit)}.`;
  const first = windows[0];
  const where =
    windows.length === 0
      ? 'scattered below the criterion'
      : windows.length === 1 && first !== undefined
        ? `in one window, ${formatSecondsShort(first.start)}–${formatSecondsShort(first.end)} s`
        : `in ${formatCount(windows.length)} separate windows`;
  const top = dominantCause(report.causes);
  const what = top === null ? '' : `, ${top.share === 1 ? 'all' : formatPercent(top.share)} of the gateway's failures were ${causeNoun(top.cause)}`;
  const last = timeline.recoveries.at(-1);
  const recovery =
    last === undefined
      ? ''
      : last.recoveredAfterMs === null
        ? `; still failing after the last ${last.what}`
        : last.recoveredAfterMs === 0
          ? `; none failed after the last ${last.what}`
          : `; the last failure came ${formatCount(last.recoveredAfterMs)} ms after the last ${last.what}`;
  const share = formatPercent(Math.min(1, totals.failures / Math.max(1, totals.sent)));
  const substance = `${formatCount(totals.failures)} of ${formatCount(totals.sent)} requests failed (${share}) ${where}${what}${recovery}.`;
  return `${lead}${substance}`;
}

/** Seconds with two decimals and no unit, for a range: `3.02`. */
function formatSecondsShort(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function withOnset(report: Report, onset: NonNullable<Report['onset']>): string {
  const { unit } = report;
  const notes: string[] = [];
  if (report.onsetSpread !== null) notes.push(spread(report, report.onsetSpread));
  const theory = report.theory;
  if (theory !== null) {
    notes.push(`theory: ${theory.onset === null ? theoryOnsetWords(theory, unit) : theoryLoad(theory.onset, unit)}`);
  }
  const quote = notes.length === 0 ? '' : ` (${notes.join('; ')})`;
  const statuses = onset.criterion.statuses;
  if (report.target !== undefined) {
    const seen = clientFailures(report.steps, statuses);
    // With the user's gateway log (--gateway-log), the log says why, as the fixtures' counters do.
    const logged = report.target.gatewayLog === undefined ? null : dominantCause(report.causes);
    const why = logged === null ? '' : `; ${logged.share === 1 ? 'all' : formatPercent(logged.share)} of the failures its gateway logged were ${causeNoun(logged.cause)}`;
    return `The target began failing requests at ${formatLoad(onset.value, unit)}${quote}; the client saw ${describeClientFailures(seen)}${why}.`;
  }
  const lead = `The gateway began returning ${statusList(statuses, 's')} at ${formatLoad(onset.value, unit)}${quote}`;
  // "of them" means the criterion's statuses (the 502s): the share is taken over the causes that
  // answered with one, not over every failure (504 timeouts would dilute it; found in review).
  const counted = Object.fromEntries(Object.entries(report.causes).filter(([cause]) => answeredWith(cause, statuses)));
  const top = dominantCause(counted);
  if (top !== null) return `${lead}; ${top.share === 1 ? 'all' : formatPercent(top.share)} of them were ${causeNoun(top.cause)}.`;
  const other = dominantCause(report.causes);
  if (other === null) return `${lead}; the gateway reported no cause for them.`;
  return `${lead}; ${other.share === 1 ? 'all' : formatPercent(other.share)} of the gateway's failures were ${causeNoun(other.cause)}.`;
}

/**
 * How the trials' onsets spread (`--repeat`): `the same in all 3 trials`, or
 * `median of 3 trials, 20 to 22`; a trial that found no onset is not in min..max, so say so.
 */
function spread(report: Report, { min, max, trials }: NonNullable<Report['onsetSpread']>): string {
  const { unit } = report;
  const found = report.trials.length === 0 ? trials : report.trials.filter((trial) => trial.onset !== null).length;
  if (found < trials) return `${formatCount(found)} of ${formatCount(trials)} trials found one, ${formatLoadValue(min, unit)} to ${formatLoadValue(max, unit)}`;
  if (min === max) return `the same in all ${formatCount(trials)} trials`;
  return `median of ${formatCount(trials)} trials, ${formatLoadValue(min, unit)} to ${formatLoadValue(max, unit)}`;
}

/**
 * A predicted onset: connections as the bare count, the way the explanation quotes it
 * (`theory: 21`); req/s rounded as a rate with its unit (`theory: 404 req/s`), because the theory's
 * rate is a computed μ / (1 − criterion) whose decimals are noise, not a load the plan chose.
 */
function theoryLoad(value: number, unit: Report['unit']): string {
  switch (unit) {
    case 'connections':
      return formatLoadValue(value, unit);
    case 'rps':
      return `${formatRate(value)} req/s`;
  }
}

/**
 * Whether the gateway answers a failure of this cause with one of the criterion's statuses, so
 * "of them" (the 502s) is true. A timeout is a 504 (nginx `ngx_http_upstream_next`: FT_TIMEOUT → 504,
 * research/gateway-502.md §1.1)
 * and a truncated response kept its original status; every other cause is a "bad gateway" status.
 */
function answeredWith(cause: string, statuses: readonly number[]): boolean {
  if (cause === 'upstream_timeout') return statuses.includes(504);
  return cause !== 'upstream_truncated';
}

/**
 * Without an onset, the substance of the explanation's first sentence, which already names the
 * reason (`No 502 up to 64 connections: the upstream answered 503 itself …`), cut at its first
 * top-level semicolon: what follows is detail the report's explanation keeps.
 */
function noOnset(report: Report): string {
  const first = report.explanation[0];
  if (first === undefined) {
    const upTo = Math.max(...report.steps.map((step) => step.offered));
    return `No onset was found up to ${formatLoad(upTo, report.unit)}.`;
  }
  return firstClause(first);
}

/** `text` up to its first semicolon outside parentheses, ended with a full stop. */
function firstClause(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) return `${text.slice(0, i).trimEnd()}.`;
  }
  return asSentence(text);
}

/** Lower-cases a leading word (`The`, `No`), but not an acronym or a number (`HTTP`, `502`). */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}
