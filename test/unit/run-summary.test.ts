import assert from 'node:assert/strict';
import { allHeld, renderMarkdown, renderText, type SummaryRow } from '../../harness/report/render/run-summary.ts';
import type { Report } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closed = fixture('closed-onset');
const noOnset = fixture('no-onset-503');

describe('the run --all summary', () => {
  const rows: SummaryRow[] = [
    { scenario: 'overload', report: closed, comparison: null, error: null, seconds: 12.4 },
    { scenario: 'overload-503', report: noOnset, comparison: null, error: null, seconds: 8 },
  ];

  it('aligns one row per scenario under the header and ends with the verdict', () => {
    assert.equal(
      renderText(rows),
      [
        'scenario      onset           theory          dominant cause           expectations  baseline  time',
        'overload      21 connections  21 connections  upstream_reset (99.9 %)  3 of 3 held   —         12 s',
        'overload-503  none            —               —                        1 of 1 held   —         8 s',
        '',
        'All 2 scenarios held their expectations.',
        '',
      ].join('\n'),
    );
    assert.equal(allHeld(rows), true);
  });

  it('names a failed expectation, an interrupted run and a scenario that did not run, and is not all held', () => {
    const failed: Report = { ...closed, expectations: [{ description: 'onset between 19 and 20 connections', passed: false, actual: '21 connections' }] };
    const interrupted: Report = { ...closed, interrupted: true };
    const bad: SummaryRow[] = [
      { scenario: 'a', report: failed, comparison: null, error: null, seconds: 1 },
      { scenario: 'b', report: interrupted, comparison: null, error: null, seconds: 1 },
      { scenario: 'c', report: null, comparison: null, error: 'the upstream fixture did not start', seconds: 0 },
    ];
    const text = renderText(bad);
    assert.match(text, /^a +21 connections .*FAILED: onset between 19 and 20 connections/m);
    assert.match(text, /^b +21 connections \(interrupted\)/m);
    assert.match(text, /^c +— .*ERROR: the upstream fixture did not start/m);
    assert.match(text, /3 of 3 scenarios did not hold: a, b, c\.$/m);
    assert.equal(allHeld(bad), false);
  });

  it('shows a scenario skipped behind a gateway where it means nothing, which does not fail the run', () => {
    const skipped: SummaryRow[] = [...rows, { scenario: 'dns-change', report: null, comparison: null, error: null, seconds: 0, skipped: 'means nothing behind nginx: it resolves once.' }];
    const text = renderText(skipped);
    assert.match(text, /^dns-change +— +— +— +skipped: means nothing behind nginx: it resolves once\. +— +—$/m);
    assert.match(text, /^All 2 scenarios held their expectations\. 1 skipped: it means nothing behind this gateway\.$/m);
    assert.equal(allHeld(skipped), true);
  });

  it('renders the same table in Markdown, escaping pipes', () => {
    const md = renderMarkdown([{ scenario: 'x|y', report: closed, comparison: null, error: null, seconds: 2 }]);
    assert.match(md, /^\| scenario \| onset \| theory \| dominant cause \| expectations \| baseline \| time \|$/m);
    assert.match(md, /^\| x\\\|y \| 21 connections \| 21 connections \| upstream_reset \(99\.9 %\) \| 3 of 3 held \| — \| 2 s \|$/m);
  });
});
