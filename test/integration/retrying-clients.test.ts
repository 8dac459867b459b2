/**
 * The open-loop driver's retrying clients (`load.retry`, scenario `retry-storm`) against the real
 * upstream and gateway fixtures, in-process on 127.0.0.1 port 0. The upstream here is slow on
 * purpose: one worker and a fixed 400 ms service time, so a client that waits 100 ms never gets
 * an answer and the counts below are exact. (The service clock shortens a service only to take
 * back lateness of earlier timers that fired, and in the give-up tests every service is cancelled
 * before its timer fires.) Every step is at most a second of load at a few req/s; every fixture
 * is closed after its test.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningFixture, UpstreamStats } from '../../fixtures/common/protocol.ts';
import { seededRandom } from '../../fixtures/common/random.ts';
import { startGateway } from '../../fixtures/gateway/server.ts';
import { startUpstream, type UpstreamOptions } from '../../fixtures/upstream/server.ts';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { RetryConfig } from '../../harness/config/scenario.ts';
import type { StepRequest } from '../../harness/load/driver.ts';
import { createOpenDriver, type OpenDriver, type PacedObservation } from '../../harness/load/pacer.ts';
import { backoffMs } from '../../harness/load/retry-policy.ts';

/** The upstream's service time: well above every give-up timer below. */
const SERVICE_MS = 400;

/** Clients that give up after 100 ms and try again at once, 3 attempts in all. */
const GIVE_UP_AND_RETRY: RetryConfig = { attempts: 3, timeoutMs: 100, backoff: 'none', baseMs: 100, maxMs: 2000, budget: 0 };

interface Rig {
  upstream: RunningFixture<UpstreamStats>;
  gatewayUrl: string;
  driver: OpenDriver;
}

/** A step of `offered` req/s for 1 s with no warm-up, unless overridden. */
const step = (url: string, offered: number, more: Partial<StepRequest> = {}): StepRequest => ({
  url, offered, durationMs: 1000, warmupMs: 0, arrivals: 'uniform', method: 'GET', path: '/', clientTimeoutMs: 5000, ...more,
});

/** Waits until `check` holds, up to `limitMs`; fails the test with `what` if it never does. */
async function until(what: string, check: () => boolean, limitMs = 3000): Promise<void> {
  for (const end = performance.now() + limitMs; !check() && performance.now() < end; ) await sleep(10);
  assert.ok(check(), `${what}: still false after ${limitMs} ms`);
}

/** Every request is counted once: sent = completed + errored + lost + unfinished. */
function assertAccountedFor(o: PacedObservation): void {
  assert.equal(o.sent, o.completed + o.errored + o.lost + o.unfinished, JSON.stringify(o));
}

describe('retrying clients of the open-loop driver (real upstream and gateway on loopback)', function () {
  this.timeout(20_000);

  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** The slow upstream (1 worker, 400 ms, a queue of 50), a gateway in front of it, and a driver. */
  async function rig(upstreamOptions: Partial<UpstreamOptions> = {}): Promise<Rig> {
    const upstream = await startUpstream({ ...DEFAULTS.upstream, seed: 1, workers: 1, queue: 50, serviceMs: SERVICE_MS, ...upstreamOptions });
    cleanups.push(() => upstream.close());
    const gateway = await startGateway({
      ...DEFAULTS.gateway,
      poolConnections: 8,
      queueLimit: 16,
      upstreamTimeoutMs: 2000,
      upstreamUrl: upstream.url,
      upstreamKeepAliveTimeoutMs: DEFAULTS.upstream.keepAliveTimeoutMs,
    });
    cleanups.push(() => gateway.close());
    const driver = createOpenDriver();
    cleanups.push(() => driver.close());
    return { upstream, gatewayUrl: gateway.url, driver };
  }

  it('tries each arrival 3 times when every attempt gives up: 2.5 req/s for 1.2 s sends exactly 9 requests, each an ETIMEDOUT', async () => {
    const { upstream, gatewayUrl, driver } = await rig();
    const o = await driver.runStep(step(gatewayUrl, 2.5, { durationMs: 1200, retry: GIVE_UP_AND_RETRY }));
    // Arrivals at 0, 400 and 800 ms; each client gives up 100 ms after each send and retries at
    // once, so the last attempt of the last arrival goes at about 1,000 ms, 200 ms before the
    // window closes (a retry due after that is dropped). The upstream needs 400 ms for any of them
    // and cancels each when its client leaves: no attempt is ever answered, and every one is sent.
    const seen = JSON.stringify({ sent: o.sent, errors: o.errors, status: o.status });
    assert.equal(o.pacing.planned, 3);
    assert.equal(o.sent, 3 * o.pacing.planned, seen);
    assert.deepEqual(o.errors, { ETIMEDOUT: 9 }, seen);
    assert.deepEqual(o.status, {}, seen);
    assert.equal(o.completed, 0);
    assertAccountedFor(o);
    await until('the upstream settled every attempt', () => upstream.stats().inFlight === 0);
    assert.deepEqual([upstream.stats().received, upstream.stats().cancelled, upstream.stats().served], [9, 9, 0]);
  });

  it('with a budget of 0.1, retries at most a tenth of the first attempts: 40 req/s for 1 s retries 1 to 4 times', async () => {
    const { gatewayUrl, driver } = await rig();
    const o = await driver.runStep(step(gatewayUrl, 40, { retry: { ...GIVE_UP_AND_RETRY, budget: 0.1 } }));
    // The budget starts empty and every first attempt earns 0.1 of a retry, so however the
    // give-ups and the arrivals interleave, the retries never exceed ⌊0.1 × 40⌋ = 4 (the cap of
    // 10 saved retries only ever lowers that). Without the budget: 2 retries per arrival.
    const retries = o.sent - o.pacing.planned;
    assert.equal(o.pacing.planned, 40);
    assert.ok(retries >= 1 && retries <= 4, `${retries} retries of 40 first attempts`);
    assert.deepEqual(o.errors, { ETIMEDOUT: o.sent });
    assertAccountedFor(o);
  });

  it('with attempts 1 and timeoutMs 0, neither retries nor gives up: each request waits for its 200, as with no retry at all', async () => {
    const { upstream, gatewayUrl, driver } = await rig();
    // Arrivals at 0 and 200 ms: the second waits for the worker, and is answered at about 800 ms.
    // (Not asserted as a latency: the upstream's service clock takes timer lateness back from later
    // services, so on a busy machine a 400 ms service can be shorter.)
    const never: RetryConfig = { ...GIVE_UP_AND_RETRY, attempts: 1, timeoutMs: 0 };
    for (const more of [{ retry: never }, {}]) {
      const o = await driver.runStep(step(gatewayUrl, 5, { durationMs: 400, ...more }));
      assert.equal(o.sent, 2, JSON.stringify(more));
      assert.deepEqual(o.status, { '200': 2 });
      assert.deepEqual(o.errors, {});
      assertAccountedFor(o);
    }
    assert.deepEqual([upstream.stats().received, upstream.stats().served, upstream.stats().cancelled], [4, 4, 0]);
  });

  it('tries a 5xx again, and not a 2xx: two arrivals at once on one worker with no queue get a 200 and three 503s', async () => {
    const { upstream, gatewayUrl, driver } = await rig({ queue: 0, shed: '503' });
    // One burst of 2 at 0 ms. One takes the worker for 400 ms (a 200, while the 600 ms window is
    // still open, so it could be retried); the other is shed with a 503 at once, and its client
    // tries twice more while the worker is still busy. No give-up timer: timeoutMs 0 is the client
    // timeout.
    const o = await driver.runStep(step(gatewayUrl, 2, { durationMs: 600, burst: 2, retry: { ...GIVE_UP_AND_RETRY, timeoutMs: 0 } }));
    assert.equal(o.pacing.planned, 2);
    assert.equal(o.sent, 4);
    assert.deepEqual(o.status, { '200': 1, '503': 3 });
    assert.deepEqual(o.errors, {});
    assertAccountedFor(o);
    assert.deepEqual([upstream.stats().received, upstream.stats().served, upstream.stats().shed], [4, 1, 3]);
  });

  it('drops a retry still waiting for its backoff when the window closes, and does not wait for it in the tail', async () => {
    const { upstream, gatewayUrl, driver } = await rig();
    // One arrival at 0 ms, given up at 100 ms; its retry waits a random share of 10 s (full jitter,
    // base = max = 10 s). The draw for seed 2 is computed here as the driver draws it.
    const retry: RetryConfig = { attempts: 2, timeoutMs: 100, backoff: 'exponential', baseMs: 10_000, maxMs: 10_000, budget: 0 };
    const waitMs = backoffMs(retry, 1, seededRandom(2, 'client.retry'));
    assert.ok(waitMs > 1000, `precondition: the retry waits ${waitMs} ms, past the 500 ms window`);
    const o = await driver.runStep(step(gatewayUrl, 1, { durationMs: 500, seed: 2, retry }));
    assert.equal(o.sent, 1);
    assert.deepEqual(o.errors, { ETIMEDOUT: 1 });
    assert.equal(o.unfinished, 0);
    assert.ok(o.tailMs < 1000, `the tail waited ${o.tailMs} ms for a retry that was dropped`);
    assert.equal(upstream.stats().received, 1);
  });

  for (const [abandoned, counted] of [['serve', 'served'], ['cancel', 'cancelled']] as const) {
    it(`with upstream.abandoned '${abandoned}', counts the requests whose clients gave up as ${counted}`, async () => {
      const { upstream, gatewayUrl, driver } = await rig({ abandoned });
      // Arrivals at 0 and 200 ms, each given up after 100 ms and never retried (attempts 1): with
      // 'serve' the upstream works 800 ms for clients long gone; with 'cancel' it frees each place at once.
      const o = await driver.runStep(step(gatewayUrl, 5, { durationMs: 400, retry: { ...GIVE_UP_AND_RETRY, attempts: 1 } }));
      assert.deepEqual(o.errors, { ETIMEDOUT: 2 });
      await until('the upstream settled both requests', () => upstream.stats().inFlight === 0);
      const { received, served, cancelled } = upstream.stats();
      assert.deepEqual({ received, served, cancelled }, { received: 2, served: abandoned === 'serve' ? 2 : 0, cancelled: abandoned === 'cancel' ? 2 : 0 });
    });
  }

  it('follows rateChanges: 20 req/s for 500 ms then 60 req/s to 1,000 ms sends 10 + 30 requests', async () => {
    const { upstream, gatewayUrl, driver } = await rig({ workers: 4, serviceMs: 1 });
    const rateChanges = [{ atMs: 0, rateRps: 20 }, { atMs: 500, rateRps: 60 }];
    const whole = await driver.runStep(step(gatewayUrl, 20, { rateChanges }));
    assert.equal(whole.pacing.planned, 40);
    assert.equal(whole.sent, 40);
    assert.deepEqual(whole.status, { '200': 40 });
    // The same plan with its first 500 ms as warm-up: the window judges only the 60 req/s half.
    const secondHalf = await driver.runStep(step(gatewayUrl, 20, { warmupMs: 500, durationMs: 500, rateChanges }));
    assert.equal(secondHalf.pacing.planned, 30);
    assert.equal(secondHalf.sent, 30);
    assert.deepEqual(secondHalf.status, { '200': 30 });
    assert.equal(upstream.stats().received, 80, 'both steps sent their warm-up and window: 40 each');
  });
});
