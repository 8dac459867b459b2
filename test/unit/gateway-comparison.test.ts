import assert from 'node:assert/strict';
import type { GatewayKind } from '../../harness/config/scenario.ts';
import { gatewayChartRows, gatewaysChartSpec } from '../../harness/report/chart/gateways-spec.ts';
import { compareGateways, type GatewayRun } from '../../harness/report/gateway-comparison.ts';
import { render as renderHtml } from '../../harness/report/render/gateways-html.ts';
import { renderJson, renderMarkdown, renderText } from '../../harness/report/render/gateways-summary.ts';
import type { Report, StepResult } from '../../harness/report/schema.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';

const base = frozenReport('closed-onset');

/** The frozen closed run (onset 21, 1,302 + 801 + 2,051 + 4,807 502s) as if behind `gateway`, with changes. */
function behind(gateway: GatewayKind, change: Partial<Report> = {}, statuses?: (step: StepResult) => Record<string, number>): Report {
  const steps = statuses === undefined ? base.steps : base.steps.map((step) => ({ ...step, status: statuses(step) }));
  return { ...base, gateway: { kind: gateway, profile: gateway === 'node' ? 'nginx' : gateway }, steps, ...change };
}

const run = (gateway: GatewayKind, report: Report | null, error: string | null = null): GatewayRun => ({ gateway, dir: gateway, report, error, seconds: 12.4 });
const onsetAt = (value: number): Report['onset'] => (base.onset === null ? null : { ...base.onset, value, low: value - 1, high: value });

/** 502s of a failing step become 503s: HAProxy's answer for a connection it could not make. */
const as503 = (step: StepResult): Record<string, number> => {
  const { '502': failed, ...rest } = step.status;
  return failed === undefined ? rest : { ...rest, '503': failed };
};

describe('compareGateways: one scenario behind each gateway, side by side', () => {
  it('gives each row its onset against theory and against the first gateway named, and says when they all agree', () => {
    const comparison = compareGateways([run('node', behind('node')), run('nginx', behind('nginx'))]);
    assert.equal(comparison.kind, 'overload-gateway-comparison');
    assert.equal(comparison.reference, 'node');
    assert.deepEqual(
      comparison.rows.map((row) => [row.gateway, row.onset, row.theory, row.offTheory, row.offReference, row.maxGoodputRps]),
      [
        ['node', 21, 21, 0, 0, 396.1],
        ['nginx', 21, 21, 0, 0, 396.1],
      ],
    );
    assert.deepEqual(comparison.rows[0]?.failureStatuses, { '502': 4807 + 2051 + 1302 + 801 });
    assert.deepEqual(comparison.rows[0]?.expectations, { held: 3, total: 3, failed: [] });
    assert.deepEqual(comparison.findings, [
      'Every gateway began to fail at the same load: 21 connections.',
      'The same cause dominated behind every gateway: node upstream_reset (99.9 %), nginx upstream_reset (99.9 %).',
    ]);
  });

  it('gives a later or earlier onset as a share of the reference’s, in words', () => {
    const comparison = compareGateways([run('node', behind('node', { onset: onsetAt(20) })), run('nginx', behind('nginx')), run('haproxy', behind('haproxy', { onset: onsetAt(18) }))]);
    assert.deepEqual(
      comparison.rows.map((row) => row.offReference),
      [0, 0.05, -0.1],
    );
    assert.deepEqual(comparison.findings.slice(0, 2), [
      'nginx began to fail at 21 connections, 5.0 % later than node (20 connections).',
      'haproxy began to fail at 18 connections, 10.0 % earlier than node (20 connections).',
    ]);
  });

  it('names the different statuses and HAProxy’s known ways of logging and answering', () => {
    const haproxy = behind('haproxy', { causes: { upstream_closed: 8961 } }, as503);
    const comparison = compareGateways([run('node', behind('node')), run('haproxy', haproxy)]);
    assert.deepEqual(comparison.rows[1]?.failureStatuses, { '503': 8961 });
    assert.deepEqual(comparison.findings.slice(1), [
      'The gateways answered the same fault with different statuses: node 502; haproxy 503.',
      'The dominant cause differs: node upstream_reset (99.9 %), haproxy upstream_closed (100 %).',
      'HAProxy logs a reset and a clean close of the upstream connection alike (termination state SH: "the server aborted before sending its full headers"), so its upstream_closed is the others’ upstream_reset.',
      'HAProxy answers 503, not 502, when it cannot connect to the upstream (termination state SC) or finds no server up; nginx and the Node fixture answer 502.',
    ]);
  });

  it('counts the requests HAProxy closed without an answer, and says why its log under-counts them', () => {
    // One failing step of HAProxy's: 100 × 502 answered, 687 closed on the client (undici) and 13 lost (autocannon).
    const steps = base.steps.map((step) => (step.offered === 32 ? { ...step, status: { '200': 791, '502': 100 }, errors: { UND_ERR_SOCKET: 687 }, lost: 13 } : { ...step, status: { '200': step.status['200'] ?? 0 } }));
    const comparison = compareGateways([run('node', behind('node')), run('haproxy', { ...behind('haproxy'), steps, causes: { upstream_closed: 100 } })]);
    assert.deepEqual(comparison.rows[1]?.clientErrors, { UND_ERR_SOCKET: 687, lost: 13 });
    assert.ok(
      comparison.findings.includes(
        'HAProxy closed 700 of its 800 failed requests without an answer or a log line (the client saw UND_ERR_SOCKET ×687, lost ×13): a failure on a reused client connection is aborted, not answered with a 502 (http_ana.c, abort_keep_alive), so its log under-counts its failures.',
      ),
      comparison.findings.join('\n'),
    );
    assert.match(renderText(comparison), /^haproxy .* 502 ×100 +700 +upstream_closed/m);
  });

  it('keeps a gateway that could not run as a row with its error, and compares the rest', () => {
    const comparison = compareGateways([run('node', behind('node')), run('nginx', null, 'nginx is not installed')]);
    assert.deepEqual(comparison.rows[1] && [comparison.rows[1].onset, comparison.rows[1].error, comparison.rows[1].offReference], [null, 'nginx is not installed', null]);
    assert.equal(comparison.findings[0], 'nginx did not run: nginx is not installed');
  });

  it('says which gateway found no onset, and lists the expectations that failed behind each', () => {
    const failed = { description: 'onset between 19 and 23 connections', passed: false, actual: 'no onset' };
    const comparison = compareGateways([run('node', behind('node')), run('nginx', behind('nginx', { onset: null, expectations: [failed] }))]);
    assert.ok(comparison.findings.includes('nginx did not reach the failure criterion within the plan.'), comparison.findings.join('\n'));
    assert.ok(comparison.findings.includes('Behind nginx, 1 of 1 expectations failed: onset between 19 and 23 connections (measured no onset).'), comparison.findings.join('\n'));
  });

  it('refuses runs of different scenarios: their onsets mean different things', () => {
    const other = { ...base, scenario: { ...base.scenario, name: 'other' } };
    assert.throws(() => compareGateways([run('node', base), run('nginx', other)]), /runs of other \(closed\) and overload \(closed\)/);
  });
});

describe('the gateway comparison rendered', () => {
  const comparison = compareGateways([run('node', behind('node')), run('haproxy', behind('haproxy', { onset: onsetAt(22), causes: { upstream_closed: 8961 } }, as503))]);

  it('as a text table, columns aligned, then the findings', () => {
    const lines = renderText(comparison).split('\n');
    assert.equal(lines[0], 'overload behind node and haproxy (closed model, onsets in connections)');
    assert.deepEqual(lines.slice(2, 5), [
      'gateway  onset  vs node    theory  max goodput  failure answers  no answer  dominant cause           expectations  time',
      'node     21     reference  21      396 req/s    502 ×8,961       0          upstream_reset (99.9 %)  3 of 3 held   12 s',
      'haproxy  22     +4.8 %     21      396 req/s    503 ×8,961       0          upstream_closed (100 %)  3 of 3 held   12 s',
    ]);
    assert.equal(lines[6], '- haproxy began to fail at 22 connections, 4.8 % later than node (21 connections).');
  });

  it('as Markdown with a link to each gateway’s report', () => {
    const markdown = renderMarkdown(comparison);
    assert.match(markdown, /^# overload behind node and haproxy/);
    assert.match(markdown, /^\| haproxy \| 22 \| \+4\.8 % \| 21 \| 396 req\/s \| 503 ×8,961 \|/m);
    assert.match(markdown, /^- haproxy: \[haproxy\/report\.md\]\(haproxy\/report\.md\)$/m);
  });

  it('as JSON that reads back to the same comparison', () => {
    assert.deepEqual(JSON.parse(renderJson(comparison)), comparison);
  });

  it('as one HTML page: the table, the findings, the chart inline, escaped text, links to each report', () => {
    const html = renderHtml({ ...comparison, findings: ['<b>&</b>'] }, '<svg id="chart"></svg>');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<title>overload: overload behind node, haproxy<\/title>/);
    assert.ok(html.includes('<li>&lt;b&gt;&amp;&lt;/b&gt;</li>'));
    assert.ok(html.includes('<figure><svg id="chart"></svg>'));
    assert.ok(html.includes('<a href="haproxy/report.html">haproxy/report.html</a>'));
  });

  it('as a chart spec with one series per gateway, in the order named, the criterion as a rule', () => {
    const runs = [run('node', behind('node')), run('nginx', behind('nginx'))];
    const rows = gatewayChartRows(runs);
    assert.equal(rows.length, 2 * base.steps.length);
    assert.deepEqual(
      rows.slice(0, 3).map((row) => [row.gateway, row.offered]),
      [
        ['node', 1],
        ['node', 2],
        ['node', 4],
      ],
    );
    const spec = JSON.stringify(gatewaysChartSpec(runs, 'title'));
    assert.match(spec, /"domain":\["node","nginx"\],"range":\["#0072b2","#009e73"\]/);
    assert.match(spec, /"values":\[\{"criterion":0\.01\}\]/);
    assert.match(spec, /"type":"log","base":2/, 'loads from 1 to 32 span ×8: a log₂ axis');
  });
});
