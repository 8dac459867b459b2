/**
 * The one table `overload run --all` ends with: a row per scenario of the catalogue, with its
 * onset beside theory, the cause that dominated, whether its claims held, and how it compared
 * with its baseline. Pure: text for the terminal, Markdown for `summary.md` and job summaries.
 */
import { formatCount, formatLoad, formatPercent } from '../../format.ts';
import { overallVerdict } from '../compare.ts';
import type { Comparison } from '../comparison.ts';
import { dominantCause } from '../explain.ts';
import type { Report } from '../schema.ts';

/** One scenario's outcome in `run --all`. */
export interface SummaryRow {
  scenario: string;
  /** Null when the scenario could not run (`error` says why). */
  report: Report | null;
  comparison: Comparison | null;
  error: string | null;
  /** Wall time of the scenario, seconds. */
  seconds: number;
  /** Why it was not run, when it means nothing behind the gateway of the run (`behind.<gateway>.unsupported`). */
  skipped?: string;
}

const HEADER = ['scenario', 'onset', 'theory', 'dominant cause', 'expectations', 'baseline', 'time'] as const;

/** The cells of one row, in {@link HEADER} order. */
function cells(row: SummaryRow): string[] {
  const time = `${Math.round(row.seconds)} s`;
  const { report } = row;
  if (row.skipped !== undefined) return [row.scenario, '—', '—', '—', `skipped: ${row.skipped}`, '—', '—'];
  if (report === null) return [row.scenario, '—', '—', '—', `ERROR: ${row.error ?? 'did not run'}`, '—', time];
  const onset = report.timeline !== undefined ? timelineFinding(report.timeline) : report.onset === null ? 'none' : formatLoad(report.onset.value, report.unit);
  const theory = report.theory?.onset === null || report.theory === null ? '—' : formatLoad(report.theory.onset, report.unit);
  const top = dominantCause(report.causes);
  const cause = top === null ? '—' : `${top.cause} (${formatPercent(top.share)})`;
  const failed = report.expectations.filter((expectation) => !expectation.passed);
  const total = report.expectations.length;
  const expectations =
    total === 0 ? '—' : failed.length === 0 ? `${formatCount(total)} of ${formatCount(total)} held` : `FAILED: ${failed.map((expectation) => expectation.description).join('; ')}`;
  const baseline = row.comparison === null ? '—' : overallVerdict(row.comparison);
  return [row.scenario, report.interrupted ? `${onset} (interrupted)` : onset, theory, cause, expectations, baseline, time];
}

/** A timeline has no onset; its finding is what it lost, and in how many windows: `timeline: 601 failed, 1 window`. */
function timelineFinding(timeline: NonNullable<Report['timeline']>): string {
  const windows = timeline.windows.length;
  return `timeline: ${formatCount(timeline.totals.failures)} failed, ${formatCount(windows)} ${windows === 1 ? 'window' : 'windows'}`;
}

/** Whether every scenario ran, held its expectations and did not regress. */
export function allHeld(rows: readonly SummaryRow[]): boolean {
  return rows.every(
    (row) => row.skipped !== undefined || (row.report !== null && !row.report.interrupted && row.report.expectations.every((expectation) => expectation.passed) && row.comparison?.regressed !== true),
  );
}

/** The table aligned in columns, with a closing verdict line; ends with a newline. */
export function renderText(rows: readonly SummaryRow[]): string {
  const table = [[...HEADER], ...rows.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const lines = table.map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
  return `${lines.join('\n')}\n\n${verdict(rows)}\n`;
}

/** The table in GitHub-flavoured Markdown; ends with a newline. */
export function renderMarkdown(rows: readonly SummaryRow[]): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const lines = [
    '# overload run --all',
    '',
    verdict(rows),
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => ':--').join('|')}|`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function verdict(rows: readonly SummaryRow[]): string {
  const ran = rows.filter((row) => row.skipped === undefined);
  const skipped = rows.length - ran.length;
  const bad = ran.filter((row) => !allHeld([row])).map((row) => row.scenario);
  const held = bad.length === 0 ? `All ${formatCount(ran.length)} scenarios held their expectations.` : `${formatCount(bad.length)} of ${formatCount(ran.length)} scenarios did not hold: ${bad.join(', ')}.`;
  return skipped === 0 ? held : `${held} ${formatCount(skipped)} skipped: ${skipped === 1 ? 'it means' : 'they mean'} nothing behind this gateway.`;
}
