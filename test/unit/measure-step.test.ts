import assert from 'node:assert/strict';
import { drainFixtures, serviceDuring, type WatchedFixtures } from '../../harness/runner/measure-step.ts';
import { quietGatewayStats, type GatewayStats, type UpstreamStats } from '../../fixtures/common/protocol.ts';
import { OverloadError } from '../../harness/errors.ts';

const upstream = (patch: Partial<UpstreamStats> = {}): UpstreamStats => ({
  inFlight: 0,
  inService: 0,
  queued: 0,
  peakQueued: 0,
  received: 0,
  served: 0,
  shed: 0,
  serviceMsMeasured: null,
  connections: 0,
  ...patch,
});

const gateway = (patch: Partial<GatewayStats> = {}): GatewayStats => ({
  ...quietGatewayStats(),
  ...patch,
});

/** Fixtures whose successive stats readings are the given lists (the last one repeats). */
function scripted(gateways: GatewayStats[], upstreams: UpstreamStats[]): WatchedFixtures & { reads: () => number } {
  let g = 0;
  let u = 0;
  return {
    gateway: { stats: () => Promise.resolve(gateways[Math.min(g++, gateways.length - 1)] ?? gateway()) },
    upstream: { stats: () => Promise.resolve(upstreams[Math.min(u++, upstreams.length - 1)] ?? upstream()) },
    reads: () => g,
  };
}

describe('the drain between steps', () => {
  it('polls until neither fixture has anything in flight, and returns the last readings', async () => {
    const fixtures = scripted(
      [gateway({ inFlight: 3 }), gateway({ inFlight: 1 }), gateway({ inFlight: 0, received: 42 })],
      [upstream({ inFlight: 2 }), upstream({ inFlight: 0 }), upstream({ inFlight: 0, served: 40 })],
    );
    const drained = await drainFixtures(fixtures, 5000);
    assert.equal(fixtures.reads(), 3);
    assert.equal(drained.gateway.received, 42);
    assert.equal(drained.upstream.served, 40);
  });

  it('waits for upstream attempts the gateway is still settling, even with no client request in flight', async () => {
    const fixtures = scripted([gateway({ dispatched: 2 }), gateway({ dispatched: 0 })], [upstream()]);
    await drainFixtures(fixtures, 5000);
    assert.equal(fixtures.reads(), 2);
  });

  it('keeps the deepest queues seen over all its readings, since each reading restarts the peaks', async () => {
    const fixtures = scripted(
      [gateway({ inFlight: 1, peakQueued: 7 }), gateway({ peakQueued: 2 })],
      [upstream({ inFlight: 1, peakQueued: 16 }), upstream({ peakQueued: 3 })],
    );
    const drained = await drainFixtures(fixtures, 5000);
    assert.deepEqual([drained.peakGatewayQueued, drained.peakUpstreamQueued], [7, 16]);
  });

  it('gives up with DRAIN_TIMEOUT, naming what is still in flight, when a fixture never drains', async () => {
    const fixtures = scripted([gateway({ inFlight: 2 })], [upstream({ inFlight: 1 })]);
    await assert.rejects(drainFixtures(fixtures, 50), (error: unknown) => {
      assert.ok(error instanceof OverloadError);
      assert.equal(error.code, 'DRAIN_TIMEOUT');
      assert.match(error.message, /gateway: 2, upstream: 1/);
      return true;
    });
  });
});

describe('the upstream service during a step', () => {
  it('is the difference of the cumulative totals, from counts and means', () => {
    const before = upstream({ served: 100, serviceMsMeasured: 10 });
    const after = upstream({ served: 300, serviceMsMeasured: 10.5 });
    // 300 × 10.5 − 100 × 10 = 2150 ms over 200 requests: 10.75 ms each.
    assert.deepEqual(serviceDuring(before, after), { served: 200, totalMs: 2150 });
  });

  it('is empty before the first request was served', () => {
    assert.deepEqual(serviceDuring(upstream(), upstream()), { served: 0, totalMs: 0 });
  });
});
