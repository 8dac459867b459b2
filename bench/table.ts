/**
 * The summary table `npm run bench` ends with: one row per check, columns padded to their widest
 * cell. Pure: rows in, text out (the runner prints it).
 */
import type { Check, Verdict } from './benchmark.ts';

/** One benchmark's outcome, as the runner collected it. */
export interface BenchOutcome {
  name: string;
  wallMs: number;
  checks: Check[];
}

const HEADER = ['benchmark', 'metric', 'measured', 'target', 'result'];

/** Renders every check of every benchmark as a table, followed by a count per verdict. */
export function renderSummary(outcomes: readonly BenchOutcome[]): string {
  const rows = outcomes.flatMap((outcome) =>
    outcome.checks.map((check, index) => [index === 0 ? `${outcome.name} (${(outcome.wallMs / 1000).toFixed(1)} s)` : '', check.metric, check.measured, check.target, check.verdict]),
  );
  const widths = HEADER.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const totals = countVerdicts(outcomes.flatMap((outcome) => outcome.checks));
  const total = (['PASS', 'MISS', 'ERROR', 'INFO'] as const).map((verdict) => `${totals[verdict]} ${verdict}`).join(', ');
  return [line(HEADER), rule, ...rows.map(line), rule, total].join('\n');
}

function countVerdicts(checks: readonly Check[]): Record<Verdict, number> {
  const totals: Record<Verdict, number> = { PASS: 0, MISS: 0, INFO: 0, ERROR: 0 };
  for (const check of checks) totals[check.verdict]++;
  return totals;
}
