/**
 * The open-loop driver against local node:http servers (127.0.0.1, port 0). The machine is shared
 * and noisy: these tests assert invariants and generous ranges; the pacing targets themselves
 * (p99 send lag < 2 ms, achieved rate ± 1 %) are measured by `npm run bench -- pacing`.
 */
import assert from 'node:assert/strict';
import { firstAtOrAfter, planArrivals, uniformCount } from '../../harness/load/arrivals.ts';
import type { StepRequest } from '../../harness/load/driver.ts';
import { createOpenDriver, type OpenDriver, type PacedObservation } from '../../harness/load/pacer.ts';
import type { LatencySummary } from '../../harness/report/schema.ts';
import { startScriptedServer as startServer } from '../helpers/scripted-server.ts';

/** A step of `offered` req/s: a 1 s window after a 300 ms warm-up, unless overridden. */
const step = (url: string, offered: number, more: Partial<StepRequest> = {}): StepRequest => ({
  url,
  offered,
  durationMs: 1000,
  warmupMs: 300,
  arrivals: 'uniform',
  method: 'GET',
  path: '/',
  clientTimeoutMs: 10_000,
  ...more,
});

/** A new driver, closed after the test. */
function driver(): OpenDriver {
  const created = createOpenDriver();
  after(() => created.close());
  return created;
}

function assertAccountedFor(o: PacedObservation): void {
  assert.equal(o.sent, o.completed + o.errored + o.lost + o.unfinished, JSON.stringify(o));
  assert.equal(o.lost, 0, 'undici reports a closed connection as an error, never as a silent loss');
  assert.equal(Object.values(o.errors).reduce((sum, n) => sum + n, 0), o.errored);
  assert.equal(Object.values(o.status).reduce((sum, n) => sum + n, 0), o.completed);
}

/** Every percentile of `fromIntended` is at or above the same percentile from the send. */
function assertDominates(fromIntended: LatencySummary | null, fromSend: LatencySummary | null): void {
  assert.ok(fromIntended !== null && fromSend !== null);
  for (const key of ['p50', 'p90', 'p99', 'max'] as const) {
    assert.ok(fromIntended[key] >= fromSend[key], `${key}: from intended ${fromIntended[key]} < from send ${fromSend[key]}`);
  }
}

describe('the open-loop driver (undici pacer against a local server)', function () {
  this.timeout(20_000);

  it('sends every planned arrival of the window at 100 and 2,000 req/s, on time, and accounts for each', async () => {
    const server = await startServer((_n, _req, res) => res.end('ok'));
    after(() => server.close());
    const pacer = driver();
    for (const rate of [100, 2000]) {
      const before = server.requests();
      const o = await pacer.runStep(step(server.url, rate));
      const planned = rate; // 1 s window
      assert.equal(o.pacing.planned, planned);
      assert.equal(o.sent, planned, `judged sent at ${rate} req/s`);
      assertAccountedFor(o);
      assert.deepEqual(o.status, { '200': planned });
      assert.equal(o.unfinished, 0);
      assert.equal(server.requests() - before, uniformCount(rate, 1300), 'the warm-up was sent too, and nothing after the window');
      // Generous ranges: measured on a shared machine.
      assert.ok(o.durationMs >= 1000 && o.durationMs < 1200, `window ${o.durationMs} ms`);
      assert.ok(Math.abs(o.pacing.sentInWindow - planned) <= planned * 0.05, `${o.pacing.sentInWindow} written in the window at ${rate} req/s`);
      assert.ok(Math.abs(o.window.completed - planned) <= planned * 0.05, `${o.window.completed} answered in the window`);
      assert.ok(o.generator.sendLagP99Ms !== null && o.generator.sendLagP99Ms < 100, `send lag p99 ${o.generator.sendLagP99Ms} ms`);
      assert.ok(o.late <= planned * 0.1, `${o.late} late of ${planned}`);
      assertDominates(o.latencyMs.fromIntended, o.latencyMs.ok);
    }
  });

  it('counts the requests a server resets by their error code', async () => {
    const server = await startServer((n, req, res) => (n % 3 === 0 ? req.socket.resetAndDestroy() : res.end('ok')));
    after(() => server.close());
    const o = await driver().runStep(step(server.url, 100, { durationMs: 600 }));
    assertAccountedFor(o);
    assert.equal(o.sent, 60);
    const resets = (o.errors.ECONNRESET ?? 0) + (o.errors.UND_ERR_SOCKET ?? 0);
    assert.equal(resets, o.errored, JSON.stringify(o.errors));
    assert.ok(Math.abs(o.errored - 20) <= 2, `${o.errored} errors of 60 (every 3rd reset)`);
    assert.deepEqual(o.status, { '200': o.completed });
  });

  it('sends the planned number of Poisson arrivals for a seed', async () => {
    const server = await startServer((_n, _req, res) => res.end('ok'));
    after(() => server.close());
    const times = planArrivals({ rateRps: 200, durationMs: 800, arrivals: 'poisson', seed: 42 });
    const planned = firstAtOrAfter(times, 800) - firstAtOrAfter(times, 300);
    const o = await driver().runStep(step(server.url, 200, { durationMs: 500, arrivals: 'poisson', seed: 42 }));
    assert.equal(o.pacing.planned, planned);
    assert.equal(o.sent, planned);
    assertAccountedFor(o);
  });

  it('keeps sending on schedule while the server stalls every answer for 300 ms (no coordinated omission)', async () => {
    const server = await startServer((_n, _req, res) => setTimeout(() => res.end('ok'), 300));
    after(() => server.close());
    const o = await driver().runStep(step(server.url, 200, { durationMs: 600 }));
    assert.equal(o.sent, 120, 'every arrival of the window left, answered or not');
    assertAccountedFor(o);
    assert.equal(o.completed, 120);
    assert.ok(o.generator.sendLagP99Ms !== null && o.generator.sendLagP99Ms < 100, `send lag p99 ${o.generator.sendLagP99Ms} ms`);
    assert.ok(o.late <= 12, `${o.late} late`);
    assert.ok(o.tailMs >= 250, `the tail waited for the last answers (${o.tailMs} ms)`);
    assert.ok((o.latencyMs.ok?.p50 ?? 0) >= 300);
    assertDominates(o.latencyMs.fromIntended, o.latencyMs.ok);
  });

  it('counts arrivals that wait for a free connection under maxConnections as late, with their wait in the send lag', async () => {
    // One connection, 50 ms per answer: 20 req/s at most, for 50 req/s planned. Arrival k
    // (every 20 ms) cannot be written before k · 50 ms, so it is at least 30 · k ms late.
    const server = await startServer((_n, _req, res) => setTimeout(() => res.end('ok'), 50));
    after(() => server.close());
    const o = await driver().runStep(step(server.url, 50, { durationMs: 300, warmupMs: 0, maxConnections: 1 }));
    assert.equal(o.sent, 15);
    assertAccountedFor(o);
    assert.equal(o.completed, 15);
    assert.ok(o.late >= 13, `${o.late} late of 15`);
    assert.ok((o.pacing.sendLagMs?.max ?? 0) >= 14 * 30, `max send lag ${o.pacing.sendLagMs?.max} ms`);
    assert.ok((o.pacing.dispatchLagMs?.p99 ?? Infinity) < 100, 'the send loop itself kept time: the lag was the wait for the connection');
    assert.equal(o.generator.sendLagP99Ms, o.pacing.sendLagMs?.p99);
  });

  it('on abort, stops waiting: requests in flight are unfinished, and the driver still runs the next step', async () => {
    const hung = await startServer(() => undefined); // never answers
    after(() => hung.close());
    const pacer = driver();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const o = await pacer.runStep(step(hung.url, 50, { durationMs: 200, warmupMs: 100, signal: controller.signal }));
    assert.equal(o.sent, 10);
    assertAccountedFor(o);
    assert.equal(o.unfinished, 10);
    assert.ok(o.tailMs >= 50 && o.tailMs < 2000, `tail ${o.tailMs} ms`);

    const fine = await startServer((_n, _req, res) => res.end('ok'));
    after(() => fine.close());
    const next = await pacer.runStep(step(fine.url, 100, { durationMs: 200, warmupMs: 0 }));
    assert.deepEqual(next.status, { '200': 20 });
  });

  it('refuses a second step while one is running on the same driver', async () => {
    const server = await startServer((_n, _req, res) => res.end('ok'));
    after(() => server.close());
    const pacer = driver();
    const first = pacer.runStep(step(server.url, 10, { durationMs: 100, warmupMs: 0 }));
    await assert.rejects(pacer.runStep(step(server.url, 10)), /one step at a time/);
    await first;
  });
});
