/**
 * The sections of a timeline report's HTML page that differ from a ramp's: the measurements
 * (requests failed, windows, recoveries) and the timeline per second with its events.
 * `html-sections.ts` puts them after the explanation.
 */
import { formatCount, formatPercent, formatSeconds } from '../../format.ts';
import type { Report } from '../schema.ts';
import { esc, row, section, table } from './html-parts.ts';
import { describeEvent, describeRecovery, perSecond, topCauseText } from './timeline-shared.ts';

/** The "Failures and recovery" section: requests failed, each window, each recovery. */
export function timelineSummarySection(report: Report): string {
  const timeline = report.timeline;
  if (timeline === undefined) return section('timeline-summary', 'Failures and recovery', ['<p>No timeline was measured.</p>']);
  const { totals, windows } = timeline;
  const share = totals.sent === 0 ? 0 : Math.min(1, totals.failures / totals.sent);
  const words = [0, 1];
  const rows = [
    row('th', ['', 'measured'], '', words),
    row('td', ['requests failed', `<strong>${formatCount(totals.failures)}</strong> of ${formatCount(totals.sent)} (${formatPercent(share)})`], '', words),
  ];
  for (const w of windows) {
    const cause = w.dominantCause === null ? '' : `, mostly <code>${esc(w.dominantCause)}</code>`;
    rows.push(row('td', ['failure window', `${esc(`${formatSeconds(w.start)}–${formatSeconds(w.end)}`)}: ${formatCount(w.failures)} failed${cause}`], 'fail', words));
  }
  if (windows.length === 0) rows.push(row('td', ['failure windows', 'none'], '', words));
  for (const recovery of timeline.recoveries) rows.push(row('td', ['recovery', esc(describeRecovery(recovery))], '', words));
  if (!timeline.valid) rows.push(row('td', ['not judged', esc(timeline.invalidReason ?? 'the generator was the bottleneck')], 'invalid', words));
  return section('timeline-summary', 'Failures and recovery', [table(rows, 'compact')]);
}

/** The "Timeline" section: the events in order, then a table per second. */
export function timelineSection(report: Report): string {
  const timeline = report.timeline;
  if (timeline === undefined) return '';
  const events = timeline.events.map((event) => `<li>${esc(describeEvent(event))}</li>`);
  const heads = ['second from', 'sent', '2xx', 'failures', 'statuses', 'top cause', 'events'];
  const words = [4, 5, 6];
  const rows = perSecond(timeline).map((second) => {
    const statuses = Object.entries(second.status).sort((a, b) => Number(a[0]) - Number(b[0])).map(([code, n]) => `${code}: ${formatCount(n)}`);
    const errors = Object.entries(second.errors).map(([code, n]) => `${code}: ${formatCount(n)}`);
    const cells = [
      esc(formatSeconds(second.t)),
      formatCount(second.sent),
      formatCount(second.ok),
      second.failures > 0 ? `<strong>${formatCount(second.failures)}</strong>` : '0',
      esc([...statuses, ...errors].join(', ') || '—'),
      esc(topCauseText(second.causes)),
      esc(second.events.map((event) => event.what).join(', ')),
    ];
    return row('td', cells, second.failures > 0 ? 'fail' : '', words);
  });
  return section('timeline', 'Timeline', [
    '<p class="muted">Events, in order: the scenario\'s own, and what the fixtures reported doing.</p>',
    events.length === 0 ? '<p>No event.</p>' : `<ul>\n${events.join('\n')}\n</ul>`,
    '<p class="muted">Per second: requests sent, 2xx answers, failures (the criterion\'s statuses from the gateway, client errors, lost) and the gateway\'s top cause.</p>',
    `<div class="scroll">${table([row('th', heads, '', words), ...rows], 'steps')}</div>`,
  ]);
}
