import assert from 'node:assert/strict';
import { render } from '../../harness/report/render/html.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');
const noOnset503 = fixture('no-onset-503');

/** A chart as vega writes one: an XML declaration and the SVG namespaces. */
const SVG =
  '<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" height="200"><g class="mark-line"><path d="M0,0L10,10"/></g></svg>';
const SVG_BODY = SVG.slice(SVG.indexOf('<svg'));

/** The document with the SVG namespace declarations taken out: what is left must load nothing. */
function withoutNamespaces(html: string): string {
  return html.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
}

/** The rows of the steps table, each as its class and its first cell (the run order). */
function stepRows(html: string): { cls: string; order: string }[] {
  const table = /<table class="steps">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr(?: class="([^"]*)")?><td[^>]*>([^<]*)<\/td>/g)].map((m) => ({ cls: m[1] ?? '', order: m[2] ?? '' }));
}

describe('the html renderer', () => {
  const html = render(closedOnset, SVG);

  it('is one complete document that starts with the doctype', () => {
    assert.ok(html.startsWith('<!doctype html>\n<html lang="en">'));
    assert.ok(html.endsWith('</html>\n'));
    assert.equal(html.match(/<html\b/g)?.length, 1);
    assert.equal(html.match(/<body>/g)?.length, 1);
  });

  it('leads with the verdict sentence', () => {
    assert.match(html, /<h1 data-testid="verdict">The gateway began returning 502s at 21 connections \(theory: 21\); 99\.9 % of them were upstream resets\.<\/h1>/);
  });

  it('embeds the chart it is given inline in a figure, without its XML declaration', () => {
    assert.ok(html.includes(`<figure data-testid="chart">\n${SVG_BODY}\n`));
    assert.ok(!html.includes('<?xml'));
  });

  it('shows a note in place of an empty chart', () => {
    assert.match(render(closedOnset, ''), /<figure data-testid="chart">\n<p class="muted">No chart was rendered\.<\/p>/);
  });

  it('references nothing outside itself but the SVG namespaces', () => {
    const rest = withoutNamespaces(html);
    assert.ok(!rest.includes('http://'), 'http://');
    assert.ok(!rest.includes('https://'), 'https://');
    assert.ok(!rest.includes('//'), '//');
    assert.doesNotMatch(rest, /\s(src|href|srcset|action|poster|data)=/i);
    assert.doesNotMatch(rest, /url\(|@import|<script|<link|<iframe|<object|<embed/i);
  });

  it('tells the browser to load nothing and to send no referrer', () => {
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:;`));
    assert.ok(html.includes('<meta name="referrer" content="no-referrer">'));
  });

  it('follows the light or dark scheme and has a print style', () => {
    assert.ok(html.includes('@media (prefers-color-scheme: dark)'));
    assert.ok(html.includes('@media print'));
  });

  it('escapes the scenario description wherever it appears', () => {
    const description = '<script>alert("x")</script> & \'co\'';
    const report = structuredClone(closedOnset);
    report.scenario.description = description;
    report.scenario.parameters.description = description;
    report.scenario.name = 'a<b>';
    const out = render(report, SVG);
    assert.doesNotMatch(out, /<script/i);
    assert.ok(out.includes('<p class="description">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>'));
    assert.ok(out.includes('<title>overload: a&lt;b&gt;</title>'));
    assert.ok(!out.includes('a<b>'));
  });

  it('puts the sections in reading order', () => {
    const marks = ['data-testid="verdict"', 'data-testid="chart"', 'id="explanation"', 'id="onset"', 'id="steps"', 'id="causes"', 'id="expectations"', 'id="parameters"', 'id="environment"', '<footer>'];
    const positions = marks.map((mark) => html.indexOf(mark));
    assert.ok(positions.every((p) => p >= 0), `missing: ${marks.filter((_, i) => positions[i] === -1).join(', ')}`);
    assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  });

  it('sorts the steps by offered load and marks the failing ones', () => {
    const rows = stepRows(html);
    assert.deepEqual(rows.map((r) => r.order), ['1', '2', '3', '4', '5', '8', '10', '9', '7', '6']);
    assert.deepEqual(rows.map((r) => r.cls), ['', '', '', '', '', '', 'fail', 'fail', 'fail', 'fail']);
    assert.ok(html.includes('<strong>50.3 %</strong>'));
    assert.ok(html.includes('21 <span class="tag">onset</span>'));
  });

  it('marks an invalid step and gives its reason', () => {
    const report = structuredClone(closedOnset);
    const step = report.steps[0];
    assert.ok(step !== undefined);
    step.valid = false;
    step.invalidReason = 'generator CPU at 98 % <busy>';
    const rows = stepRows(render(report, SVG));
    assert.equal(rows[0]?.cls, 'invalid');
    assert.ok(render(report, SVG).includes('✗ generator CPU at 98 % &lt;busy&gt;'));
  });

  it('has a predicted column only where the theory predicted something', () => {
    assert.ok(html.includes('<th class="num">predicted</th>'));
    const report = structuredClone(closedOnset);
    for (const step of report.steps) step.predictedFailureRatio = null;
    assert.ok(!render(report, SVG).includes('predicted</th>'));
  });

  it('sets the measured onset beside the theory', () => {
    assert.ok(html.includes('<tr><td>onset</td><td><strong>21 connections</strong> (20 passed, 21 failed)</td><td>21 connections</td></tr>'));
  });

  it('lists the causes with their counts and shares', () => {
    assert.ok(html.includes('<td><code>upstream_reset</code></td><td>upstream resets</td><td class="num">8,952</td><td class="num">99.9 %'));
    assert.ok(html.includes('<td><code>upstream_closed</code></td><td>connections closed before the response header</td><td class="num">9</td>'));
  });

  it('marks each expectation as passed or failed', () => {
    const report = structuredClone(closedOnset);
    report.expectations.push({ description: 'onset between 30 and 40 connections', passed: false, actual: '21 connections' });
    const out = render(report, SVG);
    assert.equal(out.match(/<li class="pass">/g)?.length, 3);
    assert.ok(out.includes('<li class="fail"><span class="mark" aria-label="failed">✗</span> onset between 30 and 40 connections: <span class="actual">21 connections</span></li>'));
    assert.ok(out.includes('3 of 4 held.'));
  });

  it('shows trials only with --repeat', () => {
    assert.ok(!html.includes('id="trials"'));
    const report = structuredClone(closedOnset);
    report.trials = [0, 1, 2].map((index) => ({ index, seed: index + 1, onset: closedOnset.onset, steps: closedOnset.steps }));
    report.onsetSpread = { min: 21, max: 21, trials: 3 };
    const out = render(report, SVG);
    assert.ok(out.indexOf('id="expectations"') < out.indexOf('id="trials"'));
    assert.ok(out.indexOf('id="trials"') < out.indexOf('id="parameters"'));
    assert.equal(out.match(/<tr><td class="num">\d<\/td><td class="num">\d<\/td><td class="num">21 connections<\/td>/g)?.length, 3);
  });

  it('gives the resolved parameters, the environment, the version and the time', () => {
    assert.ok(html.includes('&quot;upstreamTimeoutMs&quot;: 5000'));
    assert.ok(html.includes('<dt>CPU</dt><dd>8 × AMD EPYC 7B13</dd>'));
    assert.ok(html.includes('<footer>overload 0.1.0, report schema 1, created <time datetime="2026-11-25T20:30:01.123Z">2026-11-25T20:30:01.123Z</time></footer>'));
  });

  it('says so when the run was interrupted', () => {
    assert.ok(!html.includes('role="alert"'));
    assert.ok(render({ ...closedOnset, interrupted: true }, SVG).includes('<p class="banner" role="alert">The run was interrupted: this report holds the 10 steps measured before it stopped.</p>'));
  });

  it('renders the frozen open-model and --repeat reports with their own columns and sections', () => {
    const open = render(fixture('open-onset'), SVG);
    assert.ok(open.includes('<h1 data-testid="verdict">The gateway began returning 502s at 410 req/s (theory: 404 req/s); all of them were upstream resets.</h1>'));
    assert.ok(open.includes('<th class="num">req/s</th>'));
    assert.ok(open.includes('<th class="num">p99 from intended</th>'));
    const trials = render(fixture('closed-trials'), SVG);
    assert.ok(trials.includes('<section id="trials">'));
    assert.ok(trials.includes('Steps of the first trial, sorted by offered load'));
  });

  it('renders a report without an onset, and one without steps', () => {
    const none = render(noOnset503, SVG);
    assert.ok(none.includes('<h1 data-testid="verdict">No 502 up to 64 connections: the upstream answered 503 itself 16,525 times from 32 connections on.</h1>'));
    assert.ok(none.includes('The gateway reported no failures.'));
    const empty = render({ ...structuredClone(noOnset503), steps: [], explanation: ['No step was measured.'] }, '');
    assert.ok(empty.includes('<h1 data-testid="verdict">No step was measured.</h1>'));
    assert.ok(empty.includes('<section id="steps">\n<h2>Steps</h2>\n<p>No step was measured.</p>'));
  });
});

describe('HTML renderer, --target runs', () => {
  it('names the target, the pinned address and what authorized it, and says the fixture settings were not used', () => {
    const html = render(fixture('target-upstream'), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.match(html, /<dt>target<\/dt><dd>http:\/\/127\.0\.0\.1:40223\/, every connection to 127\.0\.0\.1 \(authorized: loopback\); the scenario&#39;s upstream and gateway settings were not used<\/dd>/);
    assert.match(html, /the client saw ECONNRESET ×18,701/);
  });
});
