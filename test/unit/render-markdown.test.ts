import assert from 'node:assert/strict';
import { render } from '../../harness/report/render/markdown.ts';
import type { Report, StepResult } from '../../harness/report/schema.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

const closedOnset = fixture('closed-onset');
const noOnset503 = fixture('no-onset-503');

/** The whole markdown of the default scenario's frozen report, one array element per line. */
const CLOSED_ONSET_MD = [
  '# overload report: overload',
  '',
  'The default: 4 workers and a queue of 16 behind an nginx-profile gateway; the upstream resets what it cannot queue.',
  '',
  '## Verdict',
  '',
  'The gateway began returning 502s at 21 connections (theory: 21).',
  '99.9 % of the gateway\'s failures were upstream_reset: the upstream reset the connection (TCP RST) instead of answering, which nginx reports as `recv() failed (104: Connection reset by peer)` and answers with 502.',
  '0.10 % were upstream_closed: the upstream closed the connection (FIN) before a full response header, which nginx reports as `upstream prematurely closed connection while reading response header from upstream` and answers with 502.',
  '',
  '| | measured | theory |',
  '|:--|:--|:--|',
  '| onset | **21 connections** (20 passed, 21 failed) | 21 connections |',
  '| capacity (2xx) | 396 req/s at 20 connections | 398 req/s |',
  '',
  'Criterion: a step fails when at least 1 % of its requests fail (502, client errors, lost).',
  'Theory with the measured service time S = 10.0 ms: Closed loop, zero think time: at most N requests are outstanding (research/gateway-502.md §8.3), so the upstream sheds (reset → 502) only when N > C + Q = 4 + 16 = 20; the gateway\'s pool (P = 512) is larger, so the onset is C + Q + 1 = 21. First limit: the upstream.',
  '',
  '## Steps',
  '',
  'Sorted by offered load; `#` is the order the steps ran in. Failure ratios in **bold** failed the criterion.',
  'Latencies are of 2xx responses, as HDR-histogram percentiles.',
  'The predicted failure ratio is the theory’s at that load (— where it predicts none); ≠ marks a disagreement beyond the noise.',
  '',
  '| # | connections | sent | 2xx/s | failure | predicted | statuses | top cause | ok p50 | ok p99 | valid |',
  '|--:|--:|--:|--:|--:|--:|:--|:--|--:|--:|:--|',
  '| 1 | 1 | 189 | 94.0 | 0 % | 0 % | 200: 188 | — | 10.4 ms | 11.2 ms | ✓ |',
  '| 2 | 2 | 379 | 188 | 0 % | 0 % | 200: 377 | — | 10.4 ms | 11.4 ms | ✓ |',
  '| 3 | 4 | 787 | 391 | 0 % | 0 % | 200: 783 | — | 10.2 ms | 11.9 ms | ✓ |',
  '| 4 | 8 | 798 | 395 | 0 % | 0 % | 200: 790 | — | 20.2 ms | 21.6 ms | ✓ |',
  '| 5 | 16 | 808 | 395 | 0 % | 0 % | 200: 792 | — | 40.4 ms | 42.1 ms | ✓ |',
  '| 8 | 20 | 813 | 396 | 0 % | 0 % | 200: 793 | — | 50.5 ms | 52.3 ms | ✓ |',
  '| 10 | 21 | 1,614 | 396 | **50.3 %** | — | 200: 792, 502: 801 | upstream_reset (801) | 50.5 ms | 52.9 ms | ✓ |',
  '| 9 | 22 | 2,114 | 395 | **62.2 %** | — | 200: 791, 502: 1,302 | upstream_reset (1,301) | 50.6 ms | 53.0 ms | ✓ |',
  '| 7 | 24 | 2,862 | 394 | **72.2 %** | — | 200: 790, 502: 2,051 | upstream_reset (2,049) | 50.6 ms | 53.5 ms | ✓ |',
  '| 6 | 32 | 5,619 | 395 | **85.9 %** | — | 200: 791, 502: 4,807 | upstream_reset (4,801) | 50.6 ms | 53.8 ms | ✓ |',
  '',
  '## Causes',
  '',
  '| cause | count | share |',
  '|:--|--:|--:|',
  '| upstream_reset | 8,952 | 99.9 % |',
  '| upstream_closed | 9 | 0.10 % |',
  '| **total** | **8,961** | 100 % |',
  '',
  '## Expectations',
  '',
  '- ✓ onset between 19 and 23 connections: 21 connections',
  '- ✓ dominant cause is upstream_reset: upstream_reset (99.9 % of 8,961 failures)',
  '- ✓ no failure at or below 20 connections: no failure in 6 steps at or below 20 connections',
  '',
  '## Scenario parameters',
  '',
  '- model: closed; onset search from 1 connection (precision 2 %, at most 30 steps); seed 1',
  '- upstream: C = 4 workers, S = 10 ms (fixed), Q = 16, shed: reset, keep-alive 5,000 ms',
  '- gateway: node, nginx profile, pool 512, queueLimit 1,024, retries 0, connect timeout 1,000 ms, upstream timeout 5,000 ms',
  '- load: GET /, step 2,000 ms, client timeout 10,000 ms',
  '- criterion: a step fails when at least 1 % of its requests fail (502, client errors, lost)',
  '- caps: 1,024 connections, 50,000 req/s, 600 s, 5,000,000 requests',
  '',
  '## Environment',
  '',
  '- overload 0.1.0, report schema 1, created 2026-11-25T20:30:01.123Z',
  '- Node v20.20.2 on linux-x64, 8 CPUs (AMD EPYC 7B13)',
  '- gateway: node, nginx profile',
  '',
].join('\n');

/** Asserts that `fragment` occurs in `text`, showing both when it does not. */
function assertIncludes(text: string, fragment: string): void {
  assert.ok(text.includes(fragment), `expected to find\n${fragment}\nin\n${text}`);
}

/** A copy of `report` with `change` applied to its step at run index `index`. */
function withStep(report: Report, index: number, change: Partial<StepResult>): Report {
  return { ...report, steps: report.steps.map((s) => (s.index === index ? { ...s, ...change } : s)) };
}

describe('markdown renderer', () => {
  it('renders the default scenario report exactly: verdict, onset beside theory, steps by offered load, causes, expectations, parameters, environment', () => {
    assert.equal(render(closedOnset), CLOSED_ONSET_MD);
  });

  it('puts the verdict sentences before any table, as given', () => {
    const md = render(closedOnset);
    const verdict = md.indexOf(closedOnset.explanation[0] ?? 'missing');
    assert.ok(verdict > 0);
    assert.ok(verdict < md.indexOf('| onset |'));
    for (const sentence of closedOnset.explanation) assertIncludes(md, `\n${sentence}\n`);
  });

  it('lists the steps by offered load while the # column keeps the order they ran in', () => {
    const rows = render(closedOnset)
      .split('\n')
      .filter((line) => /^\| \d+ \| /.test(line))
      .map((line) => line.split(' | ').slice(0, 2).join(' ').replace('| ', ''));
    assert.deepEqual(rows, ['1 1', '2 2', '3 4', '4 8', '5 16', '8 20', '10 21', '9 22', '7 24', '6 32']);
  });

  it('says no onset was found and shows 503s passed through as statuses, not causes', () => {
    const md = render(noOnset503);
    // The model predicts no 502 within the cap (it did predict): not "no prediction".
    assertIncludes(md, '| onset | none found | no onset predicted |');
    assertIncludes(md, '| 7 | 64 | 12,681 | 394 | 0 % | 0 % | 200: 790, 503: 11,870 | — | 50.7 ms | 55.2 ms | ✓ |');
    assertIncludes(md, '## Causes\n\nThe gateway reported no failures.');
    assertIncludes(md, '- upstream: C = 4 workers, S = 10 ms (fixed), Q = 16, shed: 503, keep-alive 5,000 ms');
  });

  it('gives the onset note once: after the table only when the explanation does not already say it', () => {
    const note = noOnset503.onsetNote ?? 'missing';
    assert.equal(render(noOnset503).split(note).length - 1, 1);
    const md = render({ ...noOnset503, explanation: [] });
    assertIncludes(md, `| capacity (2xx) | 396 req/s at 32 connections | 399 req/s |\n\n**No onset.** ${note}\n\nCriterion:`);
  });

  it('ends the theory with one full stop whether or not its basis has one', () => {
    const theory = closedOnset.theory!;
    for (const basis of ['C + Q + 1 = 21', 'C + Q + 1 = 21.']) {
      assertIncludes(render({ ...closedOnset, theory: { ...theory, basis } }), `S = 10.0 ms: C + Q + 1 = 21. First limit: the upstream.\n`);
    }
  });

  it('warns at the top when the run was interrupted', () => {
    const md = render({ ...closedOnset, interrupted: true, steps: closedOnset.steps.slice(0, 4) });
    assert.ok(md.startsWith('# overload report: overload\n\nThe default: 4 workers'));
    assertIncludes(md, '\n\n> [!WARNING]\n> The run was interrupted: this report holds the 4 steps measured before it stopped.\n\n## Verdict');
    assert.ok(!render(closedOnset).includes('[!WARNING]'));
  });

  it('marks a failed expectation with ✗ and its actual value', () => {
    const md = render({ ...closedOnset, expectations: [{ description: 'onset between 30 and 40 connections', passed: false, actual: '21 connections' }] });
    assertIncludes(md, '## Expectations\n\n- ✗ onset between 30 and 40 connections: 21 connections\n');
  });

  it('leaves the expectations section out when the scenario declares none', () => {
    assert.ok(!render({ ...closedOnset, expectations: [] }).includes('## Expectations'));
  });

  it('shows why a step is invalid, client errors and lost requests, and escapes pipes in cells', () => {
    const report = withStep(closedOnset, 0, {
      valid: false,
      invalidReason: 'generator CPU at 97 % | event loop p99 48 ms',
      errors: { ECONNRESET: 3, ETIMEDOUT: 1 },
      lost: 2,
    });
    assertIncludes(
      render(report),
      '| 1 | 1 | 189 | 94.0 | 0 % | 0 % | 200: 188, ECONNRESET: 3, ETIMEDOUT: 1, lost: 2 | — | 10.4 ms | 11.2 ms | ✗ generator CPU at 97 % \\| event loop p99 48 ms |',
    );
  });

  it('writes an open-model report in req/s, with the spread of trials', () => {
    const report: Report = {
      ...closedOnset,
      model: 'open',
      unit: 'rps',
      scenario: { ...closedOnset.scenario, parameters: { ...closedOnset.scenario.parameters, model: 'open', search: { start: 10, precision: 0.02, maxSteps: 30 } } },
      steps: [{ ...closedOnset.steps[0]!, offered: 412.5 }],
      onset: { value: 412.5, low: 404, high: 412.5, unit: 'rps', criterion: { failureRatio: 0.01, statuses: [502] } },
      onsetSpread: { min: 404, max: 420, trials: 5 },
      capacity: { maxGoodputRps: 398.2, atOffered: 404 },
      theory: { ...closedOnset.theory!, onset: 404.04 },
    };
    const md = render(report);
    assertIncludes(md, '| onset | **412.5 req/s** (404 passed, 412.5 failed) | 404.04 req/s |');
    assertIncludes(md, '| onset over 5 trials | 404 to 420 req/s | |');
    assertIncludes(md, '| # | req/s | sent |');
    assertIncludes(md, '- model: open (uniform arrivals); onset search from 10 req/s (precision 2 %, at most 30 steps); seed 1');
  });
});
