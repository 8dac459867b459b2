/**
 * The capacity chart of a run as a Vega-Lite spec: three panels over one offered-load axis
 * (goodput and throughput; the status mix; 2xx latency), each marked with the measured onset and
 * the theory's. Pure: the data is inline, so the same report always gives the same spec, and
 * `chart/render.ts` turns it into SVG without a request. Examples: test/unit/chart-spec.test.ts.
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
import { formatLoad, unitLabel } from '../../format.ts';
import type { Report } from '../schema.ts';
import { sortByOffered } from '../render/shared.ts';

type Layer = LayerSpec<Field>['layer'][number];
type Panel = LayerSpec<Field>;

/** Width of each panel's plot, px: with the y axis it makes a chart of about 720 px, which fits a README column. */
export const PLOT_WIDTH = 640;
/** Pixels kept free at each end of the x axis, so the points at the lowest and highest loads are drawn whole. */
const X_PADDING = 8;
/** The font: a generic family, so the SVG needs no web font and renders the same offline. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

/** 502 is the colour a person looks for: a strong red that no other series uses. */
export const RED_502 = '#d00000';
/** Okabe–Ito colours (colour-blind-safe), apart from the 502 red; grey for what matters least. */
const OUTCOME_COLOURS: Record<Outcome, string> = {
  '502': RED_502,
  'client error': '#222222',
  '504': '#cc79a7',
  '503': '#e69f00',
  'other status': '#aaaaaa',
  '2xx': '#56b4e9',
};

/**
 * What a finished request became, in stacking order from the bottom: the criterion's failures
 * (502 and client errors, DESIGN.md §4) sit on the zero line, so the height of their stack reads
 * as the failure ratio against the theory's dashed prediction; 2xx is on top.
 */
export const OUTCOMES = ['502', 'client error', '504', '503', 'other status', '2xx'] as const;
/** One category of the status mix. */
export type Outcome = (typeof OUTCOMES)[number];

/** One step as the chart draws it, sorted by offered load. */
export interface ChartRow {
  /** Order the step ran in, from 0. */
  index: number;
  offered: number;
  valid: boolean;
  goodputRps: number;
  achievedRps: number;
  /** 2xx latency percentiles, ms; null when no request succeeded. */
  p50Ms: number | null;
  p99Ms: number | null;
  predictedFailureRatio: number | null;
}

/** The steps as chart rows, by offered load (ties in run order, as in the markdown table). */
export function chartRows(report: Report): ChartRow[] {
  return sortByOffered(report.steps).map((step) => ({
    index: step.index,
    offered: step.offered,
    valid: step.valid,
    goodputRps: step.goodputRps,
    achievedRps: step.achievedRps,
    p50Ms: step.latencyMs.ok?.p50 ?? null,
    p99Ms: step.latencyMs.ok?.p99 ?? null,
    predictedFailureRatio: step.predictedFailureRatio,
  }));
}

/** The share of one outcome at one offered load. */
export interface MixRow {
  offered: number;
  outcome: Outcome;
  /** Share of the requests that finished (answered, errored or lost); the outcomes of a load sum to 1. */
  share: number;
  /** Position in the stack, from the bottom (index in {@link OUTCOMES}). */
  order: number;
  valid: boolean;
}

/** Which outcome an HTTP status counts as. */
export function outcomeOf(status: string): Outcome {
  if (status === '502' || status === '503' || status === '504') return status;
  const code = Number(status);
  return code >= 200 && code < 300 ? '2xx' : 'other status';
}

/**
 * The outcomes the legend shows: 2xx and 502 always (a 502 entry with no red in the chart says
 * "no 502" at a glance), the others only where some step had them.
 */
export function presentOutcomes(report: Report): Outcome[] {
  const seen = new Set<Outcome>(['2xx', '502']);
  for (const step of report.steps) {
    for (const [status, n] of Object.entries(step.status)) if (n > 0) seen.add(outcomeOf(status));
    if (step.errored + step.lost > 0) seen.add('client error');
  }
  return OUTCOMES.filter((o) => seen.has(o));
}

/**
 * The status mix per offered load: one row per present outcome, shares of the requests that
 * finished. Steps at the same load are pooled (their counts added), so a stack never sums to more
 * than 1; a load where nothing finished has no rows (there is no mix to show). Unfinished requests
 * are left out, as in the failure ratio (schema.ts, `failureRatio`).
 */
export function mixRows(report: Report): MixRow[] {
  const outcomes = presentOutcomes(report);
  const byLoad = new Map<number, { counts: Map<Outcome, number>; valid: boolean }>();
  for (const step of sortByOffered(report.steps)) {
    const entry = byLoad.get(step.offered) ?? { counts: new Map<Outcome, number>(), valid: true };
    const add = (o: Outcome, n: number): void => void entry.counts.set(o, (entry.counts.get(o) ?? 0) + n);
    for (const [status, n] of Object.entries(step.status)) add(outcomeOf(status), n);
    add('client error', step.errored + step.lost);
    entry.valid &&= step.valid;
    byLoad.set(step.offered, entry);
  }
  const rows: MixRow[] = [];
  for (const [offered, { counts, valid }] of byLoad) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total === 0) continue;
    for (const outcome of outcomes) {
      rows.push({ offered, outcome, share: (counts.get(outcome) ?? 0) / total, order: OUTCOMES.indexOf(outcome), valid });
    }
  }
  return rows;
}

/** The x scale: its type, its domain, and the ticks a log scale gets. */
export interface XScale {
  type: 'log' | 'linear';
  domain: [number, number];
  /** Powers of two inside the domain for a log scale; null lets Vega choose (linear). */
  ticks: number[] | null;
}

/**
 * Log base 2 when the loads span a factor of 8 or more, linear otherwise. An onset search doubles
 * (1, 2, 4, …, 32) then bisects (24, 20, 22, 21): on a linear axis the doubling steps crowd into
 * the left fifth and 1 and 2 overlap, while on a log₂ axis each doubling is one equal stride and
 * the bisection steps still sit apart near the onset. A narrow span (a ramp of 380–420 req/s)
 * reads better linear, where equal steps are equal distances. Zero or negative loads have no
 * logarithm, so they force linear. The domain also covers the measured onset's band (with
 * --repeat it is the trials' median and may lie off the first trial's steps).
 */
export function xScale(report: Report): XScale {
  const loads = report.steps.map((s) => s.offered);
  if (report.onset !== null) loads.push(report.onset.low, report.onset.high);
  if (loads.length === 0) return { type: 'linear', domain: [0, 1], ticks: null };
  const min = Math.min(...loads);
  const max = Math.max(...loads);
  // One load only: give the axis some width around it rather than a zero-length domain.
  if (min === max) return { type: 'linear', domain: min > 0 ? [0, 2 * min] : [min - 1, max + 1], ticks: null };
  if (min <= 0 || max / min < 8) return { type: 'linear', domain: [min, max], ticks: null };
  const ticks: number[] = [];
  for (let p = 2 ** Math.ceil(Math.log2(min)); p <= max; p *= 2) ticks.push(p);
  return { type: 'log', domain: [min, max], ticks };
}

/** Where a load falls along the plot, 0 (left end) to 1 (right end). */
export function xFraction(scale: XScale, value: number): number {
  const [a, b] = scale.domain;
  const f = scale.type === 'log' ? Math.log2(value / a) / Math.log2(b / a) : (value - a) / (b - a);
  return Math.min(1, Math.max(0, f));
}

/** The vertical marks every panel carries. */
export interface Annotations {
  /** The measured onset: rule at `value`, band from `low` (passed) to `high` (failed). */
  onset: { value: number; low: number; high: number; label: string } | null;
  /** The theory's onset, when it predicts one inside the measured loads. */
  theory: { value: number; label: string } | null;
  /** Side of the rules the labels go on: left of them near the right end, so they stay inside the plot. */
  labelSide: 'left' | 'right';
}

/** The onset and theory rules with their labels (`502s begin: 21 connections`, `theory: 21 connections`). */
export function annotations(report: Report): Annotations {
  const scale = xScale(report);
  const { onset, unit } = report;
  const statuses = onset?.criterion.statuses ?? [];
  const what = statuses.length === 1 ? `${statuses[0]}s` : 'failures';
  const measured = onset === null ? null : { value: onset.value, low: onset.low, high: onset.high, label: `${what} begin: ${formatLoad(onset.value, unit)}` };
  const predicted = report.theory?.onset ?? null;
  const [min, max] = scale.domain;
  const theory = predicted === null || predicted < min || predicted > max ? null : { value: predicted, label: `theory: ${formatLoad(predicted, unit)}` };
  const at = measured?.value ?? theory?.value ?? min;
  return { onset: measured, theory, labelSide: xFraction(scale, at) > 0.6 ? 'left' : 'right' };
}

/**
 * Subtitle lines longer than this are wrapped: Vega does not wrap text, and a long line widens
 * the SVG. Headless Vega has no canvas to measure text and estimates a width of 0.8 × font size
 * per character (vega-scenegraph, `estimateWidth`): 78 characters at 11 px ≈ 690 px.
 */
const WRAP_AT = 78;

/** Greedy word wrap of one sentence into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width = WRAP_AT): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The title (what the chart shows) and the notes a reader needs to read it right. */
export function chartTitle(report: Report): { text: string[]; subtitle: string[] } {
  const { unit, onset, theory } = report;
  const n = report.steps.length;
  // Paragraphs, each wrapped: short sentences share a line, distinct topics start one.
  const notes: string[] = [];
  if (report.interrupted) notes.push('The run was interrupted: these are the steps measured before it stopped.');
  const summary: string[] = [];
  if (n > 0) summary.push(`${n} ${n === 1 ? 'step' : 'steps'} (${report.plan === 'search' ? 'onset search' : 'ramp'}), offered load in ${unitLabel(unit)}.`);
  summary.push(onset === null ? `No onset. ${report.onsetNote ?? ''}` : `Onset: ${formatLoad(onset.value, unit)} (${formatLoad(onset.low, unit)} passed).`);
  const predicted = theory?.onset ?? null;
  if (theory !== null && predicted === null) summary.push('The theory predicts no onset.');
  if (predicted !== null) {
    const outside = n > 0 && annotations(report).theory === null ? ', outside the loads measured (no rule)' : '';
    summary.push(`Theory: ${formatLoad(predicted, unit)}${outside}.`);
  }
  notes.push(summary.join(' '));
  if (report.onsetSpread !== null) {
    const { min, max, trials } = report.onsetSpread;
    const range = min === max ? `${formatLoad(min, unit)} in each` : `${formatLoad(min, unit)} to ${formatLoad(max, unit)}`;
    notes.push(`Onset over ${trials} trials: ${range}; the steps drawn are the first trial's.`);
  }
  const invalid = sortByOffered(report.steps).filter((s) => !s.valid);
  if (invalid.length > 0) {
    const list = invalid.map((s) => `${formatLoad(s.offered, unit)} (${s.invalidReason ?? 'no reason given'})`).join('; ');
    notes.push(`Invalid steps, drawn hollow and faded: ${list}.`);
  }
  // The title is 15 px bold: 56 characters at the estimated 0.8 em fill the same width as WRAP_AT.
  const text = wrap(`${report.scenario.name}: capacity against offered load, ${report.model} model`, 56);
  return { text, subtitle: notes.flatMap((note) => wrap(note)) };
}

/**
 * The Vega-Lite spec of the capacity chart: three panels stacked over one shared x scale, each
 * with the measured onset (rule, shaded low–high band, label) and the theory's (dashed rule).
 * With no step at all, a spec that shows only the title and "No step was measured.".
 */
export function chartSpec(report: Report): TopLevelSpec {
  const title = chartTitle(report);
  if (report.steps.length === 0) {
    return {
      title,
      config: { ...CONFIG, view: { stroke: null } },
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
  // the width of a README (titles are measured at the estimated 0.8 em a character, see WRAP_AT).
  const mixTitle = `Status mix, share per step${predicted.length > 0 ? ' (dashed: the theory\'s failure ratio)' : ''}`;
  return {
    title,
    config: CONFIG,
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

/** Styling for every chart: generic font, white background (readable on a dark-mode page), legends on top to keep the width. */
const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: '#dddddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eeeeee', labelColor: '#333333', titleColor: '#333333' },
  // labelLimit: the estimated widths (see WRAP_AT) would cut `throughput (all responses/s)` at the default 160 px.
  legend: { orient: 'top', labelFontSize: 11, labelLimit: 320, symbolStrokeWidth: 2, columnPadding: 12, offset: 6 },
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#444444', subtitlePadding: 6, offset: 10 },
} as const;

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
