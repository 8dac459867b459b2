import assert from 'node:assert/strict';
import { compare } from '../../harness/report/compare.ts';
import type { Comparison } from '../../harness/report/comparison.ts';
import { render as renderJson } from '../../harness/report/render/comparison-json.ts';
import { render as renderMarkdown } from '../../harness/report/render/comparison-markdown.ts';
import { render as renderText } from '../../harness/report/render/comparison-text.ts';
import { frozenReport as fixture } from '../helpers/frozen-reports.ts';

function comparing(baseline: string, current: string): Comparison {
  return compare(fixture(baseline), fixture(current), { tolerance: 0.05, baselineSource: 'baseline.json', currentSource: 'current.json' });
}

/** C = 4 against C = 3, three trials each: max goodput and latency regressed, the onset within tolerance. */
const regressed = comparing('closed-trials', 'closed-trials-workers3');
/** Two interrupted runs with no step: nothing to compare, two warnings. */
const nothing = comparing('empty', 'empty');

const RUNS = {
  baseline: 'overload, closed model, 3 trials, 2026-11-25T22:44:12.234Z, overload 0.1.0, AMD EPYC × 2',
  current: 'overload, closed model, 3 trials, 2026-11-25T22:44:52.828Z, overload 0.1.0, AMD EPYC × 2',
};

const REGRESSED_TEXT = [
  'REGRESSED: max goodput and p99 latency at 20 connections got worse by more than the 5 % tolerance.',
  '',
  '  unchanged  onset 21 → 20 connections (−4.8 %): below the baseline by 4.8 %, within the 5 % tolerance.',
  '  REGRESSED  max goodput 396 → 297 req/s (−25.0 %): below the baseline’s range (394–398) by 24.7 %, more than the 5 % tolerance.',
  '  REGRESSED  p99 latency at 20 connections 60.0 → 76.5 ms (+27.5 %): above the baseline’s range (58.1–61.8) by 17.4 %, more than the 5 % tolerance (current run at 19 connections, the nearest passing load).',
  '',
  `baseline: baseline.json — ${RUNS.baseline}`,
  `current:  current.json — ${RUNS.current}`,
  '',
  'warning: The scenario’s parameters differ: upstream.workers 4 → 3.',
  '',
].join('\n');

const REGRESSED_MARKDOWN = [
  '## overload compare: regressed',
  '',
  'Max goodput and p99 latency at 20 connections got worse by more than the 5 % tolerance.',
  '',
  '| metric | baseline | current | change | verdict |',
  '|:--|--:|--:|--:|:--|',
  '| onset (connections) | 21 | 20 | −4.8 % | unchanged |',
  '| max goodput (req/s) | 396 (394–398) | 297 (296–297) | −25.0 % | **regressed** |',
  '| p99 latency at 20 connections (ms) | 60.0 (58.1–61.8) | 76.5 (72.5–77.8) | +27.5 % | **regressed** |',
  '',
  '- onset 21 → 20 connections (−4.8 %): below the baseline by 4.8 %, within the 5 % tolerance.',
  '- max goodput 396 → 297 req/s (−25.0 %): below the baseline’s range (394–398) by 24.7 %, more than the 5 % tolerance.',
  '- p99 latency at 20 connections 60.0 → 76.5 ms (+27.5 %): above the baseline’s range (58.1–61.8) by 17.4 %, more than the 5 % tolerance (current run at 19 connections, the nearest passing load).',
  '',
  'Tolerance 5 %. With trials, values are medians and the ranges in parentheses span the trials; a single run’s onset range is the highest load that passed and the lowest that failed.',
  '',
  'Baseline: `baseline.json`, overload (closed model, 3 trials), 2026-11-25T22:44:12.234Z, overload 0.1.0, AMD EPYC × 2  ',
  'Current: `current.json`, overload (closed model, 3 trials), 2026-11-25T22:44:52.828Z, overload 0.1.0, AMD EPYC × 2',
  '',
  '> [!WARNING]',
  '> The scenario’s parameters differ: upstream.workers 4 → 3.',
  '',
].join('\n');

describe('comparison renderers', () => {
  describe('text', () => {
    it('renders a regression: the verdict first, one line per metric, the runs, the warnings', () => {
      assert.equal(renderText(regressed), REGRESSED_TEXT);
    });

    it('opens with the verdict of the whole comparison', () => {
      const firstLine = (comparison: Comparison): string => renderText(comparison).split('\n')[0] ?? '';
      assert.deepEqual(
        [comparing('open-workers3', 'open-onset'), comparing('closed-onset', 'closed-onset'), comparing('closed-onset', 'closed-shed503'), nothing].map(firstLine),
        [
          'improved: onset and max goodput got better by more than the 5 % tolerance, and nothing regressed.',
          'unchanged: no metric moved by more than the 5 % tolerance.',
          'improved: onset got better by more than the 5 % tolerance, and nothing regressed.',
          'insufficient data: no metric could be compared; the reasons say why.',
        ],
      );
    });

    it('says how many metrics could not be compared when the rest are unchanged', () => {
      const partly = { ...regressed, metrics: regressed.metrics.map((m) => ({ ...m, verdict: m.metric === 'onset' ? ('insufficient-data' as const) : ('unchanged' as const) })) };
      assert.equal(renderText(partly).split('\n')[0], 'unchanged: no metric moved by more than the 5 % tolerance (1 could not be compared).');
    });

    it('names what improved beside what regressed', () => {
      const mixed = { ...regressed, metrics: regressed.metrics.map((m) => (m.metric === 'onset' ? { ...m, verdict: 'improved' as const } : m)) };
      assert.equal(renderText(mixed).split('\n')[0], 'REGRESSED: max goodput and p99 latency at 20 connections got worse by more than the 5 % tolerance; onset improved.');
    });

    it('marks metrics without data and interrupted runs', () => {
      const lines = renderText(nothing).split('\n');
      assert.deepEqual(lines.slice(2, 5), [
        '  no data    onset: neither run passed a valid step.',
        '  no data    max goodput: the baseline and the current run measured no valid step.',
        '  no data    p99 latency: the baseline passed no valid step, so there is no load to compare latency at.',
      ]);
      assert.ok(lines.includes('baseline: baseline.json — overload, closed model, 1 trial, interrupted, 2026-11-25T22:50:00.000Z, overload 0.1.0, AMD EPYC 7B13 × 8'));
    });
  });

  describe('markdown', () => {
    it('renders a regression: heading, table, reasons, runs and a warning alert', () => {
      assert.equal(renderMarkdown(regressed), REGRESSED_MARKDOWN);
    });

    it('puts every warning in one alert block, separated by a quoted blank line', () => {
      const markdown = renderMarkdown(nothing);
      assert.ok(markdown.startsWith('## overload compare: insufficient data\n\nNo metric could be compared; the reasons say why.\n'));
      assert.ok(markdown.includes('| onset (connections) | — | — | — | insufficient data |'));
      assert.ok(markdown.endsWith(['> [!WARNING]', '> The baseline run was interrupted: it holds no step.', '>', '> The current run was interrupted: it holds no step.', ''].join('\n')));
    });

    it('leaves the alert out when there is nothing to warn about', () => {
      assert.ok(!renderMarkdown(comparing('closed-onset', 'closed-onset')).includes('[!WARNING]'));
    });
  });

  describe('json', () => {
    it('is the comparison itself, pretty-printed', () => {
      const json = renderJson(regressed);
      assert.deepEqual(JSON.parse(json), regressed);
      assert.ok(json.startsWith('{\n  "baseline": {\n    "source": "baseline.json",'));
    });
  });

  it('ends every format with exactly one newline', () => {
    for (const render of [renderText, renderMarkdown, renderJson]) {
      for (const comparison of [regressed, nothing]) {
        const out = render(comparison);
        assert.ok(out.endsWith('\n') && !out.endsWith('\n\n'), JSON.stringify(out.slice(-20)));
      }
    }
  });
});
