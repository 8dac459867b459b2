/**
 * The capacity chart of a run as a Vega-Lite spec: three panels over one offered-load axis
 * (goodput and throughput; the status mix; 2xx latency), each marked with the measured onset and
 * the theory's. Pure: the data is inline, so the same report always gives the same spec, and
 * `chart/render.ts` turns it into SVG without a request. This file only builds the spec and its
 * styling: the numbers come from `chart/data.ts`, the title's words from `chart/title.ts`.
 * Examples: test/unit/chart-spec.test.ts.
 *
 * ```
 *  Goodput and throughput   req/s │        throughput ╱ ┆
 *                                 │ ───────── goodput ─┼────
 *  Status mix, share per step     │ 2xx (blue)         ┆▒▒▒▒  ▒ 502, strong red, from the bottom
 *  2xx latency (p50, p99)      ms │ ______________╱‾‾‾‾┼‾‾‾‾
 *                                 └────────────────────┴──── offered load (log₂ when it spans ×8)
 *                                     502s begin: 21 connections ┘  (┆ theory, dashed)
 * ```
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import { unitLabel } from '../../format.ts';
import type { Report } from '../schema.ts';
import { annotations, chartRows, mixRows, presentOutcomes, xScale } from './data.ts';
import type { Annotations, ChartRow, XScale } from './data.ts';
import { chartTitle } from './title.ts';
import { timelineChartSpec } from './timeline-spec.ts';
import { CHART_CONFIG, OUTCOME_COLOURS, PLOT_WIDTH, RED_502 } from './style.ts';

export { PLOT_WIDTH, RED_502 } from './style.ts';

// The chart's data and title used to live here; importers keep importing them from this file.
export { annotations, chartRows, mixRows, OUTCOMES, outcomeOf, presentOutcomes, xFraction, xScale } from './data.ts';
export type { Annotations, ChartRow, MixRow, Outcome, XScale } from './data.ts';
export { chartTitle, wrap } from './title.ts';

type Layer = LayerSpec<Field>['layer'][number];
type Panel = LayerSpec<Field>;

/** Pixels kept free at each end of the x axis, so the points at the lowest and highest loads are drawn whole. */
const X_PADDING = 8;
/**
 * The Vega-Lite spec of the capacity chart: three panels stacked over one shared x scale, each
 * with the measured onset (rule, shaded low–high band, label) and the theory's (dashed rule).
 * With no step at all, a spec that shows only the title and "No step was measured.".
 */
export function chartSpec(report: Report): TopLevelSpec {
  if (report.timeline !== undefined) return timelineChartSpec(report, report.timeline);
  const title = chartTitle(report);
  if (report.steps.length === 0) {
    return {
      title,
      config: { ...CHART_CONFIG, view: { stroke: null } },
      width: PLOT_WIDTH,
      height: 30,
      data: { values: [{}] },
      mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 13 },
      encoding: { x: { value: 0 }, y: { value: 15 }, text: { value: 'No step was measured.' } },
    };
  }
  const scale = xScale(report);
  const rows = chartRows(report);
  const marks = annotations(report);
  const notes = annotationLayers(marks);
  const predicted = predictedLayers(rows);
  // The dashed line is named in the panel's title: a legend of its own would widen the chart past
  // the width of a README (titles are measured at the estimated 0.8 em a character, see WRAP_AT in chart/title.ts).
  const mixTitle = `Status mix, share per step${predicted.length > 0 ? ' (dashed: the theory\'s failure ratio)' : ''}`;
  return {
    title,
    config: CHART_CONFIG,
    spacing: 16,
    vconcat: [
      panel(report, scale, { title: 'Goodput and throughput', height: 150 }, [...notes.under, ...throughputLayers(rows), ...notes.over]),
      panel(report, scale, { title: mixTitle, height: 120 }, [...notes.under, ...mixLayers(report), ...predicted, ...notes.over]),
      panel(report, scale, { title: 'Latency of successful (2xx) requests', height: 130, xTitle: true }, [...notes.under, ...latencyLayers(rows), ...notes.over]),
    ],
    // Concatenated views get independent scales by default; the panels must line up on one x.
    resolve: { scale: { x: 'shared', y: 'independent', color: 'independent' } },
  };
}

/** One panel: its title and the layers over the shared x encoding; only the bottom panel titles the x axis. */
function panel(report: Report, scale: XScale, opts: { title: string; height: number; xTitle?: boolean }, layer: Layer[]): Panel {
  const log = scale.type === 'log';
  const xTitle = `offered load, ${unitLabel(report.unit)}${log ? ' (log₂ scale)' : ''}`;
  return {
    // frame 'group': every panel's title starts at its plot's left edge, whatever its y axis's width.
    title: { text: opts.title, frame: 'group', fontSize: 12, fontWeight: 'bold', offset: 6 },
    width: PLOT_WIDTH,
    height: opts.height,
    encoding: {
      x: {
        field: 'offered',
        type: 'quantitative',
        title: opts.xTitle === true ? xTitle : null,
        scale: { domain: scale.domain, nice: false, padding: X_PADDING, ...(log ? { type: 'log', base: 2 } : { type: 'linear', zero: false }) },
        // A log axis gets the powers of two (the doubling steps); a linear one about 10 round ticks, not one per req/s.
        axis: { format: ',~r', ...(scale.ticks === null ? { tickCount: 10 } : { values: scale.ticks }) },
      },
    },
    layer,
  };
}

/** Lines with a point per step: filled where the step is valid, hollow where it is not. */
function seriesLayers(field: string, series: string, y: Record<string, unknown>, colours: Record<string, string>): Layer[] {
  const colour = { field: series, type: 'nominal', scale: { domain: Object.keys(colours), range: Object.values(colours) }, legend: { title: null } } as const;
  const yField = { field, type: 'quantitative', ...y } as const;
  return [
    { mark: { type: 'line', strokeWidth: 2 }, encoding: { y: yField, color: colour } },
    { transform: [{ filter: `datum.valid && isValid(datum.${field})` }], mark: { type: 'point', filled: true, size: 30 }, encoding: { y: yField, color: colour } },
    { transform: [{ filter: `!datum.valid && isValid(datum.${field})` }], mark: { type: 'point', filled: false, size: 40, strokeWidth: 1.5 }, encoding: { y: yField, color: colour } },
  ];
}

function throughputLayers(rows: readonly ChartRow[]): Layer[] {
  const GOODPUT = 'goodput (2xx/s)';
  const THROUGHPUT = 'throughput (all responses/s)';
  // Throughput first, so goodput, drawn after it, stays visible where the two lines coincide.
  const values = rows.flatMap((r) => [
    { offered: r.offered, valid: r.valid, series: THROUGHPUT, rps: r.achievedRps },
    { offered: r.offered, valid: r.valid, series: GOODPUT, rps: r.goodputRps },
  ]);
  return [{ data: { values }, layer: seriesLayers('rps', 'series', { title: 'req/s', axis: { format: ',~r' } }, { [GOODPUT]: '#0072b2', [THROUGHPUT]: '#e69f00' }) }];
}

function latencyLayers(rows: readonly ChartRow[]): Layer[] {
  const values = rows.flatMap((r) => [
    { offered: r.offered, valid: r.valid, percentile: 'p50', ms: r.p50Ms },
    { offered: r.offered, valid: r.valid, percentile: 'p99', ms: r.p99Ms },
  ]);
  const measured = values.flatMap((v) => (v.ms === null ? [] : [v.ms]));
  if (measured.length === 0) {
    return [{ data: { values: [{}] }, mark: { type: 'text', fontSize: 12, color: '#444444' }, encoding: { x: { value: PLOT_WIDTH / 2 }, y: { value: 65 }, text: { value: 'No request succeeded: no 2xx latency to show.' } } }];
  }
  // Log: latency climbs by multiples as queues fill (S, 2S, 5S); a zero has no logarithm.
  const scale = measured.every((ms) => ms > 0) ? { type: 'log' } : { type: 'linear', zero: false };
  const y = { title: '2xx latency, ms', scale, axis: { format: ',~r' } };
  return [{ data: { values }, layer: seriesLayers('ms', 'percentile', y, { p50: '#56b4e9', p99: '#0072b2' }) }];
}

/**
 * The status mix as a stacked area, washed out by a white stripe at each invalid step. An area,
 * not bars: a search's bisection steps crowd together on a log axis (400, 405, 410, 420 req/s lie
 * within a tenth of an octave), where bars would be slivers and the red of the 502s hard to see.
 */
function mixLayers(report: Report): Layer[] {
  const outcomes = presentOutcomes(report);
  const invalid = [...new Set(report.steps.filter((s) => !s.valid).map((s) => s.offered))].map((offered) => ({ offered }));
  const layers: Layer[] = [
    {
      data: { values: mixRows(report) },
      mark: { type: 'area', opacity: 0.9 },
      encoding: {
        y: { field: 'share', type: 'quantitative', stack: 'zero', title: 'share of requests', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        color: { field: 'outcome', type: 'nominal', scale: { domain: outcomes, range: outcomes.map((o) => OUTCOME_COLOURS[o]) }, legend: { title: null, symbolType: 'square' } },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  ];
  if (invalid.length > 0) layers.push({ data: { values: invalid }, mark: { type: 'rule', color: 'white', strokeWidth: 8, opacity: 0.7 } });
  return layers;
}

/** The theory's failure ratio per step, dashed over the mix; broken where it predicts nothing. */
function predictedLayers(rows: readonly ChartRow[]): Layer[] {
  if (rows.every((r) => r.predictedFailureRatio === null)) return [];
  const values = rows.map((r) => ({ offered: r.offered, predicted: r.predictedFailureRatio }));
  return [
    {
      data: { values },
      mark: { type: 'line', color: '#000000', strokeWidth: 1.5, strokeDash: [6, 4] },
      encoding: {
        y: { field: 'predicted', type: 'quantitative' },
      },
    },
  ];
}

/** The onset band (under the data) and the rules with their labels (over it). */
function annotationLayers(marks: Annotations): { under: Layer[]; over: Layer[] } {
  const under: Layer[] = [];
  const over: Layer[] = [];
  const right = marks.labelSide === 'right';
  const label = { type: 'text', align: right ? 'left' : 'right', dx: right ? 4 : -4, baseline: 'top', fontSize: 11 } as const;
  if (marks.onset !== null) {
    const { value, low, high, label: text } = marks.onset;
    under.push({ data: { values: [{ low, high }] }, mark: { type: 'rect', color: RED_502, opacity: 0.08 }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } });
    over.push(
      { data: { values: [{ offered: value }] }, mark: { type: 'rule', color: RED_502, strokeWidth: 1.5 } },
      { data: { values: [{ offered: value }] }, mark: { ...label, color: RED_502, fontWeight: 'bold' }, encoding: { y: { value: 3 }, text: { value: text } } },
    );
  }
  if (marks.theory !== null) {
    const { value, label: text } = marks.theory;
    over.push(
      { data: { values: [{ offered: value }] }, mark: { type: 'rule', color: '#333333', strokeDash: [5, 3], strokeWidth: 1.5 } },
      { data: { values: [{ offered: value }] }, mark: { ...label, color: '#333333' }, encoding: { y: { value: 17 }, text: { value: text } } },
    );
  }
  return { under, over };
}
