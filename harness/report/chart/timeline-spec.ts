/**
 * The timeline chart as a Vega-Lite spec: two panels over one time axis (requests per second by
 * outcome, stacked with 502 on the zero line; the gateway's failures per second by cause), the
 * failure windows shaded red and the events as vertical rules with their names. Pure, data
 * inline, rendered by `chart/render.ts` like the capacity chart. Examples: test/unit/timeline-chart.test.ts.
 *
 * ```
 *  Requests per second by outcome   │▓▓▓▓▓▓▓▓│░░░░░░░░░░│▓▓▓▓▓▓▓▓   ▓ 2xx   ░ 502 (red)
 *  Gateway failures per second      │        │██████████│           █ upstream_refused
 *                                   └────────┴──────────┴──────── seconds
 *                              stop-upstream ┘          └ start-upstream
 * ```
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import { formatLoad, formatSeconds } from '../../format.ts';
import type { Report, TimelineResult } from '../schema.ts';
import { wrap } from './title.ts';
import { causeRates, eventMarks, outcomeRates, type EventMark } from './timeline-data.ts';
import { CHART_CONFIG, OUTCOME_COLOURS, PLOT_WIDTH, RED_502 } from './style.ts';

type Layer = LayerSpec<Field>['layer'][number];
type Panel = LayerSpec<Field>;

/** Colours of the causes, in order of size: colour-blind-safe (Okabe–Ito), none of them the 502 red. */
const CAUSE_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#999999'];

/** The timeline chart of `report` (whose `timeline` is given apart, already narrowed): title, two panels, events, windows. */
export function timelineChartSpec(report: Report, timeline: TimelineResult): TopLevelSpec {
  const endS = Math.max(timeline.durationMs, timeline.buckets.length * timeline.bucketMs) / 1000;
  const marks = eventMarks(timeline, PLOT_WIDTH);
  const outcomes = outcomeRates(timeline);
  const causes = causeRates(timeline);
  const panel = (title: string, height: number, layers: Layer[], xTitle: boolean): Panel => ({
    title: { text: title, frame: 'group', fontSize: 12, fontWeight: 'bold', offset: 6 },
    width: PLOT_WIDTH,
    height,
    encoding: { x: { field: 't', type: 'quantitative', scale: { domain: [0, endS], nice: false }, title: xTitle ? 'seconds from the start of the load' : null } },
    layer: [...windowLayers(timeline), ...layers, ...eventLayers(marks)],
  });
  const outcomeLayer: Layer = {
    data: { values: outcomes.rows },
    mark: { type: 'area', interpolate: 'step-after', opacity: 0.9 },
    encoding: {
      y: { field: 'rps', type: 'quantitative', stack: 'zero', title: 'requests/s' },
      color: { field: 'series', type: 'nominal', scale: { domain: outcomes.outcomes, range: outcomes.outcomes.map((o) => OUTCOME_COLOURS[o]) }, legend: { title: null, symbolType: 'square' } },
      order: { field: 'order', type: 'quantitative' },
    },
  };
  const causeLayer: Layer =
    causes.causes.length === 0
      ? { data: { values: [{}] }, mark: { type: 'text', fontSize: 12, color: '#444444' }, encoding: { x: { value: PLOT_WIDTH / 2 }, y: { value: 40 }, text: { value: 'The gateway failed no request.' } } }
      : {
          data: { values: causes.rows },
          mark: { type: 'area', interpolate: 'step-after', opacity: 0.9 },
          encoding: {
            y: { field: 'rps', type: 'quantitative', stack: 'zero', title: 'failures/s' },
            color: { field: 'series', type: 'nominal', scale: { domain: causes.causes, range: causes.causes.map((_c, i) => CAUSE_COLOURS[i % CAUSE_COLOURS.length] ?? '#999999') }, legend: { title: null, symbolType: 'square' } },
            order: { field: 'order', type: 'quantitative' },
          },
        };
  return {
    title: timelineTitle(report, timeline),
    config: CHART_CONFIG,
    spacing: 16,
    vconcat: [panel('Requests per second by outcome', 160, [outcomeLayer], false), panel("Gateway failures per second by cause", 110, [causeLayer], true)],
    resolve: { scale: { x: 'shared', y: 'independent', color: 'independent' } },
  };
}

/** The failure windows, shaded under the data. */
function windowLayers(timeline: TimelineResult): Layer[] {
  if (timeline.windows.length === 0) return [];
  const values = timeline.windows.map((w) => ({ start: w.start / 1000, end: w.end / 1000 }));
  return [{ data: { values }, mark: { type: 'rect', color: RED_502, opacity: 0.08 }, encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } } }];
}

/** A rule per event (solid: the scenario's; dotted: the fixtures'), and the labels on rows from the top. */
function eventLayers(marks: readonly EventMark[]): Layer[] {
  if (marks.length === 0) return [];
  const labelled = marks.filter((m) => m.label !== null).map((m) => ({ t: m.t, label: m.label, y: 3 + 13 * m.row }));
  return [
    { data: { values: marks.filter((m) => m.planned).map((m) => ({ t: m.t })) }, mark: { type: 'rule', color: '#333333', strokeWidth: 1.5 } },
    { data: { values: marks.filter((m) => !m.planned).map((m) => ({ t: m.t })) }, mark: { type: 'rule', color: '#666666', strokeWidth: 1, strokeDash: [2, 2] } },
    {
      data: { values: labelled },
      mark: { type: 'text', align: 'left', dx: 3, baseline: 'top', fontSize: 10, color: '#333333' },
      encoding: { y: { field: 'y', type: 'quantitative', scale: null }, text: { field: 'label' } },
    },
  ];
}

function timelineTitle(report: Report, timeline: TimelineResult): { text: string[]; subtitle: string[] } {
  const notes: string[] = [];
  if (report.interrupted) notes.push('The run was interrupted: this is what was measured before it stopped.');
  const windows = timeline.windows.length;
  notes.push(
    `A steady ${formatLoad(timeline.offered, report.unit)} for ${formatSeconds(timeline.durationMs)}, in ${timeline.bucketMs} ms buckets; ${windows === 0 ? 'no failure window' : `${windows} failure ${windows === 1 ? 'window' : 'windows'} (shaded)`}. Solid rules: the scenario's events; dotted: what the fixtures reported.`,
  );
  if (!timeline.valid) notes.push(`Not judged: ${timeline.invalidReason ?? 'the generator was the bottleneck'}.`);
  return { text: wrap(`${report.scenario.name}: requests against time, ${report.model} model`, 56), subtitle: notes.flatMap((note) => wrap(note)) };
}
