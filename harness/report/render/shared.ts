/**
 * What the human-facing renderers (markdown, text) share beyond number formatting, which is in
 * `harness/format.ts`: the order steps are shown in, and the criterion and sentences as text.
 * Pure.
 */
import { formatCount, formatLoad, formatSetting, type LoadUnit } from '../../format.ts';
import { largestFirst } from '../../stats/counts.ts';
import { clientFailures, describeClientFailures } from '../explain.ts';
import type { Report, StepResult, TargetTls, Theory } from '../schema.ts';

/** The steps by offered load, ascending; steps at the same load keep the order they ran in. */
export function sortByOffered(steps: readonly StepResult[]): StepResult[] {
  return [...steps].sort((a, b) => a.offered - b.offered || a.index - b.index);
}

/** An https target's certificate in a phrase: `TLSv1.3, certificate CN=app.localhost from CN=… (valid to …), checked for app.localhost`. */
export function describeTargetTls(tls: TargetTls): string {
  const trusted = tls.caFile === null ? '' : `, trusting ${tls.caFile}`;
  return `${tls.protocol}, certificate ${tls.subject} from ${tls.issuer} (valid to ${tls.validTo}), checked for ${tls.serverName ?? 'the address'} before any load${trusted}`;
}

/**
 * The criterion as the end of the sentence "a step fails when …" (DESIGN.md §4):
 * `at least 1 % of its requests fail (502, client errors, lost)`.
 */
export function describeCriterion(criterion: { failureRatio: number; statuses: readonly number[] }): string {
  const statuses = criterion.statuses.length > 0 ? `${criterion.statuses.join('/')}, ` : '';
  return `at least ${formatSetting(criterion.failureRatio)} of its requests fail (${statuses}client errors, lost)`;
}

/** Ends `text` with a full stop unless it already ends a sentence (report text such as a theory basis may or may not). */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * The theory's onset in words: the load, `no onset predicted` (the model predicts no 502 within
 * the run's loads), or `no prediction` (the model makes none for this upstream: `limitedBy` null).
 */
export function theoryOnsetWords(theory: Pick<Theory, 'onset' | 'limitedBy'>, unit: LoadUnit): string {
  if (theory.onset !== null) return formatLoad(theory.onset, unit);
  return theory.limitedBy === null ? 'no prediction' : 'no onset predicted';
}

/**
 * The causes section's sentence when there are no cause counters to list: an external target has
 * none (the client's view stands in), the fixtures' gateway may simply have failed nothing.
 */
export function noCausesSentence(report: Pick<Report, 'target' | 'steps' | 'scenario'>): string {
  if (report.target === undefined) return 'The gateway reported no failures.';
  const seen = clientFailures(report.steps, report.scenario.parameters.criterion.statuses);
  return `An external target reports no causes; the client saw ${describeClientFailures(seen)}. The gateway's own error log says which hop failed and why.`;
}

/** Statuses by code, then client errors by code, then lost requests: everything a step's requests became (`200: 790, 502: 801`). */
export function describeOutcomes(step: Pick<StepResult, 'status' | 'errors' | 'lost'>): string {
  const statuses = Object.entries(step.status).sort((a, b) => Number(a[0]) - Number(b[0]));
  const parts = [...statuses, ...largestFirst(step.errors)].map(([code, n]) => `${code}: ${formatCount(n)}`);
  if (step.lost > 0) parts.push(`lost: ${formatCount(step.lost)}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

/** Escapes what would break a markdown table cell: a pipe, and line breaks. */
export function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}
