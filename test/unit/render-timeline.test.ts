import assert from 'node:assert/strict';
import { render as renderCsv } from '../../harness/report/render/csv.ts';
import { render as renderHtml } from '../../harness/report/render/html.ts';
import { render as renderJunit } from '../../harness/report/render/junit.ts';
import { render as renderMarkdown } from '../../harness/report/render/markdown.ts';
import { render as renderText } from '../../harness/report/render/text.ts';
import { describeEvent, describeRecovery, describeTimelinePlan, perSecond, topCauseText } from '../../harness/report/render/timeline-shared.ts';
import type { Report, TimelineBucket, TimelineEventRecord, TimelineResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const maintenance = fixture('timeline-maintenance');
const crash = fixture('timeline-crash');

/** A chart as the HTML renderer receives one; its content does not matter here. */
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>';

/** A bucket with no traffic unless given. */
function bucket(t: number, changes: Partial<TimelineBucket> = {}): TimelineBucket {
  return { t, sent: 0, ok: 0, failures: 0, firstFailureAt: null, lastFailureAt: null, status: {}, errors: {}, causes: {}, ...changes };
}

function event(t: number, what: string, planned: boolean, effect: TimelineEventRecord['effect'] = null): TimelineEventRecord {
  return { t, what, detail: `${what} detail`, planned, effect };
}

/**
 * Five 500 ms buckets over 3.5 s with a gap (nothing from 2 s to 3 s), 502s, a 504, client errors
 * and two causes, and events inside and outside the seconds that have buckets.
 */
const BUCKETS: TimelineBucket[] = [
  bucket(0, { sent: 10, ok: 10, status: { '200': 10 } }),
  bucket(500, { sent: 10, ok: 6, failures: 4, firstFailureAt: 610, lastFailureAt: 990, status: { '200': 6, '502': 3 }, errors: { lost: 1 }, causes: { upstream_refused: 3 } }),
  bucket(1000, { sent: 10, ok: 2, failures: 8, firstFailureAt: 1001, lastFailureAt: 1400, status: { '200': 2, '502': 6, '504': 1 }, errors: { ECONNRESET: 1 }, causes: { upstream_refused: 5, upstream_timeout: 1 } }),
  bucket(1500, { sent: 10, ok: 10, status: { '200': 10 } }),
  bucket(3000, { sent: 5, ok: 5, status: { '200': 5 } }),
];
const EVENTS: TimelineEventRecord[] = [
  event(500, 'stop-upstream', true, 'fault'),
  event(999, 'upstream-stopped', false),
  event(1000, 'start-upstream', true, 'recovery'),
  event(2000, 'in-the-gap', false),
  event(3000, 'set-dns', true, 'recovery'),
];

/** The maintenance report with its timeline changed. */
function withTimeline(changes: Partial<TimelineResult>, report: Report = maintenance): Report {
  const timeline = report.timeline;
  assert.ok(timeline !== undefined, 'the frozen report has no timeline');
  return { ...structuredClone(report), timeline: { ...structuredClone(timeline), ...changes } };
}

describe('timeline renderers: shared pieces', () => {
  it('perSecond adds up the buckets of each second, with the events of that second, and leaves out seconds without a bucket', () => {
    assert.deepEqual(perSecond({ buckets: BUCKETS, events: EVENTS }), [
      {
        t: 0,
        sent: 20,
        ok: 16,
        failures: 4,
        status: { '200': 16, '502': 3 },
        errors: { lost: 1 },
        causes: { upstream_refused: 3 },
        events: [EVENTS[0], EVENTS[1]],
      },
      {
        t: 1000,
        sent: 20,
        ok: 12,
        failures: 8,
        status: { '200': 12, '502': 6, '504': 1 },
        errors: { ECONNRESET: 1 },
        causes: { upstream_refused: 5, upstream_timeout: 1 },
        events: [EVENTS[2]],
      },
      { t: 3000, sent: 5, ok: 5, failures: 0, status: { '200': 5 }, errors: {}, causes: {}, events: [EVENTS[4]] },
    ]);
  });

  it('perSecond of the maintenance report has one row per second and keeps every request', () => {
    const rows = perSecond(maintenance.timeline ?? { buckets: [], events: [] });
    assert.deepEqual(rows.map((r) => r.t), [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
    assert.deepEqual(rows.map((r) => r.failures), [0, 0, 0, 200, 200, 200, 1, 0, 0, 0]);
    assert.equal(rows.reduce((sum, r) => sum + r.sent, 0), maintenance.timeline?.totals.sent);
    assert.deepEqual(rows[3]?.events.map((e) => e.what), ['stop-upstream', 'upstream-stopping', 'upstream-stopped']);
  });

  it('perSecond of no bucket is no row', () => {
    assert.deepEqual(perSecond({ buckets: [], events: EVENTS }), []);
  });

  for (const [name, input, expected] of [
    ['a planned event', event(3000, 'stop-upstream', true, 'fault'), '3.00 s stop-upstream: stop-upstream detail'],
    ['an event a fixture reported', event(3250, 'upstream-crashed', false, 'fault'), '3.25 s upstream-crashed (reported by the fixture): upstream-crashed detail'],
  ] as const) {
    it(`describeEvent words ${name}`, () => {
      assert.equal(describeEvent(input), expected);
    });
  }

  for (const [input, expected] of [
    [{}, '—'],
    [{ upstream_refused: 0 }, '—'],
    [{ upstream_refused: 50, upstream_closed: 1_200 }, 'upstream_closed ×1,200'],
    [{ b: 3, a: 3 }, 'a ×3'],
  ] as const) {
    it(`topCauseText of ${JSON.stringify(input)} is ${expected}`, () => {
      assert.equal(topCauseText(input), expected);
    });
  }

  for (const [recoveredAfterMs, expected] of [
    [1548, 'last failure 1,548 ms after set-dns at 4.50 s'],
    [3, 'last failure 3 ms after set-dns at 4.50 s'],
    [0, 'no failure after set-dns at 4.50 s'],
    [null, 'still failing after set-dns at 4.50 s'],
  ] as const) {
    it(`describeRecovery words a recovery after ${String(recoveredAfterMs)} ms`, () => {
      assert.equal(describeRecovery({ what: 'set-dns', t: 4500, recoveredAfterMs }), expected);
    });
  }

  it('describeTimelinePlan gives the load, the duration, the buckets and the number of scheduled events', () => {
    assert.equal(describeTimelinePlan(maintenance), 'a steady 200 req/s for 9.00 s in 250 ms buckets, 2 scheduled events');
    const one = structuredClone(maintenance);
    one.scenario.parameters.timeline.events = [{ atMs: 1000, action: 'stop-upstream' }];
    assert.equal(describeTimelinePlan(one), 'a steady 200 req/s for 9.00 s in 250 ms buckets, 1 scheduled event');
    one.scenario.parameters.timeline.events = [];
    assert.equal(describeTimelinePlan(one), 'a steady 200 req/s for 9.00 s in 250 ms buckets, no scheduled event');
  });
});

describe('timeline renderers: text', () => {
  const text = renderText(maintenance, { color: false, width: 100 });
  const lines = text.split('\n');

  it('names the scenario, the model, the plan, the duration and the load on its first line', () => {
    assert.equal(lines[0], 'overload: maintenance (open model, timeline, 9.00 s at 200 req/s)');
  });

  it('gives the verdict numbers, the window, the recovery, the cause, the events and the expectations, in that order', () => {
    const start = lines.indexOf('  failed    601 of 1,800 requests (33.4 %)');
    assert.ok(start > 0, text);
    assert.deepEqual(lines.slice(start, start + 13), [
      '  failed    601 of 1,800 requests (33.4 %)',
      '  windows   3.01 s–6.00 s (601)',
      '  recovery  last failure 3 ms after start-upstream at 6.00 s',
      '  cause     upstream_refused, 601 of 601 failures (100 %)',
      '  event     3.00 s stop-upstream: maintenance: the upstream stops taking connections and finishes',
      '            what it holds',
      '  event     3.00 s upstream-stopping (reported by the fixture): 2 requests still in flight',
      '  event     3.01 s upstream-stopped (reported by the fixture): no request left; connections are',
      '            refused',
      '  event     6.00 s start-upstream: the upstream starts again on its port',
      '  event     6.01 s upstream-started (reported by the fixture): listening again on port 41287',
      '  expect    4 of 4 held',
      '',
    ]);
  });

  it('draws the failures per second against time: 208/s from 3 s to 6 s, none before or after', () => {
    const start = lines.indexOf('Failures per second (250 ms buckets) against time');
    assert.ok(start > 0, text);
    assert.deepEqual(lines.slice(start, start + 9), [
      'Failures per second (250 ms buckets) against time',
      '208 |                       .-----------------------.',
      '173 |                       |                       |',
      '139 |                       |                       |',
      '104 |                       |                       |',
      ' 69 |                       |                       |',
      ' 35 |                       |                       |',
      '  0 |-----------------------\'                       \'--------------------------',
      '     0s      1s      2s      3s      4s      5s      6s      7s      8s      9s',
    ]);
  });

  it('draws the goodput against time on the same scale, with a label under every whole second', () => {
    const start = lines.indexOf('Goodput (2xx per second) against time');
    assert.ok(start > 0, text);
    assert.equal(lines[start + 1], '208 | .---------------------.                         .---------------------.');
    assert.equal(lines[start + 8], '     0s      1s      2s      3s      4s      5s      6s      7s      8s      9s');
    assert.equal(lines[start + 9], '');
    assert.equal(lines.length, start + 10, 'the goodput chart is the last thing printed');
  });

  for (const [name, report] of [['maintenance', maintenance], ['crash', crash]] as const) {
    it(`without color, the ${name} summary has no ANSI code and no line wider than 100 columns`, () => {
      const out = renderText(report, { color: false, width: 100 });
      assert.ok(!out.includes('\x1b'), 'found an escape character');
      for (const line of out.split('\n')) assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
      assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'));
    });
  }

  it('charts a long timeline within the width, several buckets to a column', () => {
    // 60 s in 250 ms buckets: 241 values, far more than 100 columns hold at two columns each.
    const buckets = Array.from({ length: 241 }, (_, i) => bucket(i * 250, { sent: 50, ok: i >= 120 && i < 140 ? 0 : 50, failures: i >= 120 && i < 140 ? 50 : 0 }));
    const out = renderText(withTimeline({ durationMs: 60_000, buckets }), { color: false, width: 100 });
    assert.ok(out.includes('\nFailures per second (250 ms buckets, 6 to a column) against time\n'), out);
    for (const line of out.split('\n')) assert.ok(line.length <= 100, `${line.length} columns: ${line}`);
    assert.match(out, /^ {5}0s {2}3s {2}6s .* 57s 60s$/m);
  });

  it('with color, paints the failed count and the expectations (so the check above can fail)', () => {
    const out = renderText(maintenance, { color: true, width: 100 });
    assert.ok(out.includes('\x1b[1m601\x1b[0m of 1,800 requests'));
    assert.ok(out.includes('\x1b[32m4 of 4 held\x1b[0m'));
  });

  it('lists a recovery per fault that ended, and every window', () => {
    const out = renderText(crash, { color: false, width: 100 });
    assert.ok(out.includes('  windows   0.95 s–1.95 s (142), 2.66 s–3.64 s (182), 6.45 s–7.42 s (155)\n'));
    assert.equal(out.match(/^ {2}recovery {2}no failure after upstream-restarted at \d\.\d\d s$/gm)?.length, 3);
  });

  it('says so when no bucket failed, when no request was sent and when no timeline was measured', () => {
    const clean = withTimeline({ buckets: BUCKETS.map((b) => ({ ...b, failures: 0 })), windows: [], recoveries: [] });
    assert.ok(renderText(clean, { color: false, width: 100 }).includes('\nFailures per second (250 ms buckets) against time\n0 in every bucket\n'));
    assert.ok(renderText(withTimeline({ buckets: [] }), { color: false, width: 100 }).endsWith('\n\nNo request was sent.\n'));
    const none = structuredClone(maintenance);
    delete none.timeline;
    assert.ok(renderText(none, { color: false, width: 100 }).endsWith('No timeline was measured.\n'));
  });

  it('says why a timeline was not judged, and lists a failed expectation', () => {
    const report = withTimeline({ valid: false, invalidReason: 'generator CPU at 98 %' });
    report.expectations = [...report.expectations, { description: 'exactly 2 failure windows', passed: false, actual: '1: 3.01 s–6.00 s' }];
    const out = renderText(report, { color: false, width: 100 });
    assert.ok(out.includes('\n  invalid   generator CPU at 98 %\n'));
    assert.ok(out.includes('\n  expect    4 of 5 held\n            FAILED exactly 2 failure windows: 1: 3.01 s–6.00 s\n'));
  });
});

describe('timeline renderers: markdown', () => {
  const md = renderMarkdown(maintenance);

  it('has the timeline sections in place of the steps: verdict, timeline, causes, expectations, parameters, environment', () => {
    const headings = md.split('\n').filter((line) => line.startsWith('## '));
    assert.deepEqual(headings, ['## Verdict', '## Timeline', '## Causes', '## Expectations', '## Scenario parameters', '## Environment']);
  });

  it('gives the failed requests, the window and the recovery in the verdict table', () => {
    assert.ok(
      md.includes(
        [
          '| | measured |',
          '|:--|:--|',
          '| requests failed | **601** of 1,800 (33.4 %) |',
          '| failure windows | 3.01 s–6.00 s: 601 (upstream_refused) |',
          '| recovery | last failure 3 ms after start-upstream at 6.00 s |',
        ].join('\n'),
      ),
    );
  });

  it('lists the events in order, the fixture\'s marked as reported', () => {
    assert.ok(
      md.includes(
        [
          '- 3.00 s stop-upstream: maintenance: the upstream stops taking connections and finishes what it holds',
          '- 3.00 s upstream-stopping (reported by the fixture): 2 requests still in flight',
          '- 3.01 s upstream-stopped (reported by the fixture): no request left; connections are refused',
          '- 6.00 s start-upstream: the upstream starts again on its port',
          '- 6.01 s upstream-started (reported by the fixture): listening again on port 41287',
        ].join('\n'),
      ),
    );
  });

  it('has a row per second, failures in bold, the top cause and the events of the second', () => {
    const table = md.slice(md.indexOf('| second from |'), md.indexOf('## Causes')).trim().split('\n');
    assert.deepEqual(table, [
      '| second from | sent | 2xx | failures | statuses | top cause | events |',
      '|--:|--:|--:|--:|:--|:--|:--|',
      '| 0.00 s | 199 | 197 | 0 | 200: 197 | — |  |',
      '| 1.00 s | 200 | 200 | 0 | 200: 200 | — |  |',
      '| 2.00 s | 200 | 200 | 0 | 200: 200 | — |  |',
      '| 3.00 s | 200 | 2 | **200** | 200: 2, 502: 200 | upstream_refused ×192 | stop-upstream, upstream-stopping, upstream-stopped |',
      '| 4.00 s | 200 | 0 | **200** | 502: 200 | upstream_refused ×202 |  |',
      '| 5.00 s | 200 | 0 | **200** | 502: 200 | upstream_refused ×201 |  |',
      '| 6.00 s | 201 | 198 | **1** | 200: 198, 502: 1 | upstream_refused ×6 | start-upstream, upstream-started |',
      '| 7.00 s | 200 | 198 | 0 | 200: 198 | — |  |',
      '| 8.00 s | 199 | 201 | 0 | 200: 201 | — |  |',
      '| 9.00 s | 1 | 3 | 0 | 200: 3 | — |  |',
    ]);
  });

  it('gives statuses in numeric order then client errors, and escapes a pipe in an event name', () => {
    const report = withTimeline({ buckets: BUCKETS, events: [event(1000, 'set|dns', true, 'recovery')] });
    const out = renderMarkdown(report);
    assert.ok(out.includes('| 1.00 s | 20 | 12 | **8** | 200: 12, 502: 6, 504: 1, ECONNRESET: 1 | upstream_refused ×5 | set\\|dns |'));
    assert.ok(out.includes('- 1.00 s set\\|dns: set\\|dns detail'));
  });

  it('names the timeline plan in the parameters, judges buckets, and gives the load no step', () => {
    const parameters = md.slice(md.indexOf('## Scenario parameters'), md.indexOf('## Environment')).trim().split('\n');
    assert.deepEqual(parameters, [
      '## Scenario parameters',
      '',
      '- model: open (uniform arrivals); timeline: a steady 200 req/s for 9.00 s in 250 ms buckets, 2 scheduled events; seed 1',
      '- upstream: C = 8 workers, S = 10 ms (fixed), Q = 32, shed: reset, keep-alive 5,000 ms',
      '- gateway: node, nginx profile, pool 512, queueLimit 1,024, retries 0, connect timeout 1,000 ms, upstream timeout 5,000 ms',
      '- load: GET /, client timeout 10,000 ms',
      '- criterion: a bucket fails when at least 1 % of its requests fail (502, client errors, lost)',
      '- caps: 1,024 connections, 50,000 req/s, 600 s, 5,000,000 requests',
    ]);
  });

  it('lists the faults the upstream has switched on, the name the gateway resolves and the bursts of the load', () => {
    const report = structuredClone(maintenance);
    const p = report.scenario.parameters;
    Object.assign(p.upstream, { connectionLimit: 40, invalidEvery: 7, work: 'cpu', connection: 'close', acceptRate: 50, crashAboveInFlight: 20, restartDelayMs: 1500, finDelayMs: 300 });
    Object.assign(p.gateway, { upstreamName: 'api.test', dnsTtlMs: 2000 });
    p.load.burst = 4;
    const out = renderMarkdown(report);
    assert.ok(
      out.includes(
        '\n- upstream: C = 8 workers, S = 10 ms (fixed), Q = 32, shed: reset, keep-alive 5,000 ms; at most 40 connections; every 7th response malformed; CPU-bound work; ' +
          'Connection: close; a firewall at 50 new connections/s; crashes above 20 in flight, restarts after 1,500 ms; its FIN delayed 300 ms on the way to the gateway\n',
      ),
      out,
    );
    assert.ok(out.includes('\n- gateway: node, nginx profile, pool 512, queueLimit 1,024, retries 0, connect timeout 1,000 ms, upstream timeout 5,000 ms, resolves api.test (TTL 2,000 ms)\n'), out);
    assert.ok(out.includes('\n- load: GET /, in bursts of 4, client timeout 10,000 ms\n'), out);
  });

  it('lists every window of the crash report with its dominant cause', () => {
    assert.ok(renderMarkdown(crash).includes('| failure windows | 0.95 s–1.95 s: 142 (upstream_refused); 2.66 s–3.64 s: 182 (upstream_refused); 6.45 s–7.42 s: 155 (upstream_refused) |'));
  });

  it('warns of an interrupted timeline without counting steps', () => {
    assert.ok(renderMarkdown({ ...maintenance, interrupted: true }).includes('> [!WARNING]\n> The run was interrupted: this report holds what was measured before it stopped.\n'));
  });
});

describe('timeline renderers: html', () => {
  const html = renderHtml(maintenance, SVG);

  it('is one complete page with the timeline sections in reading order and no steps or onset', () => {
    assert.ok(html.startsWith('<!doctype html>\n<html lang="en">'));
    assert.ok(html.endsWith('</html>\n'));
    assert.equal(html.match(/<html\b/g)?.length, 1);
    const marks = ['data-testid="verdict"', 'data-testid="chart"', 'id="explanation"', 'id="timeline-summary"', 'id="timeline"', 'id="causes"', 'id="expectations"', 'id="parameters"', 'id="environment"', '<footer>'];
    const positions = marks.map((mark) => html.indexOf(mark));
    assert.ok(positions.every((p) => p >= 0), `missing: ${marks.filter((_, i) => positions[i] === -1).join(', ')}`);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
    for (const id of ['timeline-summary', 'timeline']) assert.equal(html.split(`<section id="${id}">`).length, 2, id);
    assert.ok(!html.includes('id="steps"') && !html.includes('id="onset"'));
  });

  it('names the plan and the duration above the verdict, and captions the chart as a timeline', () => {
    assert.ok(html.includes('<p class="eyebrow">overload report · maintenance · open model, timeline, 9.00 s</p>'));
    assert.ok(html.includes('<figcaption>Requests and failures per second against time, with the events marked; the numbers are in the table below.</figcaption>'));
  });

  it('gives the failed requests, each window and each recovery', () => {
    assert.ok(html.includes('<tr><td>requests failed</td><td><strong>601</strong> of 1,800 (33.4 %)</td></tr>'));
    assert.ok(html.includes('<tr class="fail"><td>failure window</td><td>3.01 s–6.00 s: 601 failed, mostly <code>upstream_refused</code></td></tr>'));
    assert.ok(html.includes('<tr><td>recovery</td><td>last failure 3 ms after start-upstream at 6.00 s</td></tr>'));
    assert.equal(renderHtml(crash, SVG).match(/<tr class="fail"><td>failure window<\/td>/g)?.length, 3);
  });

  it('has a row per second, the failing ones marked', () => {
    const table = /<table class="steps">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr(?: class="([^"]*)")?><td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[2], m[1] ?? '']);
    assert.deepEqual(rows, [
      ['0.00 s', ''], ['1.00 s', ''], ['2.00 s', ''], ['3.00 s', 'fail'], ['4.00 s', 'fail'],
      ['5.00 s', 'fail'], ['6.00 s', 'fail'], ['7.00 s', ''], ['8.00 s', ''], ['9.00 s', ''],
    ]);
    assert.ok(table.includes('<td class="num"><strong>200</strong></td><td>200: 2, 502: 200</td><td>upstream_refused ×192</td><td>stop-upstream, upstream-stopping, upstream-stopped</td></tr>'));
  });

  it('lists the events', () => {
    assert.ok(html.includes('<li>6.01 s upstream-started (reported by the fixture): listening again on port 41287</li>'));
  });

  it('escapes every string taken from the report: description, name, events, windows, recoveries, statuses, causes, reasons', () => {
    const evil = '<script>alert("x")</script>';
    const report = withTimeline({
      buckets: [bucket(0, { sent: 2, failures: 2, status: { '<s1>': 1 }, errors: { '<e1>': 1 }, causes: { '<c1>': 2 } })],
      events: [{ t: 0, what: '<w1>', detail: '<d1> & "q"', planned: false, effect: 'fault' }],
      windows: [{ start: 0, end: 100, failures: 2, dominantCause: '<c2>' }],
      recoveries: [{ what: '<r1>', t: 50, recoveredAfterMs: 0 }],
      valid: false,
      invalidReason: '<i1>',
    });
    report.scenario.description = evil;
    report.scenario.parameters.description = evil;
    report.scenario.name = 'a<b>';
    report.causes = { '<c3>': 2 };
    report.explanation = ['<x1> `<x2>`'];
    report.expectations = [{ description: '<x3>', passed: false, actual: '<x4>' }];
    const out = renderHtml(report, SVG);
    assert.doesNotMatch(out, /<script/i);
    assert.ok(out.includes('<p class="description">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>'));
    // Every injected tag must appear only escaped: none of them survives as markup.
    for (const tag of ['b', 's1', 'e1', 'c1', 'w1', 'd1', 'c2', 'r1', 'i1', 'c3', 'x1', 'x2', 'x3', 'x4']) {
      assert.ok(!out.includes(`<${tag}>`), `<${tag}> is not escaped`);
      assert.ok(out.includes(`&lt;${tag}&gt;`), `&lt;${tag}&gt; is missing`);
    }
    assert.ok(out.includes('<li>0.00 s &lt;w1&gt; (reported by the fixture): &lt;d1&gt; &amp; &quot;q&quot;</li>'));
  });

  it('says so when the timeline run was interrupted', () => {
    assert.ok(renderHtml({ ...maintenance, interrupted: true }, SVG).includes('<p class="banner" role="alert">The run was interrupted: this report holds what was measured before it stopped.</p>'));
  });
});

describe('timeline renderers: csv', () => {
  it('gives a hand-built timeline one CRLF-ended row per bucket, with status, error and cause columns', () => {
    const csv = renderCsv(withTimeline({ buckets: BUCKETS }));
    assert.equal(
      csv,
      [
        't,sent,ok,failures,firstFailureAt,lastFailureAt,status_200,status_502,status_504,error_ECONNRESET,error_lost,cause_upstream_refused,cause_upstream_timeout',
        '0,10,10,0,,,10,0,0,0,0,0,0',
        '500,10,6,4,610,990,6,3,0,0,1,3,0',
        '1000,10,2,8,1001,1400,2,6,1,1,0,5,1',
        '1500,10,10,0,,,10,0,0,0,0,0,0',
        '3000,5,5,0,,,5,0,0,0,0,0,0',
        '',
      ].join('\r\n'),
    );
  });

  it('gives the maintenance report its bucket header and one row per bucket', () => {
    const csv = renderCsv(maintenance);
    assert.ok(csv.endsWith('\r\n'));
    const lines = csv.slice(0, -2).split('\r\n');
    assert.equal(lines[0], 't,sent,ok,failures,firstFailureAt,lastFailureAt,status_200,status_502,cause_upstream_refused');
    assert.equal(lines.length, 1 + (maintenance.timeline?.buckets.length ?? 0));
    assert.ok(lines.every((line) => !line.includes('\n') && !line.includes('\r')));
    assert.equal(lines[13], '3000,51,2,50,3014,3247,2,50,49');
    assert.equal(lines.at(-1), '9000,1,3,0,,,3,0,0');
  });

  it('quotes a key with a comma, and gives a timeline without buckets its fixed header alone', () => {
    const quoted = renderCsv(withTimeline({ buckets: [bucket(0, { sent: 1, failures: 1, errors: { 'a,"b"': 1 } })] }));
    assert.equal(quoted, 't,sent,ok,failures,firstFailureAt,lastFailureAt,"error_a,""b"""\r\n0,1,0,1,,,1\r\n');
    assert.equal(renderCsv(withTimeline({ buckets: [] })), 't,sent,ok,failures,firstFailureAt,lastFailureAt\r\n');
  });
});

describe('timeline renderers: junit', () => {
  it('has one case per expectation and the duration of the timeline as its time', () => {
    const xml = renderJunit(maintenance);
    assert.ok(xml.includes('<testsuites name="overload" tests="4" failures="0" errors="0" skipped="0" time="9.000">'));
    assert.ok(xml.includes('<testsuite name="maintenance" tests="4" failures="0" errors="0" skipped="0" time="9.000" timestamp="2026-11-26T01:15:12">'));
    const names = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="([^"]*)">/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(
      names,
      maintenance.expectations.map((e) => ['overload.maintenance.expect', e.description, '0.000']),
    );
    assert.ok(renderJunit(crash).includes('tests="2" failures="0" errors="0" skipped="0" time="12.000"'));
  });

  it('fails the case of a failed expectation', () => {
    const report = structuredClone(maintenance);
    report.expectations = [{ description: 'exactly 2 failure windows', passed: false, actual: '1: 3.01 s–6.00 s' }];
    assert.ok(renderJunit(report).includes('<failure message="exactly 2 failure windows: measured 1: 3.01 s–6.00 s" type="expectation">measured: 1: 3.01 s–6.00 s</failure>'));
  });

  it('has a passing "run completed" case lasting the timeline when there is no expectation', () => {
    const xml = renderJunit({ ...maintenance, expectations: [] });
    assert.ok(xml.includes('<testcase classname="overload.maintenance" name="run completed" time="9.000">\n      <system-out>The timeline was measured.</system-out>'));
  });

  it('fails "run completed" when the timeline was interrupted, whatever the expectations say', () => {
    const xml = renderJunit({ ...maintenance, interrupted: true });
    assert.ok(xml.includes('tests="5" failures="1"'));
    assert.ok(xml.includes('<failure message="The run was interrupted; the report holds what was measured before it stopped." type="interrupted">'));
  });
});
