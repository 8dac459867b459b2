import assert from 'node:assert/strict';
import {
  annotations,
  chartRows,
  chartSpec,
  chartTitle,
  mixRows,
  outcomeOf,
  presentOutcomes,
  RED_502,
  wrap,
  xFraction,
  xScale,
} from '../../harness/report/chart/spec.ts';
import type { Report, StepResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');
const noOnset503 = fixture('no-onset-503');

/** A step of the closed-onset report (its first, a clean 1-connection step) with changes. */
function step(changes: Partial<StepResult>): StepResult {
  const base = closedOnset.steps[0];
  if (base === undefined) throw new Error('the closed-onset fixture has no step');
  return { ...base, ...changes };
}

/** The closed-onset report with other steps and no onset unless given. */
function withSteps(steps: StepResult[], changes: Partial<Report> = {}): Report {
  return { ...closedOnset, steps, onset: null, ...changes };
}

/** Shares by outcome at one load, for exact comparisons. */
function sharesAt(report: Report, offered: number): Record<string, number> {
  return Object.fromEntries(mixRows(report).filter((r) => r.offered === offered).map((r) => [r.outcome, r.share]));
}

/** The spec as plain data, to look into its panels and layers without the compiler's unions. */
interface Node {
  vconcat?: Node[];
  layer?: Node[];
  mark?: string | { type: string; color?: string; strokeDash?: number[] };
  data?: { values: Record<string, unknown>[] };
  encoding?: Record<string, { value?: unknown }>;
  title?: unknown;
}

function panels(report: Report): Node[] {
  return (chartSpec(report) as Node).vconcat ?? [];
}

/** Every layer of a panel, nested layers included, flattened. */
function layersOf(node: Node): Node[] {
  return (node.layer ?? []).flatMap((l) => [l, ...layersOf(l)]);
}

function markType(node: Node): string | undefined {
  return typeof node.mark === 'string' ? node.mark : node.mark?.type;
}

/** The rules of a panel, as { x, colour, dashed }. */
function rules(panel: Node): { x: unknown; colour: string | undefined; dashed: boolean }[] {
  return layersOf(panel)
    .filter((l) => markType(l) === 'rule' && typeof l.mark === 'object' && l.mark.color !== 'white')
    .map((l) => ({ x: l.data?.values[0]?.offered, colour: typeof l.mark === 'object' ? l.mark.color : undefined, dashed: typeof l.mark === 'object' && l.mark.strokeDash !== undefined }));
}

function texts(panel: Node): unknown[] {
  return layersOf(panel).filter((l) => markType(l) === 'text').map((l) => l.encoding?.text?.value);
}

describe('chart spec', () => {
  describe('rows', () => {
    it('sorts the steps by offered load, keeping the run order in index', () => {
      const rows = chartRows(closedOnset);
      assert.deepEqual(rows.map((r) => r.offered), [1, 2, 4, 8, 16, 20, 21, 22, 24, 32]);
      assert.deepEqual(rows.map((r) => r.index), [0, 1, 2, 3, 4, 7, 9, 8, 6, 5]);
    });

    it('carries goodput, throughput and the 2xx latency of each step', () => {
      const at21 = chartRows(closedOnset).find((r) => r.offered === 21);
      assert.deepEqual(at21, {
        index: 9,
        offered: 21,
        valid: true,
        goodputRps: closedOnset.steps[9]?.goodputRps,
        achievedRps: closedOnset.steps[9]?.achievedRps,
        p50Ms: 50.52,
        p99Ms: 52.87,
        predictedFailureRatio: null,
      });
    });

    it('gives null latencies for a step with no 2xx', () => {
      const report = withSteps([step({ latencyMs: { ok: null, failed: null, fromIntended: null } })]);
      const [row] = chartRows(report);
      assert.equal(row?.p50Ms, null);
      assert.equal(row?.p99Ms, null);
    });
  });

  describe('status mix', () => {
    const outcomes: [string, string][] = [
      ['200', '2xx'],
      ['204', '2xx'],
      ['502', '502'],
      ['503', '503'],
      ['504', '504'],
      ['500', 'other status'],
      ['404', 'other status'],
      ['301', 'other status'],
    ];
    for (const [status, outcome] of outcomes) {
      it(`counts status ${status} as ${outcome}`, () => assert.equal(outcomeOf(status), outcome));
    }

    it('gives shares that sum to 1 at every load', () => {
      for (const report of [closedOnset, noOnset503]) {
        const sums = new Map<number, number>();
        for (const r of mixRows(report)) sums.set(r.offered, (sums.get(r.offered) ?? 0) + r.share);
        assert.equal(sums.size, report.steps.length);
        for (const [offered, sum] of sums) assert.ok(Math.abs(sum - 1) < 1e-12, `shares at ${offered} sum to ${sum}`);
      }
    });

    it('shows 502 and 2xx for the closed onset: 801 of 1,593 at the onset, none a step below', () => {
      assert.deepEqual(presentOutcomes(closedOnset), ['502', '2xx']);
      assert.deepEqual(sharesAt(closedOnset, 21), { '502': 801 / 1593, '2xx': 792 / 1593 });
      assert.deepEqual(sharesAt(closedOnset, 20), { '502': 0, '2xx': 1 });
    });

    it('lists the rows in load order, outcomes in stacking order (502 at the bottom)', () => {
      const rows = mixRows(closedOnset);
      assert.deepEqual([...new Set(rows.map((r) => r.offered))], [1, 2, 4, 8, 16, 20, 21, 22, 24, 32]);
      assert.deepEqual(rows.slice(0, 2).map((r) => [r.outcome, r.order]), [['502', 0], ['2xx', 5]]);
    });

    it('shows the 503s of the no-onset report, and keeps 502 in the legend with a share of 0', () => {
      assert.deepEqual(presentOutcomes(noOnset503), ['502', '503', '2xx']);
      assert.deepEqual(sharesAt(noOnset503, 64), { '502': 0, '503': 11870 / 12660, '2xx': 790 / 12660 });
    });

    it('counts errored and lost requests as client errors, and leaves unfinished ones out', () => {
      const report = withSteps([step({ status: { '200': 70, '404': 10 }, errored: 15, lost: 5, unfinished: 40 })]);
      assert.deepEqual(presentOutcomes(report), ['502', 'client error', 'other status', '2xx']);
      assert.deepEqual(sharesAt(report, 1), { '502': 0, 'client error': 0.2, 'other status': 0.1, '2xx': 0.7 });
    });

    it('pools two steps at the same load instead of stacking past 1', () => {
      const report = withSteps([step({ index: 0, status: { '200': 10 } }), step({ index: 1, status: { '200': 10, '502': 20 } })]);
      assert.deepEqual(sharesAt(report, 1), { '502': 0.5, '2xx': 0.5 });
    });

    it('has no mix rows for a load where nothing finished', () => {
      assert.deepEqual(mixRows(withSteps([step({ status: {}, errored: 0, lost: 0 })])), []);
    });

    it('colours 502 in the strong red, in the order of the stack', () => {
      const area = layersOf(panels(noOnset503)[1]!).find((l) => markType(l) === 'area') as { encoding: { color: { scale: unknown } } } | undefined;
      assert.deepEqual(area?.encoding.color.scale, { domain: ['502', '503', '2xx'], range: [RED_502, '#e69f00', '#56b4e9'] });
    });

    it('marks the rows of an invalid step', () => {
      const report = withSteps([step({ valid: false, invalidReason: 'generator CPU 97 %' })]);
      assert.deepEqual(mixRows(report).map((r) => r.valid), [false, false]);
    });
  });

  describe('x scale', () => {
    const cases: { loads: number[]; type: 'log' | 'linear'; domain: [number, number]; ticks: number[] | null }[] = [
      { loads: [1, 2, 4, 8, 16, 32, 24, 20, 22, 21], type: 'log', domain: [1, 32], ticks: [1, 2, 4, 8, 16, 32] },
      { loads: [1, 8], type: 'log', domain: [1, 8], ticks: [1, 2, 4, 8] },
      { loads: [10, 640, 405], type: 'log', domain: [10, 640], ticks: [16, 32, 64, 128, 256, 512] },
      { loads: [1, 7], type: 'linear', domain: [1, 7], ticks: null },
      { loads: [380, 400, 420], type: 'linear', domain: [380, 420], ticks: null },
      { loads: [0, 16], type: 'linear', domain: [0, 16], ticks: null },
      { loads: [5], type: 'linear', domain: [0, 10], ticks: null },
    ];
    for (const { loads, type, domain, ticks } of cases) {
      it(`is ${type} over ${domain.join('–')} for loads ${loads.join(', ')}`, () => {
        const report = withSteps(loads.map((offered, index) => step({ index, offered })));
        assert.deepEqual(xScale(report), { type, domain, ticks });
      });
    }

    it('covers the onset band even where the first trial did not measure it (--repeat)', () => {
      const report = withSteps([step({ offered: 4 }), step({ offered: 8 })], { onset: { ...closedOnset.onset!, value: 21, low: 20, high: 21 } });
      assert.deepEqual(xScale(report).domain, [4, 21]);
    });

    it('places loads along a log axis by octaves', () => {
      const scale = xScale(closedOnset);
      assert.equal(xFraction(scale, 1), 0);
      assert.equal(xFraction(scale, 4), 0.4);
      assert.equal(xFraction(scale, 32), 1);
    });

    it('shares one x scale across the three panels, log base 2 for the closed onset', () => {
      const spec = chartSpec(closedOnset) as { resolve?: { scale?: { x?: string } }; vconcat: { encoding: { x: { scale: unknown; title: unknown } } }[] };
      assert.equal(spec.resolve?.scale?.x, 'shared');
      assert.equal(spec.vconcat.length, 3);
      for (const p of spec.vconcat) assert.deepEqual(p.encoding.x.scale, { domain: [1, 32], nice: false, padding: 8, type: 'log', base: 2 });
      assert.deepEqual(spec.vconcat.map((p) => p.encoding.x.title), [null, null, 'offered load, connections (log₂ scale)']);
    });
  });

  describe('onset and theory', () => {
    it('marks the closed onset at 21 with its 20–21 band, and the theory at 21, labels left of the rules', () => {
      assert.deepEqual(annotations(closedOnset), {
        onset: { value: 21, low: 20, high: 21, label: '502s begin: 21 connections' },
        theory: { value: 21, label: 'theory: 21 connections' },
        labelSide: 'left',
      });
    });

    it('draws the onset rule (solid red), its band and the theory rule (dashed) in every panel', () => {
      for (const panel of panels(closedOnset)) {
        assert.deepEqual(rules(panel), [
          { x: 21, colour: RED_502, dashed: false },
          { x: 21, colour: '#333333', dashed: true },
        ]);
        const band = layersOf(panel).find((l) => markType(l) === 'rect');
        assert.deepEqual(band?.data?.values, [{ low: 20, high: 21 }]);
        assert.ok(texts(panel).includes('502s begin: 21 connections'));
        assert.ok(texts(panel).includes('theory: 21 connections'));
      }
    });

    it('puts the labels right of a rule in the left part of the plot', () => {
      const report = { ...closedOnset, onset: { ...closedOnset.onset!, value: 2, low: 1, high: 2 }, theory: null };
      assert.equal(annotations(report).labelSide, 'right');
    });

    it('draws no rule and no band when there is no onset and the theory predicts none', () => {
      assert.deepEqual(annotations(noOnset503), { onset: null, theory: null, labelSide: 'right' });
      for (const panel of panels(noOnset503)) {
        assert.deepEqual(rules(panel), []);
        assert.equal(layersOf(panel).some((l) => markType(l) === 'rect'), false);
      }
    });

    it('draws no theory rule when there is no theory', () => {
      const report = { ...closedOnset, theory: null };
      assert.equal(annotations(report).theory, null);
      for (const panel of panels(report)) assert.deepEqual(rules(panel), [{ x: 21, colour: RED_502, dashed: false }]);
    });

    it('leaves a theory onset outside the measured loads off the axis and says so', () => {
      const report = { ...closedOnset, theory: { ...closedOnset.theory!, onset: 1537 } };
      assert.equal(annotations(report).theory, null);
      assert.ok(chartTitle(report).subtitle.join(' ').includes('Theory: 1,537 connections, outside the loads measured (no rule).'));
    });

    it('labels an open-model onset in req/s', () => {
      const open = fixture('open-onset');
      assert.deepEqual(annotations(open), {
        onset: { value: 410, low: 405, high: 410, label: '502s begin: 410 req/s' },
        theory: { value: 403.9, label: 'theory: 403.9 req/s' },
        labelSide: 'left',
      });
    });
  });

  describe('title and notes', () => {
    it('names the scenario and the model, and sums up the onset', () => {
      assert.deepEqual(chartTitle(closedOnset), {
        text: ['overload: capacity against offered load, closed model'],
        subtitle: ['10 steps (onset search), offered load in connections. Onset: 21 connections', '(20 connections passed). Theory: 21 connections.'],
      });
    });

    it('gives the reason there is no onset and that the theory predicts none', () => {
      const subtitle = chartTitle(noOnset503).subtitle.join(' ');
      assert.ok(subtitle.includes('No onset. No step failed up to 64 connections'));
      assert.ok(subtitle.endsWith('The theory predicts no onset.'));
    });

    it('lists the invalid steps with their reasons', () => {
      const report = withSteps([step({ offered: 4 }), step({ offered: 8, valid: false, invalidReason: 'generator CPU 97 %' })]);
      assert.ok(chartTitle(report).subtitle.join(' ').includes('Invalid steps, drawn hollow and faded: 8 connections (generator CPU 97 %).'));
    });

    it('wraps words into lines of at most the width, a long word alone', () => {
      assert.deepEqual(wrap('aa bb cc dd', 5), ['aa bb', 'cc dd']);
      assert.deepEqual(wrap('a verylongword b', 5), ['a', 'verylongword', 'b']);
      assert.deepEqual(wrap('', 5), []);
    });
  });

  describe('edge cases', () => {
    it('shows only "No step was measured." for a report with no step', () => {
      const spec = chartSpec(fixture('empty')) as Node;
      assert.equal(spec.vconcat, undefined);
      assert.equal(spec.encoding?.text?.value, 'No step was measured.');
      assert.deepEqual(chartRows(fixture('empty')), []);
    });

    it('says there is no latency to show when no request succeeded', () => {
      const report = withSteps([step({ offered: 1, latencyMs: { ok: null, failed: null, fromIntended: null } })]);
      const latency = panels(report)[2];
      assert.ok(latency !== undefined && texts(latency).includes('No request succeeded: no 2xx latency to show.'));
    });

    it('keeps null latencies as nulls, so the line breaks there rather than bridging the gap', () => {
      const steps = [1, 2, 4].map((offered, index) => step({ index, offered, latencyMs: offered === 2 ? { ok: null, failed: null, fromIntended: null } : closedOnset.steps[0]!.latencyMs }));
      const latency = layersOf(panels(withSteps(steps))[2]!).find((l) => l.data?.values.some((v) => 'ms' in v));
      assert.deepEqual(latency?.data?.values.filter((v) => v.percentile === 'p50').map((v) => v.ms), [10.42, null, 10.42]);
    });

    it('draws no predicted line when the theory predicts no failure ratio anywhere', () => {
      const report = withSteps([step({ predictedFailureRatio: null })]);
      assert.equal(layersOf(panels(report)[1]!).some((l) => l.data?.values.some((v) => 'predicted' in v)), false);
    });
  });
});
