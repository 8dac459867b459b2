import assert from 'node:assert/strict';
import { render, renderStepLine } from '../../harness/report/render/text.ts';
import type { Report, StepResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');
const noOnset503 = fixture('no-onset-503');

/** The plain summary of the default scenario at 80 columns, one array element per line. */
const CLOSED_ONSET_TEXT = [
  'overload: overload (closed model, onset search, 10 steps)',
  '',
  'The gateway began returning 502s at 21 connections (theory: 21).',
  '99.9 % of the gateway\'s failures were upstream_reset: the upstream reset the',
  'connection (TCP RST) instead of answering, which nginx reports as `recv() failed',
  '(104: Connection reset by peer)` and answers with 502.',
  '0.10 % were upstream_closed: the upstream closed the connection (FIN) before a',
  'full response header, which nginx reports as `upstream prematurely closed',
  'connection while reading response header from upstream` and answers with 502.',
  '',
  '  onset     21 connections (20 passed, 21 failed)',
  '  theory    21 connections. Closed loop, zero think time: at most N requests are',
  '            outstanding (research/gateway-502.md §8.3), so the upstream sheds',
  '            (reset → 502) only when N > C + Q = 4 + 16 = 20; the gateway\'s pool',
  '            (P = 512) is larger, so the onset is C + Q + 1 = 21.',
  '  cause     upstream_reset, 8,952 of 8,961 failures (99.9 %)',
  '  capacity  396 req/s of 2xx at 20 connections; theory 398 req/s',
  '  criterion a step fails when at least 1 % of its requests fail (502, client',
  '            errors, lost)',
  '  expect    3 of 3 held',
  '',
  'Failure ratio (502, client errors, lost) vs offered connections',
  '100 % |',
  ' 90 % |                                                              .-------',
  ' 80 % |                                                              |',
  ' 70 % |                                                       .------\'',
  ' 60 % |                                                .------\'',
  ' 50 % |                                         .------\'',
  ' 40 % |                                         |',
  ' 30 % |                                         |',
  ' 20 % |                                         |',
  ' 10 % |                                         |',
  '  0 % |-----------------------------------------\'',
  '         1      2      4      8      16     20     21     22     24     32',
  '',
  'Goodput (2xx/s) vs offered connections',
  '396 |             .--------------------------------------------------------',
  '317 |             |',
  '238 |             |',
  '158 |      .------\'',
  ' 79 |------\'',
  '  0 |',
  '       1      2      4      8      16     20     21     22     24     32',
  '',
].join('\n');

/** The closed-onset step that ran at run index `index`. */
function step(index: number): StepResult {
  const found = closedOnset.steps.find((s) => s.index === index);
  assert.ok(found, `no step ${index}`);
  return found;
}

describe('text renderer', () => {
  it('renders the default scenario summary exactly: verdict, onset beside theory, cause, two charts', () => {
    assert.equal(render(closedOnset, { color: false, width: 80 }), CLOSED_ONSET_TEXT);
  });

  for (const [name, report] of [['closed-onset', closedOnset], ['no-onset-503', noOnset503]] as const) {
    for (const width of [60, 80, 120]) {
      it(`without color, the ${name} summary at ${width} columns has no ANSI code, ASCII glyphs of its own, no line wider than ${width}`, () => {
        const text = render(report, { color: false, width });
        assert.ok(!text.includes('\x1b'), 'found an escape character');
        // Any character beyond ASCII must come from the report's own text (the theory basis has § and →).
        const reportText = JSON.stringify(report);
        for (const char of new Set(text.match(/[^\x20-\x7e\n]/gu))) assert.ok(reportText.includes(char), `the renderer added ${char}`);
        for (const line of text.split('\n')) assert.ok(line.length <= width, `${line.length} columns: ${line}`);
      });
    }
  }

  it('with color, the onset is bold and the charts are colored, in box-drawing glyphs', () => {
    const text = render(closedOnset, { color: true, width: 80 });
    assert.ok(text.includes('\x1b[1m21 connections\x1b[0m (20 passed, 21 failed)'));
    assert.ok(text.includes('\x1b[31m╭\x1b[0m'), 'red failure line');
    assert.ok(text.includes('\x1b[32m─\x1b[0m'), 'green goodput line');
    assert.ok(text.includes('100 % ┤'));
  });

  it('labels the x axis with every offered load, ascending, whatever order the steps ran in', () => {
    // The search ran 1, 2, 4, 8, 16, 32, 24, 20, 22, 21.
    const text = render(closedOnset, { color: false, width: 80 });
    const axes = text.split('\n').filter((line) => /^ +1 +2 +4 /.test(line));
    assert.equal(axes.length, 2, 'one axis under each chart');
    for (const axis of axes) assert.deepEqual(axis.trim().split(/ +/), ['1', '2', '4', '8', '16', '20', '21', '22', '24', '32']);
  });

  it('says 0 % at every step instead of drawing a flat failure chart', () => {
    const text = render(noOnset503, { color: false, width: 80 });
    assert.ok(text.includes('Failure ratio (502, client errors, lost) vs offered connections\n0 % at every step\n'));
  });

  it('states that no onset was found and that the gateway failed nothing, giving the onset note once', () => {
    const note = noOnset503.onsetNote ?? 'missing';
    const text = render(noOnset503, { color: false, width: 400 });
    assert.ok(text.includes('  onset     none found.\n'));
    assert.equal(text.split(note).length - 1, 1, 'the explanation already quotes the note');
    assert.ok(text.includes('  theory    no onset predicted. Closed loop, zero think time:'));
    assert.ok(text.includes('  cause     none: the gateway failed no request\n'));
    const withoutExplanation = render({ ...noOnset503, explanation: [] }, { color: false, width: 400 });
    assert.ok(withoutExplanation.includes(`  onset     none found. ${note}\n`));
  });

  it('leaves out the x labels that would touch their neighbour when columns are short', () => {
    const text = render(closedOnset, { color: false, width: 30 });
    const axis = text.split('\n').filter((line) => /^ +1 /.test(line));
    for (const line of axis) assert.doesNotMatch(line, /\d \d\d\d/, line);
    assert.ok(axis.every((line) => line.trim().startsWith('1 ')));
  });

  it('says when the run was interrupted, and names each failed expectation', () => {
    const report: Report = {
      ...closedOnset,
      interrupted: true,
      expectations: [
        { description: 'onset between 19 and 23 connections', passed: true, actual: '21 connections' },
        { description: 'dominant cause is upstream_timeout', passed: false, actual: 'upstream_reset' },
      ],
    };
    const lines = render(report, { color: false, width: 100 }).split('\n');
    assert.equal(lines[1], 'Interrupted: the report holds only the steps measured before the run stopped.');
    const expect = lines.findIndex((line) => line.startsWith('  expect'));
    assert.deepEqual(lines.slice(expect, expect + 2), [
      '  expect    1 of 2 held',
      '            FAILED dominant cause is upstream_timeout: upstream_reset',
    ]);
  });

  it('says so when no step was measured', () => {
    const text = render({ ...closedOnset, steps: [], onset: null, capacity: null, causes: {} }, { color: false, width: 80 });
    assert.ok(text.endsWith('\nNo step was measured.\n'));
  });
});

describe('step line', () => {
  const cases: { name: string; step: StepResult; unit: Report['unit']; line: string }[] = [
    {
      name: 'a failing step names its top cause and the ok p99',
      step: step(6),
      unit: 'connections',
      line: 'step 7: 24 connections  sent 2,862  goodput 394/s  failure 72.2 %  upstream_reset ×2,049  ok p99 53.5 ms',
    },
    {
      name: 'a passing step at one connection has no cause and a singular unit',
      step: step(0),
      unit: 'connections',
      line: 'step 1: 1 connection  sent 189  goodput 94.0/s  failure 0 %  ok p99 11.2 ms',
    },
    {
      name: 'an open-model step shows req/s, and an invalid one says why',
      step: { ...step(3), offered: 412.5, valid: false, invalidReason: 'generator CPU at 97 %' },
      unit: 'rps',
      line: 'step 4: 412.5 req/s  sent 798  goodput 395/s  failure 0 %  ok p99 21.6 ms  invalid: generator CPU at 97 %',
    },
    {
      name: 'a step with no successful response leaves out the ok latency',
      step: { ...step(9), latencyMs: { ok: null, failed: null, fromIntended: null }, failureRatio: 0.00004 },
      unit: 'connections',
      line: 'step 10: 21 connections  sent 1,614  goodput 396/s  failure < 0.01 %  upstream_reset ×801',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(renderStepLine(c.step, c.unit), c.line);
    });
  }
});
