/**
 * The sections of a timeline report's markdown (`report.md`) that differ from a ramp's: the
 * verdict with the windows and recoveries, and the timeline per second with its events.
 * `markdown.ts` puts them between the title and the causes.
 */
import { formatCount, formatPercent, formatSeconds } from '../../format.ts';
import type { Report, TimelineResult } from '../schema.ts';
import { markdownCell as cell } from './shared.ts';
import { describeEvent, describeRecovery, perSecond, topCauseText } from './timeline-shared.ts';

/** `## Verdict` of a timeline: the explanation, then a table of requests failed, windows and recoveries. */
export function timelineVerdict(report: Report): string {
  const lines = ['## Verdict', ''];
  if (report.explanation.length > 0) lines.push(...report.explanation, '');
  const timeline = report.timeline;
  if (timeline === undefined) return [...lines, 'No timeline was measured.'].join('\n');
  const { totals } = timeline;
  const share = totals.sent === 0 ? 0 : Math.min(1, totals.failures / totals.sent);
  lines.push('| | measured |', '|:--|:--|', `| requests failed | **${formatCount(totals.failures)}** of ${formatCount(totals.sent)} (${formatPercent(share)}) |`);
  lines.push(`| failure windows | ${windowsText(timeline)} |`);
  for (const recovery of timeline.recoveries) lines.push(`| recovery | ${cell(describeRecovery(recovery))} |`);
  if (!timeline.valid) lines.push(`| not judged | ${cell(timeline.invalidReason ?? 'the generator was the bottleneck')} |`);
  return lines.join('\n');
}

function windowsText(timeline: TimelineResult): string {
  if (timeline.windows.length === 0) return 'none';
  return timeline.windows.map((w) => `${formatSeconds(w.start)}–${formatSeconds(w.end)}: ${formatCount(w.failures)}${w.dominantCause === null ? '' : ` (${cell(w.dominantCause)})`}`).join('; ');
}

/** `## Timeline`: the events in order, then a table per second. */
export function timelineSection(report: Report): string {
  const timeline = report.timeline;
  if (timeline === undefined) return '## Timeline\n\nNo timeline was measured.';
  const events = timeline.events.map((event) => `- ${cell(describeEvent(event))}`);
  const rows = perSecond(timeline).map((second) => {
    const statuses = Object.entries(second.status).sort((a, b) => Number(a[0]) - Number(b[0])).map(([code, n]) => `${code}: ${formatCount(n)}`);
    const errors = Object.entries(second.errors).map(([code, n]) => `${code}: ${formatCount(n)}`);
    const marks = second.events.map((event) => event.what).join(', ');
    const cells = [formatSeconds(second.t), formatCount(second.sent), formatCount(second.ok), second.failures > 0 ? `**${formatCount(second.failures)}**` : '0', [...statuses, ...errors].join(', ') || '—', topCauseText(second.causes), marks || ''];
    return `| ${cells.map(cell).join(' | ')} |`;
  });
  return [
    '## Timeline',
    '',
    'Events, in order (the scenario\'s own, and what the fixtures reported doing):',
    '',
    ...(events.length === 0 ? ['- none'] : events),
    '',
    'Per second: requests sent, 2xx answers, failures (the criterion\'s statuses from the gateway, client errors, lost), and the gateway\'s top cause.',
    '',
    '| second from | sent | 2xx | failures | statuses | top cause | events |',
    '|--:|--:|--:|--:|:--|:--|:--|',
    ...rows,
  ].join('\n');
}
