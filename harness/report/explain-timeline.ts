/**
 * The explanation of a timeline run: sentences built from what it measured (its failure windows,
 * recoveries and causes), like `explain.ts` for ramps and searches. What it reads of the scenario
 * is only what it needs to name a measurement right: the events the run carried out, the planned
 * rates a goodput is compared with, and whether an ETIMEDOUT is a client giving up on its own.
 */
import { formatCount, formatLoad, formatPercent, formatRate, formatSeconds, type LoadUnit } from '../format.ts';
import { largestFirst, totalCount } from '../stats/counts.ts';
import { causeSentences } from './explain.ts';
import type { TimelineResult } from './schema.ts';
import { causeNoun } from './verdict.ts';

/** What the explanation needs of the scenario beyond the timeline: its clients, and its planned rates. */
export interface TimelineClients {
  /** `load.retry.timeoutMs` when set: an ETIMEDOUT is then the client giving up, not a silent gateway. */
  giveUpMs?: number;
  /** `load.retry.attempts`: more than 1 when clients try again. */
  attempts?: number;
  /** The planned arrival rate over time (config/rate-profile.ts), the first at 0 ms. */
  rates?: readonly { atMs: number; rateRps: number }[];
  /** `upstream.abandoned`: whether the upstream goes on with a request whose client left. */
  abandoned?: 'cancel' | 'serve';
}

/** The explanation's sentences, in reading order. Example cases: test/unit/explain-timeline.test.ts. */
export function explainTimeline(timeline: TimelineResult, unit: LoadUnit, causes: Readonly<Record<string, number>>, clients: TimelineClients = {}): string[] {
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
  sentences.push(...afterDrops(timeline, clients));
  sentences.push(...causeSentences(causes));
  const race = notOverload(timeline, unit, causes);
  if (race !== null) sentences.push(race);
  const client = clientOnly(timeline, clients);
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
function clientOnly(timeline: TimelineResult, clients: TimelineClients): string | null {
  const errors: Record<string, number> = {};
  for (const bucket of timeline.buckets) for (const [code, n] of Object.entries(bucket.errors)) errors[code] = (errors[code] ?? 0) + n;
  if (totalCount(errors) === 0) return null;
  const parts = largestFirst(errors).slice(0, 3).map(([code, n]) => `${code} ×${formatCount(n)}`);
  if (clients.giveUpMs !== undefined && (errors.ETIMEDOUT ?? 0) > 0) {
    const wasted = clients.abandoned === 'serve' ? ', while the upstream went on with its request (wasted work)' : '';
    return `The clients saw ${parts.join(', ')}; each ETIMEDOUT is a client that gave up after ${formatCount(clients.giveUpMs)} ms${wasted}.`;
  }
  return `The client itself saw ${parts.join(', ')}: requests that got no answer at all from the gateway.`;
}

/**
 * After each rate change that lowered the load: the goodput from then to the end, against the new
 * rate. When it stays under half of that rate though the load dropped, and clients retry, the
 * failure outlived its trigger: a metastable failure (Bronson et al., HotOS 2021).
 */
function afterDrops(timeline: TimelineResult, clients: TimelineClients): string[] {
  const rates = clients.rates ?? [];
  const drops = rates.filter((change, index) => index > 0 && change.rateRps < (rates[index - 1]?.rateRps ?? 0));
  return drops.flatMap((drop) => {
    const rate = drop.rateRps;
    const after = timeline.buckets.filter((bucket) => bucket.t >= drop.atMs);
    if (after.length === 0 || rate <= 0) return [];
    const goodput = (after.reduce((sum, bucket) => sum + bucket.ok, 0) * 1000) / (after.length * timeline.bucketMs);
    const lead = `After the rate dropped to ${formatRate(rate)} req/s at ${formatSeconds(drop.atMs)}, the gateway answered ${formatRate(goodput)} 2xx per second to the end (${formatPercent(Math.min(1, goodput / rate))} of it)`;
    if (goodput < rate / 2 && (clients.attempts ?? 1) > 1) {
      const queue = clients.abandoned === 'serve' ? "keep the upstream's queue full of requests whose clients have already given up, so almost every answer comes too late" : 'keep the upstream saturated';
      return [`${lead}: a metastable failure. The load dropped, but the clients' retries ${queue}.`];
    }
    return [`${lead}.`];
  });
}
