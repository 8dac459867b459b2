/**
 * The terminal summary printed after a run: the verdict, the onset beside the theory, the
 * dominant cause, and two small charts (failure ratio and goodput against offered load). Returns
 * a string; the CLI prints it (to stderr under `--json`) and adds the paths of the files written.
 *
 * `color: false` gives plain ASCII of our own (no ANSI codes, `+-|.'` chart glyphs) for logs
 * and dumb terminals; text taken from the report (explanation, theory basis) is printed as given.
 */
import { formatCount, formatFixed, formatLoad, formatLoadValue, formatMs, formatPercent, formatRate, unitLabel } from '../../format.ts';
import { topCount, totalCount } from '../../stats/counts.ts';
import type { Report, StepResult } from '../schema.ts';
import { clientFailures, describeClientFailures } from '../explain.ts';
import { describeCriterion, describeTargetTls, sortByOffered, theoryOnsetWords } from './shared.ts';
import { chart, painter, wrap, type Style, type TextOptions } from './text-parts.ts';
import { renderTimelineText } from './text-timeline.ts';

export type { TextOptions } from './text-parts.ts';

/** How the plan is named in the title line; a Record, so a new plan kind must be named here. */
const PLAN_NAMES: Record<Report['plan'], string> = { search: 'onset search', ramp: 'ramp', timeline: 'timeline' };
/** Column where the values of the labelled summary lines start (`  onset     21 connections`). */
const KEY_WIDTH = 12;

/** Renders the terminal summary of a report; ends with one newline. */
export function render(report: Report, options: TextOptions): string {
  if (report.plan === 'timeline') return renderTimelineText(report, options);
  const paint = painter(options);
  const lines: string[] = [];
  const n = report.steps.length;
  lines.push(paint('bold', `overload: ${report.scenario.name}`) + ` (${report.model} model, ${PLAN_NAMES[report.plan]}, ${formatCount(n)} ${n === 1 ? 'step' : 'steps'})`);
  if (report.interrupted) lines.push(paint('yellow', 'Interrupted: the report holds only the steps measured before the run stopped.'));
  lines.push('');
  for (const sentence of report.explanation) lines.push(...wrap(sentence, options.width, ''));
  if (report.explanation.length > 0) lines.push('');
  lines.push(...summary(report, options.width, paint));
  if (n > 0) {
    const steps = sortByOffered(report.steps);
    const labels = steps.map((s) => formatLoadValue(s.offered, report.unit));
    const statuses = (report.onset?.criterion.statuses ?? report.scenario.parameters.criterion.statuses).join('/');
    const by = `vs offered ${unitLabel(report.unit)}`;
    lines.push('', ...wrap(`Failure ratio (${statuses === '' ? '' : `${statuses}, `}client errors, lost) ${by}`, options.width, ''));
    if (steps.every((s) => s.failureRatio === 0)) {
      // A flat line at zero says nothing eleven rows could say better.
      lines.push('0 % at every step');
    } else {
      // Ten rows from 0 to 100 % put one row at each ten per cent.
      const failure = { values: steps.map((s) => s.failureRatio * 100), max: 100, height: 10, format: (v: number) => `${Math.round(v)} %`, color: 'red' } as const;
      lines.push(...chart(failure, labels, options));
    }
    const maxGoodput = Math.max(...steps.map((s) => s.goodputRps));
    const fmt = maxGoodput < 10 ? (v: number) => formatFixed(v, 1) : (v: number) => formatCount(Math.round(v));
    lines.push('', ...wrap(`Goodput (2xx/s) ${by}`, options.width, ''));
    // Goodput is flat past capacity; five rows show the climb to it.
    const goodput = { values: steps.map((s) => s.goodputRps), max: maxGoodput > 0 ? maxGoodput : 1, height: 5, format: fmt, color: 'green' } as const;
    lines.push(...chart(goodput, labels, options));
  } else {
    lines.push('', 'No step was measured.');
  }
  return `${lines.join('\n')}\n`;
}

/** The labelled lines: onset, theory, dominant cause, capacity, expectations. */
function summary(report: Report, width: number, paint: (style: Style, text: string) => string): string[] {
  const { onset, theory, unit } = report;
  const out: string[] = [];
  const keyed = (key: string, text: string): void => {
    const [first = '', ...rest] = wrap(text, width, ' '.repeat(KEY_WIDTH));
    out.push(`  ${key.padEnd(KEY_WIDTH - 2)}${first.trimStart()}`, ...rest);
  };
  if (onset === null) {
    // The explanation above usually quotes the note already; say it once.
    const note = report.onsetNote === null || report.explanation.includes(report.onsetNote) ? '' : ` ${report.onsetNote}`;
    keyed('onset', `none found.${note}`);
  } else {
    const spread = report.onsetSpread === null ? '' : `; ${formatCount(report.onsetSpread.trials)} trials from ${formatLoad(report.onsetSpread.min, unit)} to ${formatLoad(report.onsetSpread.max, unit)}`;
    keyed('onset', `${paint('bold', formatLoad(onset.value, unit))} (${formatLoadValue(onset.low, unit)} passed, ${formatLoadValue(onset.high, unit)} failed${spread})`);
  }
  if (theory !== null) {
    keyed('theory', `${theoryOnsetWords(theory, unit)}. ${theory.basis}`);
  }
  const top = topCount(report.causes);
  if (report.target !== undefined) {
    keyed('target', `${report.target.url} → ${report.target.pinnedAddress} (authorized: ${report.target.authorizedBy})`);
    if (report.target.tls !== undefined) keyed('tls', describeTargetTls(report.target.tls));
    keyed('failures', `the client saw ${describeClientFailures(clientFailures(report.steps, report.scenario.parameters.criterion.statuses))}`);
  } else {
    keyed('cause', top === null ? 'none: the gateway failed no request' : `${top.key}, ${formatCount(top.count)} of ${formatCount(totalCount(report.causes))} failures (${formatPercent(top.share)})`);
  }
  if (report.capacity !== null) {
    const capacityRps = theory?.capacityRps ?? null;
    const predicted = capacityRps === null ? '' : `; theory ${formatRate(capacityRps)} req/s`;
    keyed('capacity', `${formatRate(report.capacity.maxGoodputRps)} req/s of 2xx at ${formatLoad(report.capacity.atOffered, unit)}${predicted}`);
  }
  keyed('criterion', `a step fails when ${describeCriterion(onset?.criterion ?? report.scenario.parameters.criterion)}`);
  const failed = report.expectations.filter((e) => !e.passed);
  if (report.expectations.length > 0) {
    const held = `${formatCount(report.expectations.length - failed.length)} of ${formatCount(report.expectations.length)} held`;
    keyed('expect', failed.length === 0 ? paint('green', held) : paint('red', held));
    for (const e of failed) out.push(...wrap(`${paint('red', 'FAILED')} ${e.description}: ${e.actual}`, width, ' '.repeat(KEY_WIDTH)));
  }
  return out;
}

/**
 * One line per finished step, printed by the CLI when stderr is not a terminal, e.g.
 * `step 7: 24 connections  sent 2,862  goodput 394/s  failure 72.2 %  upstream_reset ×2,049  ok p99 53.5 ms`.
 * The step number counts from 1 in the order the steps ran.
 */
export function renderStepLine(step: StepResult, unit: Report['unit']): string {
  const parts = [
    `step ${formatCount(step.index + 1)}: ${formatLoad(step.offered, unit)}`,
    `sent ${formatCount(step.sent)}`,
    `goodput ${formatRate(step.goodputRps)}/s`,
    `failure ${formatPercent(step.failureRatio)}`,
  ];
  const top = topCount(step.causes);
  if (top !== null) parts.push(`${top.key} ×${formatCount(top.count)}`);
  if (step.latencyMs.ok !== null) parts.push(`ok p99 ${formatMs(step.latencyMs.ok.p99)}`);
  if (!step.valid) parts.push(`invalid: ${step.invalidReason ?? 'no reason given'}`);
  return parts.join('  ');
}
