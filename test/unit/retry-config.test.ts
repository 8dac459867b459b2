/**
 * The configuration and reporting around retrying clients (scenario `retry-storm`): the checks
 * that refuse a retry or a rate change the run could not honour, the `goodputAfter` expectation,
 * the explanation's sentences after a rate drop and about clients that give up, and how a planned
 * rate change is marked on the timeline.
 */
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import type { Expectation, TimelineEvent } from '../../harness/config/scenario.ts';
import { TIMELINE_EVENT_MUST } from '../../harness/config/timeline-events.ts';
import { evaluateExpectations, type ExpectationInput } from '../../harness/report/expectations.ts';
import { explainTimeline, type TimelineClients } from '../../harness/report/explain-timeline.ts';
import type { TimelineBucket, TimelineResult } from '../../harness/report/schema.ts';
import { describePlanned, plannedEffect } from '../../harness/runner/run-timeline.ts';
import type { Problem } from '../../harness/errors.ts';
import { problemsOf, scenarioOf } from '../helpers/validation.ts';


/** An open-model timeline of 9 s at 50 req/s, with `changes` on top (sections replaced whole). */
function openTimeline(changes: Record<string, unknown> = {}, timeline: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'case', model: 'open', ...changes, timeline: { durationMs: 9000, offered: 50, ...timeline } };
}

const OPEN_ONLY_FIX = "set model: 'open', or remove load.retry";
const OPEN_ONLY = 'applies to the open model only (a closed-loop connection waits for each answer)';
const GOODPUT_MUST = 'must be { fromMs, minRps?, maxRps? } with at least one bound, minRps ≤ maxRps';
const GOODPUT_FIX = 'write e.g. { fromMs: 6000, minRps: 225 }';

describe('validateScenario on retrying clients and rate changes', () => {
  it('defaults to clients that never retry, and an upstream that cancels abandoned work', () => {
    const scenario = scenarioOf({ name: 'case' });
    assert.deepEqual(scenario.load.retry, { attempts: 1, timeoutMs: 0, backoff: 'none', baseMs: 100, maxMs: 2000, budget: 0 });
    assert.equal(scenario.upstream.abandoned, 'cancel');
  });

  it('accepts the limits themselves: a give-up at the client timeout, baseMs equal to maxMs, a rate change at the cap', () => {
    const scenario = scenarioOf(openTimeline(
      { caps: { maxRps: 100 }, load: { clientTimeoutMs: 8000, retry: { attempts: 3, timeoutMs: 8000, baseMs: 100, maxMs: 100 } }, expect: [{ goodputAfter: { fromMs: 6000, minRps: 40, maxRps: 40 } }] },
      { events: [{ atMs: 3000, action: 'set-load', offered: 100 }] },
    ));
    assert.deepEqual(scenario.load.retry, { attempts: 3, timeoutMs: 8000, backoff: 'none', baseMs: 100, maxMs: 100, budget: 0 });
    assert.deepEqual(scenario.timeline.events, [{ atMs: 3000, action: 'set-load', offered: 100 }]);
    assert.deepEqual(scenario.expect, [{ goodputAfter: { fromMs: 6000, minRps: 40, maxRps: 40 } }]);
  });

  const refused: { name: string; input: Record<string, unknown>; problems: Problem[] }[] = [
    {
      name: 'retries in the closed model, at load.retry.attempts',
      input: { name: 'case', load: { retry: { attempts: 3 } } },
      problems: [{ path: 'load.retry.attempts', value: '3', message: OPEN_ONLY, fix: OPEN_ONLY_FIX }],
    },
    {
      name: 'a give-up timeout in the closed model, at load.retry.timeoutMs',
      input: { name: 'case', model: 'closed', load: { retry: { timeoutMs: 300 } } },
      problems: [{ path: 'load.retry.timeoutMs', value: '300', message: OPEN_ONLY, fix: OPEN_ONLY_FIX }],
    },
    {
      name: 'both in the closed model, once, at load.retry.attempts',
      input: { name: 'case', load: { retry: { attempts: 3, timeoutMs: 300 } } },
      problems: [{ path: 'load.retry.attempts', value: '3', message: OPEN_ONLY, fix: OPEN_ONLY_FIX }],
    },
    {
      name: 'a give-up timeout above the default client timeout',
      input: { name: 'case', model: 'open', load: { retry: { attempts: 3, timeoutMs: 12_000 } } },
      problems: [{
        path: 'load.retry.timeoutMs', value: '12000',
        message: 'must not exceed load.clientTimeoutMs (10000), the longest any request is waited for', fix: 'set at most 10000',
      }],
    },
    {
      name: 'a give-up timeout 1 ms above a lowered client timeout',
      input: { name: 'case', model: 'open', load: { clientTimeoutMs: 8000, retry: { attempts: 3, timeoutMs: 8001 } } },
      problems: [{
        path: 'load.retry.timeoutMs', value: '8001',
        message: 'must not exceed load.clientTimeoutMs (8000), the longest any request is waited for', fix: 'set at most 8000',
      }],
    },
    {
      name: 'baseMs above maxMs',
      input: { name: 'case', model: 'open', load: { retry: { backoff: 'exponential', baseMs: 500, maxMs: 100 } } },
      problems: [{ path: 'load.retry.baseMs', value: '500', message: 'must not exceed load.retry.maxMs (100)', fix: 'set at most 100, or raise load.retry.maxMs' }],
    },
    {
      name: 'baseMs above the default maxMs (2000)',
      input: { name: 'case', model: 'open', load: { retry: { baseMs: 3000 } } },
      problems: [{ path: 'load.retry.baseMs', value: '3000', message: 'must not exceed load.retry.maxMs (2000)', fix: 'set at most 2000, or raise load.retry.maxMs' }],
    },
    {
      name: 'a set-load event in the closed model, at its action',
      input: { name: 'case', model: 'closed', timeline: { durationMs: 9000, offered: 8, events: [{ atMs: 3000, action: 'set-load', offered: 16 }] } },
      problems: [{
        path: 'timeline.events[0].action', value: '"set-load"',
        message: 'applies to the open model only (autocannon keeps its connections for the whole run)', fix: "set model: 'open'",
      }],
    },
    {
      name: 'a set-load event above caps.maxRps, at its index',
      input: openTimeline({ caps: { maxRps: 100 } }, { events: [{ atMs: 1000, action: 'stop-upstream' }, { atMs: 3000, action: 'set-load', offered: 150 }] }),
      problems: [{
        path: 'timeline.events[1].offered', value: '150',
        message: 'must not exceed caps.maxRps (100 req/s)', fix: 'offer 100 or less, or raise caps.maxRps (at most 50000)',
      }],
    },
    {
      name: 'a set-load event to 0 req/s, on the events list',
      input: openTimeline({}, { events: [{ atMs: 3000, action: 'set-load', offered: 0 }] }),
      problems: [{
        path: 'timeline.events', value: '[{"atMs":3000,"action":"set-load","offered":0}]',
        message: `must be a list; each entry ${TIMELINE_EVENT_MUST}`, fix: "write e.g. [{ atMs: 3000, action: 'stop-upstream' }, { atMs: 6000, action: 'start-upstream' }]",
      }],
    },
    {
      name: 'goodputAfter with no bound',
      input: openTimeline({ expect: [{ goodputAfter: { fromMs: 6000 } }] }),
      problems: [{ path: 'expect[0].goodputAfter', value: '{"fromMs":6000}', message: GOODPUT_MUST, fix: GOODPUT_FIX }],
    },
    {
      name: 'goodputAfter with minRps above maxRps, at its index',
      input: openTimeline({ expect: [{ noFailuresBeforeMs: 3000 }, { goodputAfter: { fromMs: 6000, minRps: 50, maxRps: 40 } }] }),
      problems: [{ path: 'expect[1].goodputAfter', value: '{"fromMs":6000,"minRps":50,"maxRps":40}', message: GOODPUT_MUST, fix: GOODPUT_FIX }],
    },
    {
      name: 'goodputAfter with an unknown key',
      input: openTimeline({ expect: [{ goodputAfter: { fromMs: 6000, rps: 40 } }] }),
      problems: [{ path: 'expect[0].goodputAfter', value: '{"fromMs":6000,"rps":40}', message: GOODPUT_MUST, fix: GOODPUT_FIX }],
    },
    {
      name: 'an unknown backoff and abandoned mode, no attempt, a negative budget',
      input: { name: 'case', model: 'open', upstream: { abandoned: 'ignore' }, load: { retry: { attempts: 0, backoff: 'linear', budget: -1 } } },
      problems: [
        { path: 'upstream.abandoned', value: '"ignore"', message: 'must be one of "cancel", "serve"', fix: 'use one of cancel, serve' },
        { path: 'load.retry.attempts', value: '0', message: 'must be an integer from 1 to 10', fix: 'set at least 1 attempt' },
        { path: 'load.retry.backoff', value: '"linear"', message: 'must be one of "none", "exponential"', fix: 'use one of none, exponential' },
        { path: 'load.retry.budget', value: '-1', message: 'must be a number from 0 to 10', fix: 'set at least 0' },
      ],
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      assert.deepEqual(problemsOf(c.input), c.problems);
    });
  }

  it('loads retry-storm: open, an upstream that serves abandoned work, clients that give up after 300 ms, a spike to 150 req/s', async () => {
    const scenario = await loadScenario('retry-storm');
    assert.equal(scenario.model, 'open');
    assert.deepEqual(scenario.upstream, { ...DEFAULTS.upstream, workers: 2, serviceMs: 20, queue: 50, shed: 'reset', abandoned: 'serve' });
    assert.deepEqual(scenario.load.retry, { attempts: 3, timeoutMs: 300, backoff: 'none', baseMs: 100, maxMs: 2000, budget: 0 });
    assert.deepEqual(scenario.timeline.events, [{ atMs: 3000, action: 'set-load', offered: 150 }, { atMs: 5000, action: 'set-load', offered: 62.5 }]);
    assert.deepEqual(scenario.expect, [{ noFailuresBeforeMs: 3000 }, { goodputAfter: { fromMs: 7000, maxRps: 50 } }]);
  });

  it('loads retry-storm-backoff: the same storm with full jitter and a 10 % budget', async () => {
    const scenario = await loadScenario('retry-storm-backoff');
    assert.deepEqual(scenario.load.retry, { attempts: 3, timeoutMs: 300, backoff: 'exponential', baseMs: 100, maxMs: 2000, budget: 0.1 });
    assert.deepEqual(scenario.timeline, (await loadScenario('retry-storm')).timeline);
    assert.deepEqual(scenario.expect, [{ noFailuresBeforeMs: 3000 }, { goodputAfter: { fromMs: 7000, minRps: 56.25 } }]);
  });
});

// A small retry storm on a 4 s timeline of 250 ms buckets: 40 req/s, a spike to 100 req/s from
// 1 s to 2 s, then 40 req/s again. Before the spike every request succeeds; during it 5 of 25 a
// bucket; after it `okAfter` of 30 a bucket (the load plus the retries), every failure a client
// that gave up (ETIMEDOUT).
const RATES = [{ atMs: 0, rateRps: 40 }, { atMs: 1000, rateRps: 100 }, { atMs: 2000, rateRps: 40 }];
const STORM: TimelineClients = { giveUpMs: 300, attempts: 3, rates: RATES, abandoned: 'serve' };

/** The client errors of a bucket with `failures` failures. */
type ErrorsOf = (failures: number) => Record<string, number>;
const GAVE_UP: ErrorsOf = (failures) => ({ ETIMEDOUT: failures });

function bucket(t: number, sent: number, ok: number, errorsOf: ErrorsOf): TimelineBucket {
  const failures = sent - ok;
  return {
    t, sent, ok, failures,
    firstFailureAt: failures > 0 ? t + 1 : null, lastFailureAt: failures > 0 ? t + 249 : null,
    status: ok > 0 ? { '200': ok } : {}, errors: failures > 0 ? errorsOf(failures) : {}, causes: {},
  };
}

function storm(okAfter: number, errorsOf: ErrorsOf = GAVE_UP): TimelineResult {
  const buckets = [
    ...[0, 250, 500, 750].map((t) => bucket(t, 10, 10, errorsOf)),
    ...[1000, 1250, 1500, 1750].map((t) => bucket(t, 25, 5, errorsOf)),
    ...Array.from({ length: 8 }, (_, i) => bucket(2000 + i * 250, 30, okAfter, errorsOf)),
  ];
  const sent = buckets.reduce((n, b) => n + b.sent, 0);
  const ok = buckets.reduce((n, b) => n + b.ok, 0);
  return {
    offered: 40, durationMs: 4000, bucketMs: 250, buckets,
    events: [
      { t: 1000, what: 'set-load', detail: 'the arrival rate changes to 100 req/s', planned: true, effect: 'fault' },
      { t: 2000, what: 'set-load', detail: 'the arrival rate changes to 40.0 req/s', planned: true, effect: 'recovery' },
    ],
    windows: [{ start: 1000, end: 4000, failures: sent - ok, dominantCause: null }],
    recoveries: [{ what: 'set-load', t: 2000, recoveredAfterMs: null }],
    totals: { sent, ok, failures: sent - ok },
    latencyMs: { ok: null, failed: null },
    generator: { cpu: 0.1, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2, sendLagP99Ms: 1 },
    valid: true, invalidReason: null,
  };
}

const METASTABLE_TAIL = ": a metastable failure. The load dropped, but the clients' retries keep the upstream's queue full of requests whose clients have already given up, so almost every answer comes too late.";
const afterDrop = (sentences: string[]): string[] => sentences.filter((s) => s.startsWith('After the rate dropped'));

describe('explainTimeline for retrying clients', () => {
  it('calls goodput under half the new rate after a drop a metastable failure, and each ETIMEDOUT a client that gave up', () => {
    // After 2 s: 4 ok per 250 ms bucket = 16 req/s, 40 % of 40 req/s; 26 × 8 + 20 × 4 = 288 ETIMEDOUT.
    assert.deepEqual(explainTimeline(storm(4), 'rps', {}, STORM), [
      'Under a steady 40 req/s, 288 of 380 requests failed (75.8 %), in one failure window.',
      'From 1.00 s to 4.00 s: 288 failed, with no cause counted by the gateway (the client saw them fail).',
      'After set-load at 2.00 s, the failures did not stop before the next fault or the end of the run.',
      `After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 16.0 2xx per second to the end (40.0 % of it)${METASTABLE_TAIL}`,
      'The clients saw ETIMEDOUT ×288; each ETIMEDOUT is a client that gave up after 300 ms, while the upstream went on with its request (wasted work).',
    ]);
  });

  const drops: [name: string, okAfter: number, clients: TimelineClients, sentence: string][] = [
    ['no metastable failure when the clients never retry, however low the goodput', 4, { ...STORM, attempts: 1 },
      'After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 16.0 2xx per second to the end (40.0 % of it).'],
    ['no metastable failure without a number of attempts (never retried)', 4, { rates: RATES },
      'After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 16.0 2xx per second to the end (40.0 % of it).'],
    ['no metastable failure at exactly half the new rate', 5, STORM,
      'After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 20.0 2xx per second to the end (50.0 % of it).'],
    ['a metastable failure just under half', 4.75, STORM,
      `After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 19.0 2xx per second to the end (47.5 % of it)${METASTABLE_TAIL}`],
    ['a full recovery as 100 %', 10, STORM,
      'After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 40.0 2xx per second to the end (100 % of it).'],
    ['a draining queue above the new rate as 100 %, not more', 12, STORM,
      'After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 48.0 2xx per second to the end (100 % of it).'],
  ];
  for (const [name, okAfter, clients, sentence] of drops) {
    it(`says ${name}`, () => {
      assert.deepEqual(afterDrop(explainTimeline(storm(okAfter), 'rps', {}, clients)), [sentence]);
    });
  }

  it('says neither a full queue of abandoned requests nor wasted work when the upstream cancels them', () => {
    const cancelling = { ...STORM, abandoned: 'cancel' as const };
    const sentences = explainTimeline(storm(4), 'rps', {}, cancelling);
    assert.deepEqual(afterDrop(sentences), [
      "After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 16.0 2xx per second to the end (40.0 % of it): a metastable failure. The load dropped, but the clients' retries keep the upstream saturated.",
    ]);
    assert.equal(sentences.at(-1), 'The clients saw ETIMEDOUT ×288; each ETIMEDOUT is a client that gave up after 300 ms.');
  });

  it('says one sentence per drop, each over the buckets from its own time to the end', () => {
    const rates = [{ atMs: 0, rateRps: 100 }, { atMs: 1000, rateRps: 80 }, { atMs: 2000, rateRps: 40 }];
    // From 1 s: (5 × 4 + 4 × 8) ok over 3 s = 17.3 req/s; from 2 s: 4 × 8 over 2 s = 16 req/s.
    assert.deepEqual(afterDrop(explainTimeline(storm(4), 'rps', {}, { ...STORM, rates })), [
      `After the rate dropped to 80.0 req/s at 1.00 s, the gateway answered 17.3 2xx per second to the end (21.7 % of it)${METASTABLE_TAIL}`,
      `After the rate dropped to 40.0 req/s at 2.00 s, the gateway answered 16.0 2xx per second to the end (40.0 % of it)${METASTABLE_TAIL}`,
    ]);
  });

  const silent: [name: string, clients: TimelineClients][] = [
    ['without planned rates', { giveUpMs: 300, attempts: 3 }],
    ['for a rise alone', { ...STORM, rates: [{ atMs: 0, rateRps: 40 }, { atMs: 1000, rateRps: 100 }] }],
    ['for a change to the same rate', { ...STORM, rates: [{ atMs: 0, rateRps: 40 }, { atMs: 1000, rateRps: 40 }] }],
    ['for a drop after the last bucket began', { ...STORM, rates: [{ atMs: 0, rateRps: 100 }, { atMs: 3800, rateRps: 40 }] }],
  ];
  for (const [name, clients] of silent) {
    it(`says nothing about the goodput after a drop ${name}`, () => {
      assert.deepEqual(afterDrop(explainTimeline(storm(4), 'rps', {}, clients)), []);
    });
  }

  it('names the three commonest client errors before saying what an ETIMEDOUT means', () => {
    const sentences = explainTimeline(storm(4, (failures) => ({ ETIMEDOUT: failures - 6, ECONNRESET: 3, UND_ERR_SOCKET: 2, lost: 1 })), 'rps', {}, STORM);
    assert.equal(
      sentences.at(-1),
      'The clients saw ETIMEDOUT ×216, ECONNRESET ×36, UND_ERR_SOCKET ×24; each ETIMEDOUT is a client that gave up after 300 ms, while the upstream went on with its request (wasted work).',
    );
  });

  it('keeps the old wording when the clients have no give-up timer: the gateway never answered', () => {
    assert.equal(explainTimeline(storm(4), 'rps', {}, { attempts: 3, rates: RATES }).at(-1), 'The client itself saw ETIMEDOUT ×288: requests that got no answer at all from the gateway.');
    assert.equal(explainTimeline(storm(4), 'rps', {}).at(-1), 'The client itself saw ETIMEDOUT ×288: requests that got no answer at all from the gateway.');
  });

  it('keeps the old wording when clients give up but no error is an ETIMEDOUT', () => {
    assert.equal(
      explainTimeline(storm(4, (failures) => ({ ECONNRESET: failures })), 'rps', {}, STORM).at(-1),
      'The client itself saw ECONNRESET ×288: requests that got no answer at all from the gateway.',
    );
  });
});

/** The one result of a goodputAfter expectation on `timeline`. */
function judge(goodputAfter: Extract<Expectation, { goodputAfter: unknown }>['goodputAfter'], timeline: TimelineResult | undefined): ReturnType<typeof evaluateExpectations>[number] {
  const input: ExpectationInput = { onset: null, causes: {}, steps: [], unit: 'rps', ...(timeline === undefined ? {} : { timeline }) };
  const [result] = evaluateExpectations([{ goodputAfter }], input);
  assert.ok(result !== undefined);
  return result;
}

describe('evaluateExpectations: goodputAfter', () => {
  // storm(4): 4 ok per 250 ms bucket from 2 s on, 16 req/s over 8 buckets.
  it('passes a goodput at most maxRps, with the measured rate and the buckets it covers', () => {
    assert.deepEqual(judge({ fromMs: 2000, maxRps: 20 }, storm(4)), {
      description: 'goodput from 2.00 s on at most 20.0 req/s', passed: true, actual: '16.0 req/s of 2xx over 8 buckets',
    });
  });

  it('fails a goodput below minRps (the metastable failure retry-storm-backoff must not have)', () => {
    assert.deepEqual(judge({ fromMs: 2000, minRps: 36 }, storm(4)), {
      description: 'goodput from 2.00 s on at least 36.0 req/s', passed: false, actual: '16.0 req/s of 2xx over 8 buckets',
    });
  });

  it('fails a goodput above maxRps (the recovery retry-storm must not have)', () => {
    assert.deepEqual(judge({ fromMs: 2000, maxRps: 20 }, storm(10)), {
      description: 'goodput from 2.00 s on at most 20.0 req/s', passed: false, actual: '40.0 req/s of 2xx over 8 buckets',
    });
  });

  it('names both bounds, and passes between them', () => {
    assert.deepEqual(judge({ fromMs: 2000, minRps: 10, maxRps: 20 }, storm(4)), {
      description: 'goodput from 2.00 s on at least 10.0 and at most 20.0 req/s', passed: true, actual: '16.0 req/s of 2xx over 8 buckets',
    });
  });

  it('passes at either bound itself', () => {
    assert.equal(judge({ fromMs: 2000, minRps: 16 }, storm(4)).passed, true);
    assert.equal(judge({ fromMs: 2000, maxRps: 16 }, storm(4)).passed, true);
    assert.equal(judge({ fromMs: 2000, minRps: 16, maxRps: 16 }, storm(4)).passed, true);
  });

  it('judges only the buckets that begin at or after fromMs: from 1.9 s is from the bucket at 2 s', () => {
    assert.equal(judge({ fromMs: 1900, maxRps: 20 }, storm(4)).actual, '16.0 req/s of 2xx over 8 buckets');
    // From 0: (10 × 4 + 5 × 4 + 4 × 8) ok over 4 s.
    assert.equal(judge({ fromMs: 0, maxRps: 20 }, storm(4)).actual, '23.0 req/s of 2xx over 16 buckets');
  });

  it('says "1 bucket" in the singular', () => {
    assert.equal(judge({ fromMs: 3750, maxRps: 20 }, storm(4)).actual, '16.0 req/s of 2xx over 1 bucket');
  });

  it('fails when no bucket began at or after fromMs: no evidence is not a pass', () => {
    assert.deepEqual(judge({ fromMs: 3800, maxRps: 20 }, storm(4)), {
      description: 'goodput from 3.80 s on at most 20.0 req/s', passed: false, actual: 'no bucket began at or after 3.80 s',
    });
  });

  it('fails outside a timeline run, with the same description', () => {
    assert.deepEqual(judge({ fromMs: 7000, minRps: 56.25 }, undefined), {
      description: 'goodput from 7.00 s on at least 56.3 req/s', passed: false, actual: 'not a timeline run',
    });
  });
});

describe('a set-load event on the timeline', () => {
  const cases: [name: string, event: TimelineEvent, rateBefore: number | undefined, effect: 'fault' | 'recovery', words: string][] = [
    ['a rise from 62.5 to 150 req/s a fault', { atMs: 3000, action: 'set-load', offered: 150 }, 62.5, 'fault', 'the arrival rate changes to 150 req/s'],
    ['a drop from 150 to 62.5 req/s a recovery', { atMs: 5000, action: 'set-load', offered: 62.5 }, 150, 'recovery', 'the arrival rate changes to 62.5 req/s'],
    ['a change with no rate before it a rise (from 0), so a fault', { atMs: 3000, action: 'set-load', offered: 1500 }, undefined, 'fault', 'the arrival rate changes to 1,500 req/s'],
  ];
  for (const [name, event, rateBefore, effect, words] of cases) {
    it(`calls ${name}, and says "${words}"`, () => {
      assert.equal(rateBefore === undefined ? plannedEffect(event, '127.0.0.1') : plannedEffect(event, '127.0.0.1', rateBefore), effect);
      assert.equal(describePlanned(event, '127.0.0.1'), words);
    });
  }

  it('leaves the other events as they were whatever the rate before them', () => {
    assert.equal(plannedEffect({ atMs: 1, action: 'stop-upstream' }, '127.0.0.1', 500), 'fault');
    assert.equal(plannedEffect({ atMs: 1, action: 'start-upstream' }, '127.0.0.1', 500), 'recovery');
  });
});
