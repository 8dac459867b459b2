/**
 * The comparison of one scenario behind several gateways (`--gateway node,nginx,haproxy`) as a
 * table and its findings: text for the terminal, Markdown for `gateways.md` and CI job summaries,
 * JSON for tools (`gateways.json`). Pure: the comparison in, a string out.
 */
import { formatCount, formatLoadValue, formatPercent, formatRate, unitLabel } from '../../format.ts';
import type { GatewayComparison, GatewayRow } from '../gateway-comparison.ts';
import { statusesOf, unansweredOf } from '../gateway-comparison.ts';

/** The column titles; the unit of the onsets is in the title line. */
export function header(comparison: GatewayComparison): string[] {
  return ['gateway', 'onset', `vs ${comparison.reference}`, 'theory', 'max goodput', 'failure answers', 'no answer', 'dominant cause', 'expectations', 'time'];
}

/** The cells of one row, in {@link header} order. */
export function cells(row: GatewayRow, comparison: GatewayComparison): string[] {
  const time = `${Math.round(row.seconds)} s`;
  if (row.error !== null) return [row.gateway, '—', '—', '—', '—', '—', '—', '—', `ERROR: ${row.error}`, time];
  const value = (load: number | null): string => (load === null ? '—' : formatLoadValue(load, comparison.unit));
  const onset = row.onset === null ? 'none' : value(row.onset);
  const vs = row.gateway === comparison.reference ? 'reference' : row.offReference === null ? '—' : signedPercent(row.offReference);
  const statuses = statusesOf(row);
  const answers = statuses.length === 0 ? 'none' : statuses.map((status) => `${status} ×${formatCount(row.failureStatuses[String(status)] ?? 0)}`).join(', ');
  const cause = row.dominantCause === null ? '—' : `${row.dominantCause.cause} (${formatPercent(row.dominantCause.share)})`;
  const { held, total } = row.expectations;
  const expectations = total === 0 ? '—' : held === total ? `${formatCount(total)} of ${formatCount(total)} held` : `${formatCount(total - held)} FAILED`;
  return [
    row.gateway,
    row.interrupted ? `${onset} (interrupted)` : onset,
    vs,
    value(row.theory),
    row.maxGoodputRps === null ? '—' : `${formatRate(row.maxGoodputRps)} req/s`,
    answers,
    formatCount(unansweredOf(row)),
    cause,
    expectations,
    time,
  ];
}

/** `+5.0 %`, `−2.5 %`, `0 %`: a change with its sign. */
function signedPercent(change: number): string {
  if (change === 0) return '0 %';
  return `${change > 0 ? '+' : '−'}${formatPercent(Math.abs(change))}`;
}

/** The first line: what ran, behind what, and the unit of the onsets. */
export function title(comparison: GatewayComparison): string {
  const names = comparison.rows.map((row) => row.gateway);
  const list = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
  return `${comparison.scenario} behind ${list} (${comparison.model} model, onsets in ${unitLabel(comparison.unit)})`;
}

/** The table aligned in columns, then the findings and where each gateway's reports are; ends with a newline. */
export function renderText(comparison: GatewayComparison): string {
  const table = [header(comparison), ...comparison.rows.map((row) => cells(row, comparison))];
  const widths = table[0]?.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length))) ?? [];
  const lines = table.map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
  return [title(comparison), '', ...lines, '', ...comparison.findings.map((finding) => `- ${finding}`), ''].join('\n');
}

/** The comparison in GitHub-flavoured Markdown, with links to each gateway's own report; ends with a newline. */
export function renderMarkdown(comparison: GatewayComparison): string {
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const head = header(comparison);
  const lines = [
    `# ${title(comparison)}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map((_, column) => (column === 0 ? ':--' : '--:')).join('|')}|`,
    ...comparison.rows.map((row) => `| ${cells(row, comparison).map(escape).join(' | ')} |`),
    '',
    '## Findings',
    '',
    ...(comparison.findings.length === 0 ? ['Nothing to compare: no gateway ran.'] : comparison.findings.map((finding) => `- ${finding}`)),
    '',
    '## Each gateway’s reports',
    '',
    ...comparison.rows.map((row) => `- ${row.gateway}: [${row.dir}/report.md](${encodeURI(`${row.dir}/report.md`)})`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `gateways.json`: the comparison as it is, 2-space indent, trailing newline. */
export function renderJson(comparison: GatewayComparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
