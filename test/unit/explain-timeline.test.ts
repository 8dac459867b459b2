import assert from 'node:assert/strict';
import { CAUSE_MEANINGS } from '../../harness/report/explain.ts';
import { explainTimeline } from '../../harness/report/explain-timeline.ts';
import type { FailureWindow, Report, TimelineResult } from '../../harness/report/schema.ts';
import { verdictSentence } from '../../harness/report/verdict.ts';
import { frozenReport } from '../helpers/frozen-reports.ts';

const maintenance = frozenReport('timeline-maintenance');
const crash = frozenReport('timeline-crash');

/** The frozen maintenance timeline with some fields replaced. */
function timeline(changes: Partial<TimelineResult> = {}): TimelineResult {
  assert.ok(maintenance.timeline !== undefined);
  return { ...structuredClone(maintenance.timeline), ...changes };
}

/** The frozen maintenance report with its timeline and some fields replaced. */
function report(changes: Partial<TimelineResult>, top: Partial<Report> = {}): Report {
  return { ...structuredClone(maintenance), timeline: timeline(changes), ...top };
}

const REFUSED = `100 % of the gateway's failures were upstream_refused: ${CAUSE_MEANINGS.upstream_refused}`;
const window = (start: number, end: number, failures: number, dominantCause: string | null = 'upstream_refused'): FailureWindow => ({ start, end, failures, dominantCause });
const recovery = (t: number, recoveredAfterMs: number | null) => ({ what: 'start-upstream', t, recoveredAfterMs });
const clean = { totals: { sent: 1800, ok: 1800, failures: 0 }, windows: [], recoveries: [recovery(6000, 0)] };

describe('explainTimeline', () => {
  it('says that nothing was sent when nothing was', () => {
    assert.deepEqual(explainTimeline(timeline({ totals: { sent: 0, ok: 0, failures: 0 } }), 'rps', {}), ['No request was sent in 9.00 s.']);
  });

  it('says that no request failed, under the steady load, and that no request failed after the recovery', () => {
    assert.deepEqual(explainTimeline(timeline(clean), 'rps', {}), [
      'Under a steady 200 req/s, none of 1,800 requests failed in 9.00 s.',
      'After start-upstream at 6.00 s, no request failed.',
    ]);
  });

  it('says the load in connections in the closed model', () => {
    assert.equal(explainTimeline(timeline({ ...clean, offered: 8 }), 'connections', {})[0], 'Under a steady 8 connections, none of 1,800 requests failed in 9.00 s.');
  });

  it('explains one window with a recovery (the frozen maintenance run)', () => {
    assert.ok(maintenance.timeline !== undefined);
    assert.deepEqual(explainTimeline(maintenance.timeline, maintenance.unit, maintenance.causes), [
      'Under a steady 200 req/s, 601 of 1,800 requests failed (33.4 %), in one failure window.',
      'From 3.01 s to 6.00 s: 601 failed, mostly refused connections (upstream_refused).',
      'After start-upstream at 6.00 s, the last failure came 3 ms later.',
      REFUSED,
    ]);
  });

  it('explains several windows, one recovery each, and every cause (the frozen crash run)', () => {
    assert.ok(crash.timeline !== undefined);
    assert.deepEqual(explainTimeline(crash.timeline, crash.unit, crash.causes), [
      'Under a steady 150 req/s, 479 of 1,832 requests failed (26.1 %), in 3 separate failure windows.',
      'From 0.95 s to 1.95 s: 142 failed, mostly refused connections (upstream_refused).',
      'From 2.66 s to 3.64 s: 182 failed, mostly refused connections (upstream_refused).',
      'From 6.45 s to 7.42 s: 155 failed, mostly refused connections (upstream_refused).',
      'After upstream-restarted at 1.95 s, no request failed.',
      'After upstream-restarted at 3.65 s, no request failed.',
      'After upstream-restarted at 7.45 s, no request failed.',
      `91.9 % of the gateway's failures were upstream_refused: ${CAUSE_MEANINGS.upstream_refused}`,
      `8.1 % were upstream_closed: ${CAUSE_MEANINGS.upstream_closed}`,
    ]);
  });

  it('says when the failures did not stop after a recovery', () => {
    const sentences = explainTimeline(timeline({ windows: [window(3014, 9000, 1200)], recoveries: [recovery(6000, null)], totals: { sent: 1800, ok: 600, failures: 1200 } }), 'rps', {});
    assert.deepEqual(sentences, [
      'Under a steady 200 req/s, 1,200 of 1,800 requests failed (66.7 %), in one failure window.',
      'From 3.01 s to 9.00 s: 1,200 failed, mostly refused connections (upstream_refused).',
      'After start-upstream at 6.00 s, the failures did not stop before the next fault or the end of the run.',
    ]);
  });

  it('names five windows and counts the rest, with the end of the last', () => {
    const windows = Array.from({ length: 7 }, (_, i) => window(i * 1000, i * 1000 + 250, 10));
    const sentences = explainTimeline(timeline({ windows, recoveries: [], totals: { sent: 1800, ok: 1730, failures: 70 } }), 'rps', {});
    assert.deepEqual(sentences, [
      'Under a steady 200 req/s, 70 of 1,800 requests failed (3.9 %), in 7 separate failure windows.',
      'From 0.00 s to 0.25 s: 10 failed, mostly refused connections (upstream_refused).',
      'From 1.00 s to 1.25 s: 10 failed, mostly refused connections (upstream_refused).',
      'From 2.00 s to 2.25 s: 10 failed, mostly refused connections (upstream_refused).',
      'From 3.00 s to 3.25 s: 10 failed, mostly refused connections (upstream_refused).',
      'From 4.00 s to 4.25 s: 10 failed, mostly refused connections (upstream_refused).',
      '2 more windows follow, the last ending at 6.25 s.',
    ]);
  });

  it('says failures below the criterion were scattered, in no window', () => {
    const sentences = explainTimeline(timeline({ windows: [], recoveries: [], totals: { sent: 1800, ok: 1797, failures: 3 } }), 'rps', {});
    assert.deepEqual(sentences, ['Under a steady 200 req/s, 3 of 1,800 requests failed (0.17 %), in scattered buckets below the criterion.']);
  });

  it('says a window with no gateway cause was seen by the client alone, and names the client errors, largest first', () => {
    assert.ok(maintenance.timeline !== undefined);
    const buckets = structuredClone(maintenance.timeline.buckets);
    const [first, second] = buckets;
    assert.ok(first !== undefined && second !== undefined);
    first.errors = { lost: 2, ECONNRESET: 1 };
    second.errors = { lost: 1, ETIMEDOUT: 1, EPIPE: 1 };
    const sentences = explainTimeline(timeline({ buckets, windows: [window(10, 480, 6, null)], recoveries: [], totals: { sent: 1800, ok: 1794, failures: 6 } }), 'rps', {});
    assert.deepEqual(sentences, [
      'Under a steady 200 req/s, 6 of 1,800 requests failed (0.33 %), in one failure window.',
      'From 0.01 s to 0.48 s: 6 failed, with no cause counted by the gateway (the client saw them fail).',
      'The client itself saw lost ×3, ECONNRESET ×1, EPIPE ×1: requests that got no answer at all from the gateway.',
    ]);
  });

  describe('the keep-alive race sentence', () => {
    const RACE =
      "These 502s are not overload: at 20 req/s the upstream was nearly idle; each came on a pooled connection the upstream closed for idleness just as the gateway reused it. " +
      "Keep the upstream's keep-alive timeout above the gateway's idle timeout (e.g. 65 s against nginx's 60 s), or let the gateway retry (it may not for POST).";
    const raceRun = timeline({ offered: 20, windows: [], recoveries: [], totals: { sent: 1000, ok: 990, failures: 10 } });

    it('follows the cause sentences when keep-alive races are all the causes, with the load of the run', () => {
      const sentences = explainTimeline(raceRun, 'rps', { keepalive_race: 10 });
      assert.deepEqual(sentences, [
        'Under a steady 20 req/s, 10 of 1,000 requests failed (1.0 %), in scattered buckets below the criterion.',
        `100 % of the gateway's failures were keepalive_race: ${CAUSE_MEANINGS.keepalive_race}`,
        RACE,
      ]);
    });

    for (const [name, causes, present] of [
      ['most of the causes', { keepalive_race: 7, upstream_refused: 3 }, true],
      ['exactly half the causes, tied with a cause named after it', { keepalive_race: 5, upstream_refused: 5 }, true],
      ['exactly half the causes, tied with a cause named before it', { gateway_overflow: 5, keepalive_race: 5 }, true],
      ['less than half the causes, even the largest of three', { keepalive_race: 4, upstream_refused: 3, upstream_reset: 3 }, false],
      ['a minority', { keepalive_race: 1, upstream_refused: 9 }, false],
      ['absent', { upstream_refused: 10 }, false],
      ['absent, and no cause counted', {}, false],
    ] as const) {
      it(`is ${present ? 'there' : 'absent'} when keep-alive races are ${name}`, () => {
        assert.equal(explainTimeline(raceRun, 'rps', causes).includes(RACE), present);
      });
    }

    it('is absent from the frozen maintenance run, whose failures were refused connections', () => {
      assert.ok(maintenance.timeline !== undefined);
      assert.ok(!explainTimeline(maintenance.timeline, maintenance.unit, maintenance.causes).some((s) => s.startsWith('These 502s are not overload')));
    });
  });

  it('says why a timeline the generator limited is not judged, last', () => {
    const sentences = explainTimeline(timeline({ ...clean, valid: false, invalidReason: 'the load generator lagged 40 ms behind its schedule' }), 'rps', {});
    assert.equal(sentences.at(-1), 'The timeline is not judged: the load generator lagged 40 ms behind its schedule.');
  });
});

describe('verdictSentence on a timeline', () => {
  const cases: { name: string; report: () => Report; expected: string }[] = [
    {
      name: 'gives one window with its span, the dominant cause and the recovery (the frozen maintenance run)',
      report: () => maintenance,
      expected: "601 of 1,800 requests failed (33.4 %) in one window, 3.01–6.00 s, all of the gateway's failures were refused connections; the last failure came 3 ms after the last start-upstream.",
    },
    {
      name: 'counts several windows, gives the share of the dominant cause and says none failed after the last recovery (the frozen crash run)',
      report: () => crash,
      expected: "479 of 1,832 requests failed (26.1 %) in 3 separate windows, 91.9 % of the gateway's failures were refused connections; none failed after the last upstream-restarted.",
    },
    {
      name: 'says when no request failed, with the count and the load',
      report: () => report(clean),
      expected: 'No request failed: 1,800 sent at 200 req/s.',
    },
    {
      name: 'says when the failures did not stop after the last recovery',
      report: () => report({ recoveries: [recovery(2000, 10), recovery(6000, null)] }),
      expected: "601 of 1,800 requests failed (33.4 %) in one window, 3.01–6.00 s, all of the gateway's failures were refused connections; still failing after the last start-upstream.",
    },
    {
      name: 'leaves out the recovery without a recovery event, and the cause without a gateway cause',
      report: () => report({ recoveries: [] }, { causes: {} }),
      expected: '601 of 1,800 requests failed (33.4 %) in one window, 3.01–6.00 s.',
    },
    {
      name: 'says failures below the criterion were scattered',
      report: () => report({ windows: [], recoveries: [], totals: { sent: 1800, ok: 1797, failures: 3 } }, { causes: { upstream_refused: 3 } }),
      expected: "3 of 1,800 requests failed (0.17 %) scattered below the criterion, all of the gateway's failures were refused connections.",
    },
    {
      name: 'leads with the interruption, lower-casing what follows',
      report: () => report(clean, { interrupted: true }),
      expected: 'Interrupted — no request failed: 1,800 sent at 200 req/s.',
    },
    {
      name: 'leads an interrupted run with failures with the interruption too',
      report: () => ({ ...structuredClone(maintenance), interrupted: true }),
      expected: "Interrupted — 601 of 1,800 requests failed (33.4 %) in one window, 3.01–6.00 s, all of the gateway's failures were refused connections; the last failure came 3 ms after the last start-upstream.",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(verdictSentence(c.report()), c.expected);
    });
  }

  it('says the timeline was not measured when the report has none', () => {
    const without = structuredClone(maintenance);
    delete without.timeline;
    assert.equal(verdictSentence(without), 'The timeline was not measured.');
    assert.equal(verdictSentence({ ...without, interrupted: true }), 'The run was interrupted before the timeline was measured.');
  });
});
