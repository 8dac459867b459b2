/**
 * `overload compare` for a terminal (the default `--format text`): the verdict on the first line,
 * then one line per metric (its verdict, then the reason, which carries baseline → current and
 * the change), then which runs were compared and the warnings. Plain text with no ANSI codes, so
 * it reads the same in a CI log. Returns a string; the CLI prints it.
 */
import { formatSetting } from '../../format.ts';
import { overallVerdict } from '../compare.ts';
import type { ComparedRun, Comparison, MetricVerdict } from '../comparison.ts';

/** How each verdict reads in the metric column: a regression in capitals, so it stands out in a log. */
const VERDICT_WORDS: Record<MetricVerdict, string> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  unchanged: 'unchanged',
  'insufficient-data': 'no data',
};
/** How the whole comparison's verdict opens the first line. */
const HEADLINE_WORDS: Record<MetricVerdict, string> = { ...VERDICT_WORDS, 'insufficient-data': 'insufficient data' };
const VERDICT_WIDTH = Math.max(...Object.values(VERDICT_WORDS).map((word) => word.length));

/** Renders the comparison for a terminal, ending with one newline. */
export function render(comparison: Comparison): string {
  const lines = [headline(comparison), ''];
  for (const metric of comparison.metrics) lines.push(`  ${VERDICT_WORDS[metric.verdict].padEnd(VERDICT_WIDTH)}  ${metric.reason}`);
  lines.push('', `baseline: ${describe(comparison.baseline)}`, `current:  ${describe(comparison.current)}`);
  if (comparison.warnings.length > 0) lines.push('', ...comparison.warnings.map((warning) => `warning: ${warning}`));
  return `${lines.join('\n')}\n`;
}

/** The verdict line: the verdict in capitals when it is a regression, then {@link summary}. */
function headline(comparison: Comparison): string {
  return `${HEADLINE_WORDS[overallVerdict(comparison)]}: ${summary(comparison)}`;
}

/**
 * The verdict in one sentence, starting in lower case: which metrics regressed or improved, by
 * name, against the tolerance (`max goodput and p99 latency at 20 connections got worse by more
 * than the 5 % tolerance.`).
 */
export function summary(comparison: Comparison): string {
  const tolerance = formatSetting(comparison.tolerance);
  const named = (verdict: MetricVerdict): string => listed(comparison.metrics.filter((metric) => metric.verdict === verdict).map((metric) => metric.label));
  const verdict = overallVerdict(comparison);
  switch (verdict) {
    case 'regressed': {
      const improved = named('improved');
      return `${named('regressed')} got worse by more than the ${tolerance} tolerance${improved === '' ? '' : `; ${improved} improved`}.`;
    }
    case 'improved':
      return `${named('improved')} got better by more than the ${tolerance} tolerance, and nothing regressed.`;
    case 'unchanged': {
      const missing = comparison.metrics.filter((metric) => metric.verdict === 'insufficient-data').length;
      return `no metric moved by more than the ${tolerance} tolerance${missing === 0 ? '' : ` (${missing} could not be compared)`}.`;
    }
    case 'insufficient-data':
      return 'no metric could be compared; the reasons say why.';
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** One run in a line: source, scenario, model, trials, when and where. */
function describe(run: ComparedRun): string {
  const source = run.source === null ? '' : `${run.source} — `;
  const trials = run.trials === 1 ? '1 trial' : `${run.trials} trials`;
  const interrupted = run.interrupted ? ', interrupted' : '';
  return `${source}${run.scenario}, ${run.model} model, ${trials}${interrupted}, ${run.createdAt}, overload ${run.toolVersion}, ${run.environment.cpuModel} × ${run.environment.cpus}`;
}
