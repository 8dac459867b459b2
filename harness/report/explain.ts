/**
 * The report's explanation: sentences built from what the run MEASURED (onset, statuses, causes,
 * steps), never from the scenario's settings; the theory is quoted only beside a measurement.
 * One template per cause code says what the cause means and why the gateway answers 502 or 504,
 * in nginx's error-log wording (research/gateway-502.md §1.1), which the gateway fixture uses.
 */
import { CAUSE_CODES, type CauseCode } from '../../fixtures/gateway/causes.ts';
import { formatCount, formatLoad, formatLoadValue, formatPercent, formatSetting, type LoadUnit } from '../format.ts';
import { addCounts, largestFirst, sortCounts, topCount, totalCount } from '../stats/counts.ts';
import type { StepResult, Theory } from './schema.ts';

/** What each cause means, completing "N % of the gateway's failures were <code>: …". */
export const CAUSE_MEANINGS: Readonly<Record<CauseCode, string>> = {
  upstream_refused: 'nothing accepted the connection (ECONNREFUSED: the upstream was down or restarting), which nginx reports as `connect() failed (111: Connection refused) while connecting to upstream` and answers with 502.',
  upstream_reset: 'the upstream reset the connection (TCP RST) instead of answering, which nginx reports as `recv() failed (104: Connection reset by peer)` and answers with 502.',
  upstream_closed: 'the upstream closed the connection (FIN) before a full response header, which nginx reports as `upstream prematurely closed connection while reading response header from upstream` and answers with 502.',
  keepalive_race: 'the upstream closed an idle keep-alive connection just as the gateway reused it for a request (the keep-alive race), which nginx answers with 502 when it may not retry the request (POST, PATCH).',
  upstream_invalid: 'the upstream sent an invalid status line or headers, or headers too large, which nginx reports as `upstream sent invalid header` (or `too big header`) and answers with 502.',
  upstream_unresolved: "the upstream's host name did not resolve, so the gateway had nowhere to connect; nginx reports `could not be resolved` and answers with 502.",
  upstream_timeout: 'no response header arrived (or no connection was made) before the gateway\'s timer fired, which nginx reports as `upstream timed out (110: Connection timed out)` and answers with 504: a 504 means a timer fired.',
  gateway_overflow: "the gateway's own bounded queue for upstream connections was full, so the gateway refused the request itself, as nginx does with `no live upstreams` (502).",
  upstream_truncated: 'the upstream failed after the response headers had gone to the client, so the status (often 200) was already sent and the gateway could only cut the body short (nginx: `upstream prematurely closed connection while reading upstream`).',
};

/**
 * How far the measured onset may be from the theory's before the explanation says they
 * disagree: closed, none (the closed-loop limit is sharp: 0 failures at C + Q, 94.8 % at C + Q + 1,
 * research/gateway-502.md §8.3); open, 5 % of the predicted rate (steps shorter than steady state
 * shift it by about that much, DESIGN.md §4).
 */
export const ONSET_AGREEMENT = { connections: 0, rpsRelative: 0.05 } as const;

/** What the explanation is built from; `StepResult` and `Onset` fit. */
export interface ExplainInput {
  onset: { value: number; low: number; high: number; criterion?: CriterionLike } | null;
  unit: LoadUnit;
  /** Why no onset was found; used only when `onset` is null. */
  onsetNote: string | null;
  /** Gateway failures by cause over the run. */
  causes: Readonly<Record<string, number>>;
  /** Responses by status over the run, as the client saw them. */
  status: Readonly<Record<string, number>>;
  theory: Theory | null;
  steps: readonly ExplainedStep[];
  /** The criterion, where `onset` (which carries it) is null; the statuses default to [502]. */
  criterion?: CriterionLike;
  /**
   * True when the load went to an external target (`--target`): no gateway counters, so the
   * sentences say what the client saw instead of naming causes.
   */
  target?: boolean;
  /** With `target`: the user's gateway log the causes were read from (`--gateway-log`). */
  gatewayLog?: { path: string; format: 'nginx' | 'haproxy' | null };
}

/** What the explanation reads of a step; the prediction fields are optional for brevity in tests. */
export type ExplainedStep = Pick<StepResult, 'offered' | 'status' | 'valid'> &
  Partial<Pick<StepResult, 'failureRatio' | 'predictedFailureRatio' | 'sent' | 'unfinished' | 'errors' | 'lost' | 'causes'>>;

/**
 * What the client saw fail over the steps: responses with a criterion status,
 * client errors by code, lost requests (`{ ECONNRESET: 8952, '502': 3 }`). For an external target
 * this is all there is to tell; the cause is in the gateway's own error log.
 */
export function clientFailures(steps: readonly ExplainedStep[], statuses: readonly number[]): Record<string, number> {
  const tally: Record<string, number> = {};
  const add = (key: string, n: number): void => {
    if (n > 0) tally[key] = (tally[key] ?? 0) + n;
  };
  for (const step of steps) {
    for (const code of statuses) add(String(code), step.status[String(code)] ?? 0);
    for (const [code, n] of Object.entries(step.errors ?? {})) add(code, n);
    add('lost', step.lost ?? 0);
  }
  return sortCounts(tally);
}

/** `ECONNRESET ×8,952 and 502 ×3`: the largest few of {@link clientFailures}. */
export function describeClientFailures(tally: Readonly<Record<string, number>>): string {
  // largestFirst, not Object.entries: a status code is an integer-like key, which objects list first.
  const parts = largestFirst(tally).slice(0, 3).map(([key, n]) => `${key} ×${formatCount(n)}`);
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * Whether a step's measured failure ratio agrees with the predicted one: within 2 percentage
 * points, or within three standard deviations of the binomial noise of n = sent − unfinished
 * judged requests, √(p(1 − p)/n) at the predicted p, whichever is wider (issue 3's tolerance,
 * with 3σ so that a run of a dozen steps rarely cries wolf). Null where there is no prediction.
 */
export function stepAgreement(step: ExplainedStep): { agrees: boolean; tolerance: number } | null {
  const predicted = step.predictedFailureRatio;
  const measured = step.failureRatio;
  if (predicted === null || predicted === undefined || measured === undefined || !step.valid) return null;
  const n = Math.max(1, (step.sent ?? 0) - (step.unfinished ?? 0));
  const tolerance = Math.max(0.02, 3 * Math.sqrt((predicted * (1 - predicted)) / n));
  return { agrees: Math.abs(measured - predicted) <= tolerance, tolerance };
}

/** The part of the failure criterion the explanation quotes. */
interface CriterionLike {
  failureRatio: number;
  statuses: readonly number[];
}

/** The explanation's sentences, in reading order. Example cases: test/unit/explain.test.ts. */
export function explain(input: ExplainInput): string[] {
  if (input.steps.length === 0) return ['No step was measured.', ...(input.onsetNote === null ? [] : [input.onsetNote])];
  const sentences =
    input.onset === null ? noOnsetSentences(input) : input.target === true ? targetOnsetSentences(input, input.onset.value) : onsetSentences(input, input.onset.value);
  sentences.push(...causeSentences(input.causes));
  sentences.push(...timeoutsFirstSentences(input));
  sentences.push(...disagreementSentences(input));
  const invalid = input.steps.filter((step) => !step.valid);
  const firstInvalid = invalid[0];
  if (firstInvalid !== undefined) {
    sentences.push(`${invalid.length} of ${input.steps.length} steps were invalid and not judged: the load generator, not the gateway, was the bottleneck (first at ${formatLoad(firstInvalid.offered, input.unit)}).`);
  }
  return sentences;
}

/**
 * When the gateway's timer fired (504, upstream_timeout) at loads below the 502 onset, the two
 * statuses tell different stories, and a reader of either log must not mix them up (nginx: 504 is
 * `upstream timed out`, 502 is a refused, reset or broken answer; research/gateway-502.md §4).
 */
function timeoutsFirstSentences(input: ExplainInput): string[] {
  // When the criterion counts 504s, they are the onset's own failures, not a forerunner of it.
  if (input.onset === null || input.target === true || criterionOf(input).statuses.includes(504)) return [];
  const onset = input.onset.value;
  const timedOut = input.steps.filter((step) => step.valid && (step.causes?.upstream_timeout ?? 0) > 0 && step.offered < onset);
  if (timedOut.length === 0) return [];
  const first = Math.min(...timedOut.map((step) => step.offered));
  return [
    `The first 504s (upstream_timeout) came at ${formatLoad(first, input.unit)}, below the 502 onset at ${formatLoad(onset, input.unit)}: the gateway's timer fired while the upstream was still only slow (busy, or not accepting new connections), before it failed outright. A 504 says a timer fired; a 502 says the upstream refused, reset, closed or garbled the answer.`,
  ];
}

/** One sentence naming the steps whose failure ratio disagrees with theory beyond the noise. */
function disagreementSentences(input: ExplainInput): string[] {
  const off = input.steps.flatMap((step) => {
    const agreement = stepAgreement(step);
    return agreement === null || agreement.agrees ? [] : [{ step, tolerance: agreement.tolerance }];
  });
  if (off.length === 0) return [];
  const listed = off.slice(0, 3).map(({ step, tolerance }) => {
    return `at ${formatLoad(step.offered, input.unit)} ${formatPercent(step.failureRatio ?? 0)} measured, ${formatPercent(step.predictedFailureRatio ?? 0)} predicted (noise ±${formatPercent(tolerance)})`;
  });
  const more = off.length > 3 ? `, and ${off.length - 3} more` : '';
  const count = off.length === 1 ? 'one step' : `${off.length} steps`;
  return [`The measured failure ratio disagrees with theory beyond the noise at ${count}: ${listed.join('; ')}${more}.`];
}

function onsetSentences(input: ExplainInput, value: number): string[] {
  const { theory, unit } = input;
  const statuses = criterionOf(input).statuses;
  const predicted = theory?.onset ?? null;
  const noPrediction = theory !== null && predicted === null && theory.limitedBy === null;
  const quote = theory === null ? '' : noPrediction ? ' (theory: no prediction)' : predicted === null ? ' (theory: no onset predicted)' : ` (theory: ${formatLoadValue(predicted, unit)})`;
  const sentences = [`The gateway began returning ${statusList(statuses, 's')} at ${formatLoad(value, unit)}${quote}.`];
  if (noPrediction) {
    sentences.push(`The queueing model makes no prediction here: ${theory.basis}`);
  } else if (theory !== null && predicted === null) {
    sentences.push(`The measurement disagrees with the theory, which predicted no onset: ${theory.basis}`);
  } else if (predicted !== null && !onsetsAgree(value, predicted, unit)) {
    const above = value > predicted;
    const gap = unit === 'connections' ? formatLoad(Math.abs(value - predicted), unit) : formatPercent(Math.abs(value - predicted) / predicted);
    const why = above
      ? 'the failures came later than the model predicts (steps shorter than steady state under-report them near the onset, DESIGN.md §4)'
      : 'something failed before the modelled limit (see the causes)';
    sentences.push(`The measured onset (${formatLoad(value, unit)}) is ${gap} ${above ? 'above' : 'below'} the theory's ${formatLoad(predicted, unit)}: ${why}.`);
  }
  return sentences;
}

/** The onset of an external target, in what the client saw: there are no gateway counters to name a cause. */
function targetOnsetSentences(input: ExplainInput, value: number): string[] {
  const seen = clientFailures(input.steps, criterionOf(input).statuses);
  const { gatewayLog } = input;
  const read = totalCount(input.causes);
  const source =
    gatewayLog === undefined
      ? "Against an external target overload sees only what the client sees; the gateway's own error log says which hop failed and why (pass it with --gateway-log)."
      : gatewayLog.format === null
        ? `The gateway log ${gatewayLog.path} gave no cause: none of its lines written during the run had the shape of an nginx error log or an HAProxy HTTP log (pass --log-format, or check the path).`
        : `The causes come from the gateway's ${gatewayLog.format === 'nginx' ? 'nginx error log' : 'HAProxy HTTP log'} ${gatewayLog.path}: ${formatCount(read)} upstream ${read === 1 ? 'failure' : 'failures'} logged during the steps${gatewayLog.format === 'nginx' ? ' (nginx logs each failed attempt, so a request it retried counts once per attempt)' : ''}.`;
  return [`The target began failing requests at ${formatLoad(value, input.unit)}: the client saw ${describeClientFailures(seen)}.`, source];
}

function noOnsetSentences(input: ExplainInput): string[] {
  const { unit, status, causes, steps } = input;
  const criterion = criterionOf(input);
  const upTo = formatLoad(Math.max(...steps.map((step) => step.offered)), unit);
  const label = statusList(criterion.statuses, '');
  const seen = criterion.statuses.reduce((sum, code) => sum + (status[String(code)] ?? 0), 0);
  const sentences: string[] = [];
  if (seen > 0) {
    sentences.push(`No step reached the failure criterion (${formatSetting(criterion.failureRatio)}) up to ${upTo}, though the client saw ${label} ${formatCount(seen)} times.`);
  } else {
    const reasons: { count: number; text: string }[] = [];
    const timeouts = causes.upstream_timeout ?? 0;
    if (timeouts > 0) {
      reasons.push({ count: timeouts, text: `the upstream kept the excess requests without answering, so the gateway's timer fired and it answered 504 (upstream_timeout) ${formatCount(timeouts)} times.` });
    }
    const passed503 = criterion.statuses.includes(503) ? 0 : (status['503'] ?? 0);
    if (passed503 > 0) {
      const from = Math.min(...steps.filter((step) => (step.status['503'] ?? 0) > 0).map((step) => step.offered));
      reasons.push({ count: passed503, text: `the upstream answered 503 itself ${formatCount(passed503)} times from ${formatLoad(from, unit)} on; the gateway passed them through (an upstream's 503 is not a gateway failure).` });
    }
    reasons.sort((a, b) => b.count - a.count);
    const [first, ...rest] = reasons;
    if (first === undefined) {
      sentences.push(totalCount(causes) === 0 ? `No ${label} up to ${upTo}, and the gateway failed no request.` : `No ${label} up to ${upTo}.`);
    } else {
      sentences.push(`No ${label} up to ${upTo}: ${first.text}`, ...rest.map((reason) => capitalize(reason.text)));
    }
  }
  const predicted = input.theory?.onset ?? null;
  if (predicted !== null && predicted <= Math.max(...steps.map((step) => step.offered))) {
    sentences.push(`The theory predicted an onset at ${formatLoad(predicted, unit)}, but none was measured up to ${upTo}.`);
  }
  if (input.onsetNote !== null) sentences.push(input.onsetNote);
  return sentences;
}

/** "61.2 % of the gateway's failures were upstream_reset: …", one sentence per cause, largest first. */
export function causeSentences(causes: Readonly<Record<string, number>>): string[] {
  const totals = causeTotals([{ causes }]);
  const total = totalCount(totals);
  return Object.entries(totals).map(([cause, count], index) => {
    const share = formatPercent(count / total);
    const lead = index === 0 ? `${share} of the gateway's failures were` : `${share} were`;
    return `${lead} ${cause}: ${meaningOf(cause)}`;
  });
}

function meaningOf(cause: string): string {
  return (CAUSE_CODES as readonly string[]).includes(cause) ? CAUSE_MEANINGS[cause as CauseCode] : 'a cause this version of overload has no description for.';
}

/** Failures by cause over the steps, largest first (ties by name), zero counts left out. */
export function causeTotals(steps: readonly Pick<StepResult, 'causes'>[]): Record<string, number> {
  const sum = addCounts(steps.map((step) => step.causes));
  return sortCounts(Object.fromEntries(Object.entries(sum).filter(([, count]) => count > 0)));
}

/**
 * The cause with the most failures (ties: the first by name), with its share of all failures; null
 * when there is none. {@link topCount} in the words of causes.
 */
export function dominantCause(causes: Readonly<Record<string, number>>): { cause: string; count: number; share: number } | null {
  const top = topCount(causes);
  return top === null ? null : { cause: top.key, count: top.count, share: top.share };
}

function criterionOf(input: ExplainInput): CriterionLike {
  return input.onset?.criterion ?? input.criterion ?? { failureRatio: 0.01, statuses: [502] };
}

/** Whether a measured and a predicted onset agree within {@link ONSET_AGREEMENT}. */
export function onsetsAgree(measured: number, predicted: number, unit: LoadUnit): boolean {
  return unit === 'connections'
    ? Math.abs(measured - predicted) <= ONSET_AGREEMENT.connections
    : Math.abs(measured - predicted) <= ONSET_AGREEMENT.rpsRelative * predicted;
}

/** "502", "502 or 503" (suffix ''), "502s and 503s" (suffix 's'). */
export function statusList(statuses: readonly number[], suffix: '' | 's'): string {
  const words = statuses.map((code) => `${code}${suffix}`);
  if (words.length <= 1) return words[0] ?? 'failure';
  return `${words.slice(0, -1).join(', ')} ${suffix === 's' ? 'and' : 'or'} ${words.at(-1)}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
