import assert from 'node:assert/strict';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { isLoopbackV4, TIMELINE_EVENT_MUST } from '../../harness/config/timeline-events.ts';
import type { Problem } from '../../harness/errors.ts';
import { problemsOf, scenarioOf } from '../helpers/validation.ts';


/** An open-model timeline of 9 s at 200 req/s, with `changes` on top (sections replaced whole). */
function timelineScenario(changes: Record<string, unknown> = {}, timeline: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'case', model: 'open', ...changes, timeline: { durationMs: 9000, offered: 200, ...timeline } };
}

const EVENTS_MUST = `must be a list; each entry ${TIMELINE_EVENT_MUST}`;
const EVENTS_FIX = "write e.g. [{ atMs: 3000, action: 'stop-upstream' }, { atMs: 6000, action: 'start-upstream' }]";

describe('validateScenario on timelines', () => {
  it('accepts the catalogue shape: events, a crash limit, a restart delay, a name under .test with its TTL, the timeline checks', () => {
    const scenario = scenarioOf(timelineScenario(
      {
        upstream: { crashAboveInFlight: 12, restartDelayMs: 1000 },
        gateway: { upstreamName: 'upstream.overload.test', dnsTtlMs: 2000 },
        expect: [{ recoveryWithinMs: 2500 }, { failureWindows: { min: 1, max: 1 } }, { failureWindows: { min: 2 } }, { noFailuresBeforeMs: 2500 }],
      },
      {
        bucketMs: 100,
        events: [
          { atMs: 0, action: 'stop-upstream' },
          { atMs: 1000, action: 'start-upstream' },
          { atMs: 2500, action: 'set-dns', address: '127.0.0.2' },
          { atMs: 4500, action: 'set-dns', address: null },
          { atMs: 8999, action: 'set-dns', address: '127.255.255.254' },
        ],
      },
    ));
    assert.deepEqual(scenario.timeline, {
      durationMs: 9000,
      offered: 200,
      bucketMs: 100,
      events: [
        { atMs: 0, action: 'stop-upstream' },
        { atMs: 1000, action: 'start-upstream' },
        { atMs: 2500, action: 'set-dns', address: '127.0.0.2' },
        { atMs: 4500, action: 'set-dns', address: null },
        { atMs: 8999, action: 'set-dns', address: '127.255.255.254' },
      ],
    });
    assert.deepEqual([scenario.upstream.crashAboveInFlight, scenario.upstream.restartDelayMs], [12, 1000]);
    assert.deepEqual([scenario.gateway.upstreamName, scenario.gateway.dnsTtlMs], ['upstream.overload.test', 2000]);
    assert.deepEqual(scenario.expect, [{ recoveryWithinMs: 2500 }, { failureWindows: { min: 1, max: 1 } }, { failureWindows: { min: 2 } }, { noFailuresBeforeMs: 2500 }]);
  });

  it('defaults to no timeline: durationMs 0, no load, 250 ms buckets, no events; no crash; connect by address', () => {
    const scenario = scenarioOf({ name: 'case' });
    assert.deepEqual(scenario.timeline, { durationMs: 0, offered: 0, bucketMs: 250, events: [] });
    assert.deepEqual([scenario.upstream.crashAboveInFlight, scenario.upstream.restartDelayMs, scenario.gateway.upstreamName, scenario.gateway.dnsTtlMs], [0, 1000, '', 5000]);
  });

  it('does not share its events with the input: a changed input changes no scenario', () => {
    const input = timelineScenario({}, { events: [{ atMs: 3000, action: 'stop-upstream' }] });
    const scenario = scenarioOf(input);
    ((input.timeline as { events: { atMs: number }[] }).events[0] as { atMs: number }).atMs = 1;
    assert.equal(scenario.timeline.events[0]?.atMs, 3000);
  });

  const refused: { name: string; input: Record<string, unknown>; problems: Problem[] }[] = [
    {
      name: 'an event at the end of the timeline, at its index',
      input: timelineScenario({}, { events: [{ atMs: 3000, action: 'stop-upstream' }, { atMs: 9000, action: 'start-upstream' }] }),
      problems: [{ path: 'timeline.events[1].atMs', value: '9000', message: 'must be before the end of the timeline (timeline.durationMs 9000)', fix: 'set it below 9000, or lengthen timeline.durationMs' }],
    },
    {
      name: 'an event after the end of the timeline',
      input: timelineScenario({}, { events: [{ atMs: 12_000, action: 'stop-upstream' }] }),
      problems: [{ path: 'timeline.events[0].atMs', value: '12000', message: 'must be before the end of the timeline (timeline.durationMs 9000)', fix: 'set it below 9000, or lengthen timeline.durationMs' }],
    },
    {
      name: 'a set-dns event when the gateway has no name to resolve',
      input: timelineScenario({}, { events: [{ atMs: 2500, action: 'set-dns', address: '127.0.0.2' }] }),
      problems: [{
        path: 'timeline.events[0].action', value: '"set-dns"',
        message: 'needs a name for the gateway to resolve (gateway.upstreamName is empty)', fix: 'set gateway.upstreamName, e.g. "upstream.overload.test"',
      }],
    },
    ...['10.0.0.1', '::1', 'localhost', '128.0.0.1', '127.0.0.256', ''].map((address) => ({
      name: `a set-dns address outside 127.0.0.0/8 (${JSON.stringify(address)}), on the events list`,
      input: timelineScenario({ gateway: { upstreamName: 'upstream.overload.test' } }, { events: [{ atMs: 2500, action: 'set-dns', address }] }),
      problems: [{ path: 'timeline.events', message: EVENTS_MUST, fix: EVENTS_FIX, value: JSON.stringify([{ atMs: 2500, action: 'set-dns', address }]) }],
    })),
    {
      name: 'an event with an unknown action',
      input: timelineScenario({}, { events: [{ atMs: 2500, action: 'kill-upstream' }] }),
      problems: [{ path: 'timeline.events', message: EVENTS_MUST, fix: EVENTS_FIX, value: '[{"atMs":2500,"action":"kill-upstream"}]' }],
    },
    {
      name: 'an upstream name not under .test, with a fix that is',
      input: timelineScenario({ gateway: { upstreamName: 'upstream.example.com' } }),
      problems: [{
        path: 'gateway.upstreamName', value: '"upstream.example.com"',
        message: 'must be a host name under .test (RFC 6761 keeps it off every real resolver), or empty to connect by address', fix: 'write "upstream-example-com.test"',
      }],
    },
    {
      name: 'a bare name that a real resolver answers (localhost)',
      input: timelineScenario({ gateway: { upstreamName: 'localhost' } }),
      problems: [{
        path: 'gateway.upstreamName', value: '"localhost"',
        message: 'must be a host name under .test (RFC 6761 keeps it off every real resolver), or empty to connect by address', fix: 'write "localhost.test"',
      }],
    },
    {
      name: 'no load in a timeline (offered left at 0 with durationMs set)',
      input: { name: 'case', model: 'open', timeline: { durationMs: 9000 } },
      problems: [{
        path: 'timeline.offered', value: '0',
        message: 'must be above 0 in a timeline scenario (timeline.durationMs is set)', fix: 'set the steady load, e.g. 8 connections or 200 req/s, below the capacity',
      }],
    },
    {
      name: 'events in a scenario that is not a timeline (timeline.durationMs left at 0)',
      input: { name: 'case', model: 'open', timeline: { events: [{ atMs: 3000, action: 'stop-upstream' }, { atMs: 6000, action: 'start-upstream' }] } },
      problems: [{
        path: 'timeline.events', value: '2',
        message: 'are set, but timeline.durationMs is 0 (not a timeline scenario): they would never happen', fix: 'set timeline.durationMs (and timeline.offered), or remove the events',
      }],
    },
    {
      name: 'one event with timeline.durationMs set to 0 and a load offered',
      input: { name: 'case', model: 'open', timeline: { durationMs: 0, offered: 200, events: [{ atMs: 3000, action: 'stop-upstream' }] } },
      problems: [{
        path: 'timeline.events', value: '1',
        message: 'are set, but timeline.durationMs is 0 (not a timeline scenario): they would never happen', fix: 'set timeline.durationMs (and timeline.offered), or remove the events',
      }],
    },
    {
      name: 'a fractional number of connections in the closed model',
      input: { name: 'case', model: 'closed', timeline: { durationMs: 9000, offered: 2.5 } },
      problems: [{ path: 'timeline.offered', value: '2.5', message: 'must be a whole number of connections in the closed model', fix: 'use 3' }],
    },
    {
      name: 'a timeline longer than the default duration cap (600 s)',
      input: timelineScenario({}, { durationMs: 600_001 }),
      problems: [{ path: 'timeline.durationMs', value: '600001', message: 'must fit in caps.maxDurationS (600 s)', fix: 'set at most 600000' }],
    },
    {
      name: 'a timeline longer than a lowered duration cap',
      input: timelineScenario({ caps: { maxDurationS: 5 } }),
      problems: [{ path: 'timeline.durationMs', value: '9000', message: 'must fit in caps.maxDurationS (5 s)', fix: 'set at most 5000' }],
    },
    {
      name: 'a steady load above the cap of its model',
      input: timelineScenario({ caps: { maxRps: 100 } }),
      problems: [{ path: 'timeline.offered', value: '200', message: 'must not exceed caps.maxRps (100 req/s)', fix: 'offer 100 or less, or raise caps.maxRps (at most 50000)' }],
    },
    {
      name: 'failureWindows with min above max',
      input: timelineScenario({ expect: [{ noFailuresBeforeMs: 100 }, { failureWindows: { min: 2, max: 1 } }] }),
      problems: [{ path: 'expect[1].failureWindows', value: '{"min":2,"max":1}', message: 'must be { min, max? } with whole numbers, 0 ≤ min ≤ max', fix: 'write e.g. { min: 2 }' }],
    },
    {
      name: 'a negative recovery limit and a negative time',
      input: timelineScenario({ expect: [{ recoveryWithinMs: -1 }, { noFailuresBeforeMs: -5 }] }),
      problems: [
        { path: 'expect[0].recoveryWithinMs', value: '-1', message: 'must be a number of ms of at least 0', fix: 'write e.g. 1000' },
        { path: 'expect[1].noFailuresBeforeMs', value: '-5', message: 'must be a number of ms of at least 0', fix: 'write e.g. 3000' },
      ],
    },
    {
      name: 'a negative crash limit and a fractional restart delay',
      input: timelineScenario({ upstream: { crashAboveInFlight: -1, restartDelayMs: 1.5 } }),
      problems: [
        { path: 'upstream.crashAboveInFlight', value: '-1', message: 'must be an integer of at least 0', fix: 'set at least 0 requests' },
        { path: 'upstream.restartDelayMs', value: '1.5', message: 'must be an integer from 0 to 2147483647', fix: 'use a whole number, e.g. 1000' },
      ],
    },
    {
      name: 'a negative DNS TTL',
      input: timelineScenario({ gateway: { dnsTtlMs: -1 } }),
      problems: [{ path: 'gateway.dnsTtlMs', value: '-1', message: 'must be an integer from 0 to 2147483647', fix: 'set at least 0' }],
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      assert.deepEqual(problemsOf(c.input), c.problems);
    });
  }

  it('reports every timeline problem at once, each at its own path', () => {
    const input = timelineScenario({ caps: { maxDurationS: 5 } }, { offered: 0, events: [{ atMs: 9000, action: 'stop-upstream' }, { atMs: 100, action: 'set-dns', address: '127.0.0.2' }] });
    assert.deepEqual(problemsOf(input).map((p) => p.path), ['timeline.offered', 'timeline.durationMs', 'timeline.events[0].atMs', 'timeline.events[1].action']);
  });

  it('accepts an empty list of events in a scenario that is not a timeline', () => {
    assert.deepEqual(scenarioOf({ name: 'case', timeline: { events: [] } }).timeline.events, []);
  });

  it('accepts an event just before the end and a duration exactly at the cap', () => {
    scenarioOf(timelineScenario({ caps: { maxDurationS: 9 } }, { events: [{ atMs: 8999, action: 'stop-upstream' }] }));
  });
});

describe('isLoopbackV4', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true], ['127.0.0.2', true], ['127.255.255.255', true],
    ['126.255.255.255', false], ['128.0.0.1', false], ['10.0.0.1', false], ['::1', false], ['::ffff:127.0.0.1', false], ['localhost', false], ['127.1', false],
  ];
  for (const [address, loopback] of cases) {
    it(`${loopback ? 'accepts' : 'refuses'} ${address}`, () => {
      assert.equal(isLoopbackV4(address), loopback);
    });
  }
});

describe('the named timeline scenarios', () => {
  it('loads maintenance: a stop at 2 s and a start at 4.5 s of 7 s, under 200 req/s', async () => {
    const scenario = await loadScenario('maintenance');
    assert.deepEqual([scenario.model, scenario.timeline.durationMs, scenario.timeline.offered], ['open', 7000, 200]);
    assert.deepEqual(scenario.timeline.events, [{ atMs: 2000, action: 'stop-upstream' }, { atMs: 4500, action: 'start-upstream' }]);
  });

  it('loads crash-restart: no planned event, a crash limit and a restart delay', async () => {
    const scenario = await loadScenario('crash-restart');
    assert.deepEqual([scenario.timeline.durationMs, scenario.timeline.events, scenario.upstream.crashAboveInFlight, scenario.upstream.restartDelayMs], [12_000, [], 12, 1000]);
  });

  it('loads dns-change: a name under .test with a 2 s TTL, moved away and back', async () => {
    const scenario = await loadScenario('dns-change');
    assert.deepEqual([scenario.gateway.upstreamName, scenario.gateway.dnsTtlMs], ['upstream.overload.test', 2000]);
    assert.deepEqual(scenario.timeline.events, [{ atMs: 2500, action: 'set-dns', address: '127.0.0.2' }, { atMs: 4500, action: 'set-dns', address: '127.0.0.1' }]);
  });
});
