import assert from 'node:assert/strict';
import type { Comparison, ComparedRun, MetricComparison } from '../../harness/report/comparison.ts';
import { render } from '../../harness/report/render/junit.ts';
import type { Report } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');

/** The frozen report cut down to its onset step, one sentence and two expectations (one failed). */
const tiny: Report = {
  ...structuredClone(closedOnset),
  steps: closedOnset.steps.slice(9),
  explanation: closedOnset.explanation.slice(0, 1),
  causes: { upstream_reset: 801 },
  expectations: [
    { description: 'onset between 19 and 23 connections', passed: true, actual: '21 connections' },
    { description: 'dominant cause is "upstream_closed" & <more>', passed: false, actual: 'upstream_reset (100 % of 801 failures)' },
  ],
};

const TINY_XML = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<testsuites name="overload" tests="2" failures="1" errors="0" skipped="0" time="2.049">',
  '  <testsuite name="overload" tests="2" failures="1" errors="0" skipped="0" time="2.049" timestamp="2026-11-25T20:30:01">',
  '    <properties>',
  '      <property name="scenario" value="overload"/>',
  '      <property name="model" value="closed"/>',
  '      <property name="gateway" value="node (nginx profile)"/>',
  '      <property name="tool" value="overload 0.1.0"/>',
  '      <property name="node" value="v20.20.2"/>',
  '      <property name="platform" value="linux-x64"/>',
  '    </properties>',
  '    <testcase classname="overload.overload.expect" name="onset between 19 and 23 connections" time="0.000">',
  '      <system-out>measured: 21 connections</system-out>',
  '    </testcase>',
  '    <testcase classname="overload.overload.expect" name="dominant cause is &quot;upstream_closed&quot; &amp; &lt;more&gt;" time="0.000">',
  '      <failure message="dominant cause is &quot;upstream_closed&quot; &amp; &lt;more&gt;: measured upstream_reset (100 % of 801 failures)" type="expectation">measured: upstream_reset (100 % of 801 failures)</failure>',
  '    </testcase>',
  '    <system-out>The gateway began returning 502s at 21 connections (theory: 21); all of them were upstream resets.</system-out>',
  '  </testsuite>',
  '</testsuites>',
  '',
].join('\n');

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(value: string): string {
  return value.replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const entity = ENTITIES[ref];
    if (entity === undefined) throw new Error(`unknown entity ${whole}`);
    return entity;
  });
}

/**
 * A tiny, strict XML reader for what the renderer writes: one declaration, elements, attributes
 * in double quotes, escaped text. Throws on an unbalanced tag, a raw `<` or `&` in text or in an
 * attribute, a character XML 1.0 forbids, or anything after the root.
 */
function parseXml(xml: string): Element {
  // eslint-disable-next-line no-control-regex -- finding forbidden characters is the point
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/, 'a character XML 1.0 forbids');
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = token.exec(body)) !== null) {
    end = token.lastIndex;
    const [, closing, name, attrText, selfClosing, text] = m;
    const top = stack.at(-1);
    assert.ok(top !== undefined);
    if (text !== undefined) {
      assert.doesNotMatch(text, /&(?!(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);)/i, `a raw & in ${JSON.stringify(text)}`);
      top.text += unescape(text);
    } else if (closing === '/') {
      assert.equal(name, top.name, `</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key = '', value = ''] of (attrText ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        assert.ok(!(key in attributes), `duplicate attribute ${key}`);
        assert.doesNotMatch(value, /&(?!(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);)/i, `a raw & in ${key}`);
        attributes[key] = unescape(value);
      }
      const element: Element = { name: name ?? '', attributes, children: [], text: '' };
      top.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    }
  }
  assert.equal(end, body.length, `unreadable XML at ${JSON.stringify(body.slice(end, end + 40))}`);
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)?.name ?? ''}>`);
  assert.equal(root.children.filter((c) => c.name !== '').length, 1, 'one root element');
  const [document] = root.children;
  assert.ok(document !== undefined);
  return document;
}

function all(element: Element, name: string): Element[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...all(child, name)]);
}

function run(overrides: Partial<ComparedRun> = {}): ComparedRun {
  return {
    source: 'baseline.json',
    scenario: 'overload',
    model: 'closed',
    unit: 'connections',
    createdAt: '2026-11-24T10:00:00.000Z',
    toolVersion: '0.1.0',
    environment: closedOnset.environment,
    trials: 1,
    interrupted: false,
    ...overrides,
  };
}

function metric(overrides: Partial<MetricComparison> & Pick<MetricComparison, 'metric' | 'label' | 'verdict' | 'reason'>): MetricComparison {
  return { unit: 'connections', higherIsBetter: true, baseline: { low: 20, median: 21, high: 21, trials: 1 }, current: { low: 16, median: 17, high: 17, trials: 1 }, change: -4 / 21, ...overrides };
}

const comparison: Comparison = {
  baseline: run(),
  current: run({ source: null, createdAt: closedOnset.createdAt }),
  tolerance: 0.05,
  metrics: [
    metric({ metric: 'onset', label: 'onset', verdict: 'regressed', reason: 'The onset fell from 21 to 17 connections (−19.0 %), beyond the 5 % tolerance.' }),
    metric({ metric: 'maxGoodput', label: 'max goodput', unit: 'req/s', verdict: 'unchanged', reason: 'Max goodput stayed at 396 req/s.' }),
    metric({ metric: 'p99Latency', label: 'p99 latency at 20 connections', unit: 'ms', higherIsBetter: false, current: null, change: null, verdict: 'insufficient-data', reason: 'The current run has no passing step at 20 connections.' }),
  ],
  warnings: ['The runs were measured on different machines.'],
  regressed: true,
};

describe('the junit renderer', () => {
  it('renders a tiny report exactly', () => {
    assert.equal(render(tiny), TINY_XML);
  });

  it('writes XML that parses back, with the counts its cases add up to', () => {
    const doc = parseXml(render(closedOnset, comparison));
    assert.equal(doc.name, 'testsuites');
    const suites = all(doc, 'testsuite');
    assert.deepEqual(suites.map((s) => s.attributes.name), ['overload', 'overload: compare with baseline']);
    for (const suite of [doc, ...suites]) {
      const cases = all(suite, 'testcase');
      assert.equal(suite.attributes.tests, String(cases.length));
      assert.equal(suite.attributes.failures, String(cases.filter((c) => all(c, 'failure').length > 0).length));
      assert.equal(suite.attributes.skipped, String(cases.filter((c) => all(c, 'skipped').length > 0).length));
    }
    assert.equal(doc.attributes.tests, '6');
  });

  it('makes one case per compared metric: a regression fails, missing data is skipped', () => {
    const doc = parseXml(render(closedOnset, comparison));
    const [compare] = all(doc, 'testsuite').slice(1);
    assert.ok(compare !== undefined);
    const cases = all(compare, 'testcase');
    assert.deepEqual(cases.map((c) => [c.attributes.classname, c.attributes.name]), [
      ['overload.overload.compare', 'onset'],
      ['overload.overload.compare', 'max goodput'],
      ['overload.overload.compare', 'p99 latency at 20 connections'],
    ]);
    const failure = all(cases[0]!, 'failure')[0];
    assert.equal(failure?.attributes.message, 'The onset fell from 21 to 17 connections (−19.0 %), beyond the 5 % tolerance.');
    assert.equal(failure?.attributes.type, 'regression');
    assert.equal(failure?.text, 'baseline: 21 connections (20 to 21, 1 trial)\ncurrent: 17 connections (16 to 17, 1 trial)\nchange: −19.0 %\ntolerance: 5 %');
    assert.equal(all(cases[1]!, 'failure').length + all(cases[1]!, 'skipped').length, 0);
    assert.equal(all(cases[2]!, 'skipped')[0]?.attributes.message, 'The current run has no passing step at 20 connections.');
    assert.ok(all(compare, 'system-out').at(-1)?.text.includes('The runs were measured on different machines.'));
  });

  it('makes one passing case "run completed" when there is nothing else to judge', () => {
    const doc = parseXml(render({ ...closedOnset, expectations: [] }));
    const cases = all(doc, 'testcase');
    assert.deepEqual(cases.map((c) => c.attributes.name), ['run completed']);
    assert.equal(all(doc, 'failure').length, 0);
    assert.equal(cases[0]?.attributes.time, '20.320');
  });

  it('fails "run completed" when the run was interrupted, even beside passing expectations', () => {
    const doc = parseXml(render({ ...closedOnset, interrupted: true }));
    const cases = all(doc, 'testcase');
    assert.deepEqual(cases.map((c) => c.attributes.name), ['run completed', ...closedOnset.expectations.map((e) => e.description)]);
    const failure = all(cases[0]!, 'failure')[0];
    assert.equal(failure?.attributes.type, 'interrupted');
    assert.equal(failure?.attributes.message, 'The run was interrupted after 10 steps; the report holds what was measured before it stopped.');
    assert.equal(doc.attributes.failures, '1');
  });

  it('fails "run completed" for the frozen report of a run interrupted before its first step', () => {
    const report = fixture('empty');
    const doc = parseXml(render(report));
    assert.deepEqual(all(doc, 'testcase').map((c) => c.attributes.name), ['run completed', ...report.expectations.map((e) => e.description)]);
    const first = all(doc, 'testcase')[0];
    assert.ok(first !== undefined);
    assert.equal(all(first, 'failure')[0]?.attributes.message, 'The run was interrupted before any step was measured.');
    assert.equal(doc.attributes.time, '0.000');
  });

  it('escapes quotes, ampersands, angle brackets, line breaks and control characters in attributes and text', () => {
    const nasty = 'a "b" & \'c\' <d>\n\te\r\u0001f\u001b\ud800g';
    const report: Report = { ...closedOnset, expectations: [{ description: nasty, passed: false, actual: nasty }] };
    const xml = render(report);
    const doc = parseXml(xml);
    const testcase = all(doc, 'testcase')[0];
    assert.ok(testcase !== undefined);
    // Forbidden characters become visible escapes; everything else comes back as it was.
    const expected = 'a "b" & \'c\' <d>\n\te\r\\u0001f\\u001b\\ud800g';
    assert.equal(testcase.attributes.name, expected);
    assert.equal(all(testcase, 'failure')[0]?.text, `measured: ${expected}`);
    assert.ok(xml.includes('name="a &quot;b&quot; &amp; &apos;c&apos; &lt;d&gt;&#10;&#9;e&#13;\\u0001f\\u001b\\ud800g"'));
  });

  it('checks XML strictly enough to catch what it is for', () => {
    assert.throws(() => parseXml('<a><b></a></b>'));
    assert.throws(() => parseXml('<a x="1 & 2"/>'));
    assert.throws(() => parseXml('<a>1 < 2</a>'));
    assert.throws(() => parseXml('<a>\u0001</a>'));
    assert.throws(() => parseXml('<a>'));
  });
});
