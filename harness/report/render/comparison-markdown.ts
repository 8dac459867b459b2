/**
 * `overload compare --format md`: GitHub-flavoured markdown for `$GITHUB_STEP_SUMMARY` or a pull
 * request comment. The verdict in the heading, then a table (metric | baseline | current |
 * change | verdict), the reasons with their numbers, the runs compared, and the warnings in a
 * `> [!WARNING]` alert. Returns a string; writes nothing.
 */
import { formatSetting } from '../../format.ts';
import { formatChange, formatInterval, overallVerdict } from '../compare.ts';
import type { ComparedRun, Comparison, MetricComparison, MetricVerdict } from '../comparison.ts';
import { summary } from './comparison-text.ts';

/** The verdict as the heading says it. */
const HEADINGS: Record<MetricVerdict, string> = {
  regressed: 'regressed',
  improved: 'improved',
  unchanged: 'unchanged',
  'insufficient-data': 'insufficient data',
};

/** Renders the comparison as markdown, ending with one newline. */
export function render(comparison: Comparison): string {
  const unit = comparison.baseline.unit;
  const sections = [
    `## overload compare: ${HEADINGS[overallVerdict(comparison)]}`,
    capitalized(summary(comparison)),
    [
      '| metric | baseline | current | change | verdict |',
      '|:--|--:|--:|--:|:--|',
      ...comparison.metrics.map(
        (metric) =>
          `| ${cell(`${metric.label} (${metric.unit})`)} | ${formatInterval(metric.metric, metric.baseline, unit)} | ${formatInterval(metric.metric, metric.current, unit)} | ${formatChange(metric.change)} | ${verdictCell(metric)} |`,
      ),
    ].join('\n'),
    comparison.metrics.map((metric) => `- ${metric.reason}`).join('\n'),
    [
      `Tolerance ${formatSetting(comparison.tolerance)}. With trials, values are medians and the ranges in parentheses span the trials; a single run’s onset range is the highest load that passed and the lowest that failed.`,
      '',
      `Baseline: ${describe(comparison.baseline)}  `,
      `Current: ${describe(comparison.current)}`,
    ].join('\n'),
    warnings(comparison.warnings),
  ].filter((section): section is string => section !== null);
  return `${sections.join('\n\n')}\n`;
}

/** A regression in bold, so it stands out in a table of `unchanged`. */
function verdictCell(metric: MetricComparison): string {
  return metric.verdict === 'regressed' ? '**regressed**' : HEADINGS[metric.verdict];
}

function describe(run: ComparedRun): string {
  const source = run.source === null ? '' : `\`${run.source.replaceAll('`', "'")}\`, `;
  const trials = run.trials === 1 ? '1 trial' : `${run.trials} trials`;
  const interrupted = run.interrupted ? ', **interrupted**' : '';
  return `${source}${run.scenario} (${run.model} model, ${trials}${interrupted}), ${run.createdAt}, overload ${run.toolVersion}, ${run.environment.cpuModel} × ${run.environment.cpus}`;
}

function warnings(list: readonly string[]): string | null {
  if (list.length === 0) return null;
  return ['> [!WARNING]', ...list.map((warning) => `> ${warning}`).join('\n>\n').split('\n')].join('\n');
}

function capitalized(sentence: string): string {
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** Table cells cannot hold a pipe or a line break. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
