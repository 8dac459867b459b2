/**
 * `gateways.html`: the comparison of one scenario behind several gateways as one self-contained
 * page (the same head, style and Content-Security-Policy as `report.html`): the table, the
 * findings, the overlaid chart inline, and a link to each gateway's own report. Pure.
 */
import type { GatewayComparison } from '../gateway-comparison.ts';
import { cells, header, title } from './gateways-summary.ts';
import { esc, prose, row, section, table } from './html-parts.ts';
import { htmlPage } from './html.ts';

/** The columns that hold words (left-aligned); the rest are numbers. */
const TEXT_COLUMNS = [0, 5, 7, 8];

/** The complete page, ending with one newline; `chartSvg` is the overlaid chart's SVG. */
export function render(comparison: GatewayComparison, chartSvg: string): string {
  const names = comparison.rows.map((r) => r.gateway).join(', ');
  const head = row('th', header(comparison).map(esc), '', TEXT_COLUMNS);
  const body = comparison.rows.map((r) => row('td', cells(r, comparison).map(esc), r.error !== null || r.expectations.failed.length > 0 ? 'fail' : '', TEXT_COLUMNS));
  const findings = comparison.findings.map((finding) => `<li>${prose(finding)}</li>`);
  const links = comparison.rows.map((r) => `<li>${esc(r.gateway)}: <a href="${esc(encodeURI(`${r.dir}/report.html`))}">${esc(`${r.dir}/report.html`)}</a></li>`);
  return htmlPage(`overload: ${comparison.scenario} behind ${names}`, [
    '<header>',
    '<p class="eyebrow">overload gateway comparison</p>',
    `<h1>${esc(title(comparison))}</h1>`,
    '</header>',
    section('table', 'Side by side', [`<div class="scroll">${table([head, ...body], 'steps')}</div>`]),
    section('findings', 'Findings', [findings.length === 0 ? '<p>Nothing to compare: no gateway ran.</p>' : `<ul>\n${findings.join('\n')}\n</ul>`]),
    section('chart', 'Chart', [`<figure>${chartSvg}<figcaption>Each gateway’s steps on one offered-load axis.</figcaption></figure>`]),
    section('reports', 'Each gateway’s reports', [`<ul>\n${links.join('\n')}\n</ul>`]),
  ]);
}
