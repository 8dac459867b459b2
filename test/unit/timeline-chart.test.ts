import assert from 'node:assert/strict';
import { chartSpec, PLOT_WIDTH, RED_502 } from '../../harness/report/chart/spec.ts';
import { causeRates, eventMarks, outcomeRates, type EventMark } from '../../harness/report/chart/timeline-data.ts';
import { timelineChartSpec } from '../../harness/report/chart/timeline-spec.ts';
import { render } from '../../harness/report/render/svg.ts';
import type { Report, TimelineBucket, TimelineEventRecord, TimelineResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const maintenance = fixture('timeline-maintenance');
const crash = fixture('timeline-crash');

/** The timeline of a frozen report; both have one. */
function timelineOf(report: Report): TimelineResult {
  assert.ok(report.timeline !== undefined, 'the frozen report has no timeline');
  return report.timeline;
}

/** A bucket with no traffic unless given. */
function bucket(t: number, changes: Partial<TimelineBucket> = {}): TimelineBucket {
  return { t, sent: 0, ok: 0, failures: 0, firstFailureAt: null, lastFailureAt: null, status: {}, errors: {}, causes: {}, ...changes };
}

function event(t: number, what: string, planned: boolean, effect: TimelineEventRecord['effect']): TimelineEventRecord {
  return { t, what, detail: '', planned, effect };
}

/** The spec as plain data, to look into its panels and layers without the compiler's unions. */
interface Node {
  vconcat?: Node[];
  layer?: Node[];
  mark?: string | { type: string; color?: string; strokeDash?: number[] };
  data?: { values?: Record<string, unknown>[]; url?: string };
  encoding?: Record<string, { field?: string; value?: unknown; title?: unknown; scale?: { domain?: unknown; range?: unknown } | null }>;
  resolve?: { scale?: Record<string, string> };
  title?: unknown;
}

function specOf(report: Report): Node {
  return timelineChartSpec(report, timelineOf(report)) as Node;
}

/** Every node of the spec: panels, layers, nested layers. */
function nodesOf(node: Node): Node[] {
  return [node, ...(node.vconcat ?? []).flatMap(nodesOf), ...(node.layer ?? []).flatMap(nodesOf)];
}

function markType(node: Node): string | undefined {
  return typeof node.mark === 'string' ? node.mark : node.mark?.type;
}

/** The labelled marks on one row never reach the next one's start (labels at an estimated 6 px a character, 8 px apart). */
function assertLabelsApart(marks: readonly EventMark[], pxPerS: number): void {
  const lastEnd = new Map<number, number>();
  for (const mark of marks) {
    if (mark.label === null) continue;
    const x = mark.t * pxPerS;
    const end = lastEnd.get(mark.row);
    assert.ok(end === undefined || end < x, `${mark.label} at ${mark.t} s runs into the label before it on row ${mark.row}`);
    lastEnd.set(mark.row, x + mark.label.length * 6 + 8);
  }
}

describe('timeline chart data', () => {
  describe('outcomeRates', () => {
    it('gives each outcome\'s rate per bucket as count × 1000 / bucketMs, in stack order, with a closing point at the end of the last bucket', () => {
      const buckets = [
        bucket(0, { status: { '200': 10 } }),
        bucket(250, { status: { '200': 5, '502': 4, '504': 1 }, errors: { lost: 2, ECONNRESET: 1 } }),
      ];
      const { rows, outcomes } = outcomeRates({ buckets, bucketMs: 250 });
      assert.deepEqual(outcomes, ['502', 'client error', '504', '2xx']);
      const at = (t: number, rps: [number, number, number, number]): { t: number; series: string; rps: number; order: number }[] => [
        { t, series: '502', rps: rps[0], order: 0 },
        { t, series: 'client error', rps: rps[1], order: 1 },
        { t, series: '504', rps: rps[2], order: 2 },
        { t, series: '2xx', rps: rps[3], order: 5 },
      ];
      assert.deepEqual(rows, [...at(0, [0, 0, 0, 40]), ...at(0.25, [16, 12, 4, 20]), ...at(0.5, [16, 12, 4, 20])]);
    });

    it('puts 502 at the bottom of the stack and keeps it and 2xx in the legend even when absent', () => {
      const { rows, outcomes } = outcomeRates({ buckets: [bucket(0, { status: { '404': 3, '503': 1 } })], bucketMs: 1000 });
      assert.deepEqual(outcomes, ['502', '503', 'other status', '2xx']);
      assert.deepEqual(rows.slice(0, 4), [
        { t: 0, series: '502', rps: 0, order: 0 },
        { t: 0, series: '503', rps: 1, order: 3 },
        { t: 0, series: 'other status', rps: 3, order: 4 },
        { t: 0, series: '2xx', rps: 0, order: 5 },
      ]);
      assert.equal(Math.min(...rows.map((r) => r.order)), rows.find((r) => r.series === '502')?.order);
    });

    it('gives no rows for no bucket', () => {
      assert.deepEqual(outcomeRates({ buckets: [], bucketMs: 250 }), { rows: [], outcomes: ['502', '2xx'] });
    });

    it('draws the maintenance report as 2xx and 502 only, one point per bucket and one to close', () => {
      const timeline = timelineOf(maintenance);
      const { rows, outcomes } = outcomeRates(timeline);
      assert.deepEqual(outcomes, ['502', '2xx']);
      assert.equal(rows.length, 2 * (timeline.buckets.length + 1));
      assert.deepEqual(rows.filter((r) => r.t === 3), [
        { t: 3, series: '502', rps: 200, order: 0 },
        { t: 3, series: '2xx', rps: 8, order: 5 },
      ]);
      assert.deepEqual(rows.slice(-2), [
        { t: 9.25, series: '502', rps: 0, order: 0 },
        { t: 9.25, series: '2xx', rps: 12, order: 5 },
      ]);
    });
  });

  describe('causeRates', () => {
    it('stacks the largest cause overall first, ties by name, with rates and a closing point', () => {
      const buckets = [
        bucket(0, { causes: { b_cause: 3, a_cause: 1, zero: 0 } }),
        bucket(500, { causes: { c_cause: 4, b_cause: 1, a_cause: 3 } }),
      ];
      const { rows, causes } = causeRates({ buckets, bucketMs: 500 });
      assert.deepEqual(causes, ['a_cause', 'b_cause', 'c_cause']);
      const at = (t: number, rps: [number, number, number]): { t: number; series: string; rps: number; order: number }[] =>
        causes.map((series, order) => ({ t, series, rps: rps[order] ?? NaN, order }));
      assert.deepEqual(rows, [...at(0, [2, 6, 0]), ...at(0.5, [6, 2, 8]), ...at(1, [6, 2, 8])]);
    });

    it('orders the crash report\'s causes by their totals: refused before closed', () => {
      assert.deepEqual(causeRates(timelineOf(crash)).causes, ['upstream_refused', 'upstream_closed']);
    });

    it('gives no cause and no row when the gateway failed nothing', () => {
      assert.deepEqual(causeRates({ buckets: [bucket(0, { status: { '200': 4 } })], bucketMs: 250 }), { rows: [], causes: [] });
    });
  });

  describe('eventMarks', () => {
    // 10 s on 640 px: 64 px a second.
    const events = [
      event(1000, 'stop-upstream', true, 'fault'),
      event(1003, 'upstream-stopping', false, null),
      event(1500, 'upstream-crashed', false, 'fault'),
      event(3000, 'start-upstream', true, 'recovery'),
      event(3200, 'upstream-restarted', false, 'recovery'),
      event(9000, 'set-dns', true, 'recovery'),
    ];
    const timeline = { events, durationMs: 10_000, buckets: Array.from({ length: 40 }, (_, i) => bucket(i * 250)), bucketMs: 250 };

    it('labels the planned events and the fixtures\' faults and recoveries, and puts labels close together on different rows', () => {
      assert.deepEqual(eventMarks(timeline, 640), [
        { t: 1, label: 'stop-upstream', planned: true, row: 0 },
        { t: 1.003, label: null, planned: false, row: 0 },
        // 1.5 s is 32 px on: the label of stop-upstream (13 characters, ~86 px) is still there.
        { t: 1.5, label: 'upstream-crashed', planned: false, row: 1 },
        // Row 0 is free again from 150 px (2.34 s).
        { t: 3, label: 'start-upstream', planned: true, row: 0 },
        // Row 0 ends at 284 px, row 1 at 200 px: 3.2 s (204.8 px) goes back to row 1.
        { t: 3.2, label: 'upstream-restarted', planned: false, row: 1 },
        { t: 9, label: 'set-dns', planned: true, row: 0 },
      ]);
    });

    it('spreads the same labels over fewer rows on a wider plot', () => {
      assert.deepEqual(eventMarks(timeline, 6400).map((m) => m.row), [0, 0, 0, 0, 0, 0]);
    });

    it('counts the time to the end of the last bucket when the buckets run past the duration', () => {
      const long = { ...timeline, buckets: Array.from({ length: 80 }, (_, i) => bucket(i * 250)) };
      // 20 s on 640 px: 32 px a second, so the labels from 1 s to 3.2 s (32 to 102 px) all overlap.
      assert.deepEqual(eventMarks(long, 640).map((m) => m.row), [0, 0, 1, 2, 3, 0]);
    });

    for (const [name, report, rows] of [
      ['maintenance', maintenance, [0, 0, 0, 0, 0]],
      ['crash', crash, [0, 1, 2, 0, 0, 1]],
    ] as const) {
      it(`keeps the labels of the ${name} report apart on the chart's plot`, () => {
        const t = timelineOf(report);
        const marks = eventMarks(t, PLOT_WIDTH);
        assert.deepEqual(marks.map((m) => m.row), rows);
        assertLabelsApart(marks, PLOT_WIDTH / (Math.max(t.durationMs, t.buckets.length * t.bucketMs) / 1000));
      });
    }

    it('labels in the maintenance report only its two planned events, not the fixture\'s reports of them', () => {
      const labels = eventMarks(timelineOf(maintenance), PLOT_WIDTH).map((m) => m.label);
      assert.deepEqual(labels, ['stop-upstream', null, null, 'start-upstream', null]);
    });
  });
});

describe('timeline chart spec', () => {
  const spec = specOf(maintenance);
  const panels = spec.vconcat ?? [];

  it('is what chartSpec gives for a timeline report', () => {
    assert.deepEqual(chartSpec(maintenance), timelineChartSpec(maintenance, timelineOf(maintenance)));
  });

  it('has two panels over one shared x: time in seconds, from 0 to the end of the last bucket', () => {
    assert.equal(panels.length, 2);
    assert.equal(spec.resolve?.scale?.x, 'shared');
    for (const panel of panels) {
      assert.equal(panel.encoding?.x?.field, 't');
      assert.deepEqual(panel.encoding?.x?.scale?.domain, [0, 9.25]);
    }
    assert.deepEqual(panels.map((p) => p.encoding?.x?.title), [null, 'seconds from the start of the load']);
  });

  it('holds its data inline only: no url anywhere', () => {
    for (const report of [maintenance, crash]) {
      const s = specOf(report);
      assert.ok(!JSON.stringify(s).includes('url'));
      for (const node of nodesOf(s)) if (node.data !== undefined) assert.ok(Array.isArray(node.data.values), JSON.stringify(node.data));
    }
  });

  it('stacks the outcomes with 502 in red, and the causes in the panel below', () => {
    const [top, bottom] = panels.map((p) => nodesOf(p).filter((n) => markType(n) === 'area'));
    const colour = top?.[0]?.encoding?.color?.scale;
    assert.deepEqual(colour?.domain, ['502', '2xx']);
    assert.equal((colour?.range as string[] | undefined)?.[0], RED_502);
    assert.deepEqual(bottom?.[0]?.encoding?.color?.scale?.domain, ['upstream_refused']);
    assert.ok(!(bottom?.[0]?.encoding?.color?.scale?.range as string[]).includes(RED_502), 'a cause must not look like a 502');
  });

  it('shades the failure window in both panels and marks the events: solid for planned, dotted for the fixture\'s, labels for the planned', () => {
    for (const panel of panels) {
      const nodes = nodesOf(panel);
      assert.deepEqual(nodes.find((n) => markType(n) === 'rect')?.data?.values, [{ start: 3.014, end: 6.003 }]);
      const rules = nodes.filter((n) => markType(n) === 'rule');
      assert.deepEqual(rules.map((r) => r.data?.values), [[{ t: 3 }, { t: 6 }], [{ t: 3.003 }, { t: 3.008 }, { t: 6.005 }]]);
      assert.equal(typeof rules[0]?.mark === 'object' ? rules[0].mark.strokeDash : 'no mark', undefined);
      assert.deepEqual(typeof rules[1]?.mark === 'object' ? rules[1].mark.strokeDash : undefined, [2, 2]);
      const labels = nodes.filter((n) => markType(n) === 'text' && n.encoding?.text?.field === 'label');
      assert.deepEqual(labels.map((l) => l.data?.values), [[{ t: 3, label: 'stop-upstream', y: 3 }, { t: 6, label: 'start-upstream', y: 3 }]]);
    }
  });

  it('puts each label row 13 px below the one above', () => {
    const labels = nodesOf(specOf(crash).vconcat?.[0] ?? {}).find((n) => markType(n) === 'text' && n.encoding?.text?.field === 'label');
    assert.deepEqual(labels?.data?.values?.map((v) => v.y), [3, 16, 29, 3, 3, 16]);
  });

  it('says so in the cause panel when the gateway failed nothing, and has no window or rule without them', () => {
    const clean = { ...timelineOf(maintenance), buckets: [bucket(0, { sent: 5, ok: 5, status: { '200': 5 } })], events: [], windows: [], recoveries: [] };
    const s = timelineChartSpec(maintenance, clean) as Node;
    const bottom = nodesOf(s.vconcat?.[1] ?? {});
    assert.ok(bottom.some((n) => n.encoding?.text?.value === 'The gateway failed no request.'));
    assert.ok(!nodesOf(s).some((n) => markType(n) === 'rect' || markType(n) === 'rule'));
  });

  it('titles the chart with the scenario, the load, the buckets and the windows, and notes an interrupted or unjudged run', () => {
    assert.deepEqual(spec.title, {
      text: ['maintenance: requests against time, open model'],
      subtitle: ['A steady 200 req/s for 9.00 s, in 250 ms buckets; 1 failure window (shaded).', "Solid rules: the scenario's events; dotted: what the fixtures reported."],
    });
    const odd = { ...maintenance, interrupted: true };
    const subtitle = (timelineChartSpec(odd, { ...timelineOf(maintenance), windows: [], valid: false, invalidReason: 'generator CPU at 98 %' }).title as { subtitle: string[] }).subtitle.join(' ');
    assert.match(subtitle, /^The run was interrupted: this is what was measured before it stopped\. .*; no failure window\. .* Not judged: generator CPU at 98 %\.$/);
  });
});

describe('timeline chart SVG', function () {
  // Loading Vega and the first render take a second or two.
  this.timeout(30_000);
  const svgs = new Map<string, [string, string]>();

  before(async () => {
    for (const [name, report] of [['maintenance', maintenance], ['crash', crash]] as const) svgs.set(name, [await render(report), await render(report)]);
  });

  for (const [name, labelled, unlabelled] of [
    ['maintenance', ['stop-upstream', 'start-upstream'], ['upstream-stopping', 'upstream-stopped', 'upstream-started']],
    ['crash', ['upstream-crashed', 'upstream-restarted'], []],
  ] as const) {
    describe(name, () => {
      const first = (): string => svgs.get(name)?.[0] ?? '';

      it('is one SVG document ending with a newline, identical on a second render', () => {
        assert.ok(first().startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), first().slice(0, 80));
        assert.ok(first().endsWith('</svg>\n'));
        assert.equal(svgs.get(name)?.[1], first());
      });

      it('names the labelled events, and only them', () => {
        for (const what of labelled) assert.ok(first().includes(`>${what}</text>`), what);
        for (const what of unlabelled) assert.ok(!first().includes(what), what);
      });

      it('has both panels\' titles, the time axis and the 502 red', () => {
        for (const text of ['Requests per second by outcome', 'Gateway failures per second by cause', 'seconds from the start of the load']) assert.ok(first().includes(`>${text}</text>`), text);
        assert.ok(first().includes(RED_502));
      });
    });
  }
});
