/**
 * The chart of `--gateway node,nginx,haproxy` (gateways.svg, and in gateways.html): one scenario
 * behind each gateway, overlaid on one offered-load axis, a colour per gateway. Top: the share of
 * requests that failed per step, with the criterion as a dashed line (where a line crosses it,
 * that gateway's onset); bottom: goodput. Pure, like `chart/spec.ts`: the data is inline.
 *
 * ```
 *  Failed share per step     │            ╱╱ nginx, haproxy
 *  criterion ┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄│┄┄┄┄┄┄┄┄┄┄╱╱┄┄┄┄┄┄┄┄
 *                            │ ─────────┘  node
 *  Goodput, 2xx/s            │ ────────────────────
 *                            └────────────────────── offered load
 * ```
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/index.js';
import type { GatewayKind } from '../../config/scenario.ts';
import { unitLabel } from '../../format.ts';
import type { GatewayRun } from '../gateway-comparison.ts';
import { CHART_CONFIG, PLOT_WIDTH } from './style.ts';

type Layer = LayerSpec<Field>['layer'][number];

/** A colour per gateway, Okabe–Ito like the other charts, none of them the 502 red. */
export const GATEWAY_COLOURS: Record<GatewayKind, string> = { node: '#0072b2', nginx: '#009e73', haproxy: '#e69f00' };

/** One step of one gateway's run, as the chart draws it. */
export interface GatewayChartRow {
  gateway: GatewayKind;
  offered: number;
  failureRatio: number;
  goodputRps: number;
  valid: boolean;
}

/** The steps of every run that has a report, by gateway then offered load. */
export function gatewayChartRows(runs: readonly GatewayRun[]): GatewayChartRow[] {
  return runs.flatMap((run) =>
    (run.report?.steps ?? [])
      .map((step) => ({ gateway: run.gateway, offered: step.offered, failureRatio: step.failureRatio, goodputRps: step.goodputRps, valid: step.valid }))
      .sort((a, b) => a.offered - b.offered),
  );
}

/** The Vega-Lite spec: two panels over one x scale (log₂ when the loads span ×8 or more, as in the run's chart). */
export function gatewaysChartSpec(runs: readonly GatewayRun[], title: string): TopLevelSpec {
  const rows = gatewayChartRows(runs);
  const report = runs.find((run) => run.report !== null)?.report ?? null;
  const unit = report?.unit ?? 'connections';
  const criterion = report?.onset?.criterion.failureRatio ?? report?.scenario.parameters.criterion.failureRatio ?? 0.01;
  const gateways = runs.map((run) => run.gateway);
  const loads = rows.map((row) => row.offered);
  const min = Math.min(...loads);
  const max = Math.max(...loads);
  const log = loads.length > 0 && min > 0 && max / min >= 8;
  const xTitle = `offered load, ${unitLabel(unit)}${log ? ' (log₂ scale)' : ''}`;
  const x = {
    field: 'offered',
    type: 'quantitative',
    scale: log ? ({ type: 'log', base: 2, nice: false } as const) : ({ type: 'linear', zero: false, nice: false } as const),
    axis: { format: ',~r', tickCount: 10 },
    title: null,
  } as const;
  const colour = { field: 'gateway', type: 'nominal', scale: { domain: gateways, range: gateways.map((gateway) => GATEWAY_COLOURS[gateway]) }, legend: { title: null } } as const;
  // Only the bottom panel titles the x axis: the panels share it.
  const series = (field: 'failureRatio' | 'goodputRps', y: Record<string, unknown>, xTitled = false): Layer[] => {
    const encoding = { x: { ...x, title: xTitled ? xTitle : null }, y: { field, type: 'quantitative', ...y }, color: colour } as const;
    return [
      { mark: { type: 'line', strokeWidth: 2 }, encoding },
      { mark: { type: 'point', filled: true, size: 30 }, encoding },
    ];
  };
  const panelTitle = (text: string) => ({ text, frame: 'group', fontSize: 12, fontWeight: 'bold', offset: 6 }) as const;
  return {
    title: { text: title, subtitle: 'one colour per gateway; each point is one step of its run' },
    config: CHART_CONFIG,
    spacing: 16,
    data: { values: rows },
    vconcat: [
      {
        title: panelTitle(`Share of requests failed (dashed: the criterion, ${String(criterion * 100)} %)`),
        width: PLOT_WIDTH,
        height: 150,
        layer: [
          ...series('failureRatio', { title: 'failed', scale: { domain: [0, 1] }, axis: { format: '.0%' } }),
          { data: { values: [{ criterion }] }, mark: { type: 'rule', color: '#333333', strokeDash: [5, 3] }, encoding: { y: { field: 'criterion', type: 'quantitative' } } },
        ],
      },
      { title: panelTitle('Goodput (2xx per second)'), width: PLOT_WIDTH, height: 130, layer: series('goodputRps', { title: 'req/s', axis: { format: ',~r' } }, true) },
    ],
    resolve: { scale: { x: 'shared', y: 'independent' } },
  };
}
