import assert from 'node:assert/strict';
import { renderPlan } from '../../harness/cli/commands/plan.ts';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import type { Scenario } from '../../harness/config/scenario.ts';

/** The lines of a plan from its `plan` line on: what a timeline prints in place of steps. */
function planLines(scenario: Scenario): string[] {
  const lines = renderPlan(scenario, 'search').split('\n');
  const start = lines.findIndex((line) => line.startsWith('plan '));
  assert.ok(start > 0, lines.join('\n'));
  return lines.slice(start);
}

describe('renderPlan for the timeline scenarios', () => {
  const scenarios = new Map<string, Scenario>();
  before(async () => {
    for (const name of ['maintenance', 'crash-restart', 'dns-change']) scenarios.set(name, await loadScenario(name));
  });

  /** The scenario loaded above, by name. */
  function scenario(name: string): Scenario {
    const found = scenarios.get(name);
    assert.ok(found !== undefined, `${name} was not loaded`);
    return structuredClone(found);
  }

  it('gives maintenance its steady load, the stop and the start in order with their times, and its bounds', () => {
    assert.deepEqual(planLines(scenario('maintenance')), [
      'plan      timeline: a steady 200 req/s for 7.00 s, measured in 250 ms buckets',
      '          2.00 s stop-upstream: for maintenance, the upstream takes no new connection and finishes what it holds',
      '          4.50 s start-upstream: the upstream starts again on its port',
      'bounds    7.00 s of load, 1,400 requests, then the requests in flight are answered or time out (10,000 ms at most)',
      "theory    a timeline looks for no onset; theory's capacity C / S = 800 req/s",
      'traffic   only to the fixtures this run starts on 127.0.0.1',
      '',
    ]);
  });

  it('gives crash-restart no scheduled event but the crash the upstream brings on itself, and its bounds', () => {
    assert.deepEqual(planLines(scenario('crash-restart')), [
      'plan      timeline: a steady 150 req/s for 12.00 s, measured in 250 ms buckets',
      '          no scheduled event',
      '          the upstream crashes above 12 requests in flight and restarts 1,000 ms later',
      'bounds    12.00 s of load, 1,800 requests, then the requests in flight are answered or time out (10,000 ms at most)',
      "theory    a timeline looks for no onset; theory's capacity C / S = 200 req/s",
      'traffic   only to the fixtures this run starts on 127.0.0.1',
      '',
    ]);
  });

  it('gives dns-change the record moving away and back, the name the gateway resolves with its TTL, and its bounds', () => {
    assert.deepEqual(planLines(scenario('dns-change')), [
      'plan      timeline: a steady 200 req/s for 8.00 s, measured in 250 ms buckets',
      '          2.50 s set-dns: the record moves to 127.0.0.2, where nothing listens',
      '          4.50 s set-dns: the record points back at the upstream (127.0.0.1)',
      '          the gateway resolves upstream.overload.test, keeping each answer 2,000 ms',
      'bounds    8.00 s of load, 1,600 requests, then the requests in flight are answered or time out (10,000 ms at most)',
      "theory    a timeline looks for no onset; theory's capacity C / S = 800 req/s",
      'traffic   only to the fixtures this run starts on 127.0.0.1',
      '',
    ]);
  });

  it('starts with the scenario, the fixtures, the load and the criterion, like any plan', () => {
    const lines = renderPlan(scenario('maintenance'), 'search').split('\n');
    assert.ok(lines[0]?.startsWith('scenario maintenance: the upstream is stopped for 2.5 s'), lines[0]);
    assert.deepEqual(lines.slice(1, 4), [
      'upstream  C = 8 workers, S = 10 ms fixed, Q = 32, shed = reset',
      'gateway   node (nginx profile), pool 512, queue 1024, timeouts connect 1000 ms / upstream 5000 ms',
      'load      open loop: uniform arrivals at a planned rate, each sent on time whatever the answers do',
    ]);
  });

  for (const name of ['maintenance', 'crash-restart', 'dns-change']) {
    it(`prints ${name} the same with --ramp: a timeline has no steps to plan, and no onset to predict`, () => {
      const plan = renderPlan(scenario(name), 'ramp');
      assert.equal(plan, renderPlan(scenario(name), 'search'));
      assert.ok(!plan.includes('onset search') && !plan.includes('stepped ramp') && !plan.includes('onset at'), plan);
    });
  }

  it('prints the events in time order whatever order the scenario lists them in, and a removed record', () => {
    const dns = scenario('dns-change');
    dns.timeline.events = [
      { atMs: 6000, action: 'set-dns', address: '127.0.0.1' },
      { atMs: 2500, action: 'set-dns', address: null },
      { atMs: 500, action: 'set-dns', address: '127.0.0.3' },
    ];
    assert.deepEqual(planLines(dns).slice(1, 4), [
      '          0.50 s set-dns: the record moves to 127.0.0.3, where nothing listens',
      '          2.50 s set-dns: the record is removed (NXDOMAIN)',
      '          6.00 s set-dns: the record points back at the upstream (127.0.0.1)',
    ]);
  });

  it('counts no requests in the bounds of a closed-model timeline: its connections set the pace', () => {
    const closed = scenario('maintenance');
    closed.model = 'closed';
    closed.timeline.offered = 8;
    const lines = planLines(closed);
    assert.equal(lines[0], 'plan      timeline: a steady 8 connections for 7.00 s, measured in 250 ms buckets');
    assert.equal(lines[3], 'bounds    7.00 s of load, then the requests in flight are answered or time out (10,000 ms at most)');
  });
});
