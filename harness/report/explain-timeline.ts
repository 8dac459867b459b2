/**
 * The explanation of a timeline run: sentences built from what it measured (its failure windows,
 * recoveries and causes), never from the scenario's settings, like `explain.ts` for ramps and
 * searches. The one exception is the events, which the run itself carried out and recorded.
 */
import { formatCount, formatLoad, formatPercent, formatSeconds, type LoadUnit } from '../format.ts';
import { largestFirst, totalCount } from '../stats/counts.ts';
import { causeSentences } from './explain.ts';
import type { TimelineResult } from './schema.ts';
import { causeNoun } from './verdict.ts';

/** The explanation's sentences, in reading order. Example cases: test/unit/explain-timeline.test.ts. */
export function explainTimeline(timeline: TimelineResult, unit: LoadUnit, causes: Readonly<Record<string, number>>): string[] {
  const { totals, windows } = timeline;
  const sentences: string[] = [];
  const load = `a steady ${formatLoad(timeline.offered, unit)}`;
  if (totals.sent === 0) return [`No request was sent in ${formatSeconds(timeline.durationMs)}.`];
  if (totals.failures === 0) {
    sentences.push(`Under ${load}, none of ${formatCount(totals.sent)} requests failed in ${formatSeconds(timeline.durationMs)}.`);
  } else {
    const share = formatPercent(Math.min(1, totals.failures / totals.sent));
    const count = windows.length === 1 ? 'one failure window' : `${formatCount(windows.length)} separate failure windows`;
    sentences.push(`Under ${load}, ${formatCount(totals.failures)} of ${formatCount(totals.sent)} requests failed (${share}), in ${windows.length === 0 ? 'scattered buckets below the criterion' : count}.`);
  }
  for (const window of windows.slice(0, 5)) {
    const cause = window.dominantCause === null ? 'with no cause counted by the gateway (the client saw them fail)' : `mostly ${causeNoun(window.dominantCause)} (${window.dominantCause})`;
    sentences.push(`From ${formatSeconds(window.start)} to ${formatSeconds(window.end)}: ${formatCount(window.failures)} failed, ${cause}.`);
  }
  if (windows.length > 5) sentences.push(`${formatCount(windows.length - 5)} more windows follow, the last ending at ${formatSeconds(windows.at(-1)?.end ?? 0)}.`);
  for (const recovery of timeline.recoveries) {
    sentences.push(
      recovery.recoveredAfterMs === null
        ? `After ${recovery.what} at ${formatSeconds(recovery.t)}, the failures did not stop before the next fault or the end of the run.`
        : recovery.recoveredAfterMs === 0
          ? `After ${recovery.what} at ${formatSeconds(recovery.t)}, no request failed.`
          : `After ${recovery.what} at ${formatSeconds(recovery.t)}, the last failure came ${formatCount(recovery.recoveredAfterMs)} ms later.`,
    );
  }
  sentences.push(...causeSentences(causes));
  const race = notOverload(timeline, unit, causes);
  if (race !== null) sentences.push(race);
  const client = clientOnly(timeline);
  if (client !== null) sentences.push(client);
  if (!timeline.valid && timeline.invalidReason !== null) sentences.push(`The timeline is not judged: ${timeline.invalidReason}.`);
  return sentences;
}

/**
 * When keep-alive races are at least half of the failures, the sentence that says they are not
 * overload: they come from idle connections, so they are most likely at a low load, and more load would
 * not make them worse (research/gateway-502.md §5.2: the rate falls as traffic rises).
 */
function notOverload(timeline: TimelineResult, unit: LoadUnit, causes: Readonly<Record<string, number>>): string | null {
  // Its own share, not the top cause: at exactly half, a tie could put another cause first by name.
  const races = causes.keepalive_race ?? 0;
  if (races === 0 || races * 2 < totalCount(causes)) return null;
  return `These 502s are not overload: at ${formatLoad(timeline.offered, unit)} the upstream was nearly idle; each came on a pooled connection the upstream closed for idleness just as the gateway reused it. Keep the upstream's keep-alive timeout above the gateway's idle timeout (e.g. 65 s against nginx's 60 s), or let the gateway retry (it may not for POST).`;
}

/** Failures the client saw that the gateway counted no cause for (its own errors, lost requests). */
function clientOnly(timeline: TimelineResult): string | null {
  const errors: Record<string, number> = {};
  for (const bucket of timeline.buckets) for (const [code, n] of Object.entries(bucket.errors)) errors[code] = (errors[code] ?? 0) + n;
  if (totalCount(errors) === 0) return null;
  const parts = largestFirst(errors).slice(0, 3).map(([code, n]) => `${code} ×${formatCount(n)}`);
  return `The client itself saw ${parts.join(', ')}: requests that got no answer at all from the gateway.`;
}
