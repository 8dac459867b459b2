import { UPSTREAM_ANSWER_HEADER } from '../../fixtures/upstream/answer-mark.ts';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { ShedMode } from '../../harness/config/scenario.ts';
import type { RunningFixture, UpstreamStats } from '../../fixtures/common/protocol.ts';
import { startUpstream, type UpstreamOptions } from '../../fixtures/upstream/server.ts';

/** What one request ended with: a status, or the client's error code and message. */
type Outcome = { status: number; retryAfter?: string; mark?: string } | { code: string; message: string };

function options(overrides: Partial<UpstreamOptions>): UpstreamOptions {
  return { ...DEFAULTS.upstream, seed: 1, ...overrides };
}

async function start(overrides: Partial<UpstreamOptions>): Promise<RunningFixture<UpstreamStats>> {
  const fx = await startUpstream(options(overrides));
  after(() => fx.close());
  return fx;
}

/** A pool with one connection per concurrent request, so one shed connection touches one request. */
function pool(url: string, connections: number): Pool {
  const p = new Pool(url, { connections });
  after(() => p.destroy());
  return p;
}

async function send(p: Pool, request: { method?: 'GET' | 'POST'; body?: string; signal?: AbortSignal } = {}): Promise<Outcome> {
  try {
    const res = await p.request({ path: '/', method: request.method ?? 'GET', body: request.body ?? null, signal: request.signal ?? null });
    await res.body.text();
    const retryAfter = res.headers['retry-after'];
    const mark = res.headers[UPSTREAM_ANSWER_HEADER];
    return { status: res.statusCode, ...(typeof retryAfter === 'string' ? { retryAfter } : {}), ...(typeof mark === 'string' ? { mark } : {}) };
  } catch (error) {
    // undici's own errors carry a string code; an aborted request is a DOMException named AbortError.
    const { code, name, message } = error as { code?: unknown; name: string; message: string };
    return { code: typeof code === 'string' ? code : name, message };
  }
}

/** Counts outcomes as `200`, `503`, `ECONNRESET`, … */
function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) {
    const key = 'status' in outcome ? String(outcome.status) : outcome.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Polls `predicate` every 5 ms for at most `ms`; fails with `what` if it never holds. */
async function waitFor(what: string, predicate: () => boolean, ms = 2000): Promise<void> {
  for (const deadline = Date.now() + ms; !predicate(); await sleep(5)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
  }
}

function assertCountersAddUp(stats: UpstreamStats): void {
  assert.equal(stats.received, stats.served + stats.shed + (stats.cancelled ?? 0) + stats.inFlight, JSON.stringify(stats));
  assert.equal(stats.inFlight, stats.inService + stats.queued);
}

const C2_Q3 = { workers: 2, queue: 3, serviceMs: 50, serviceDistribution: 'fixed' } as const;

describe('upstream fixture', function () {
  this.timeout(10_000);

  const shedCases: { shed: ShedMode; shedOutcome: string; check?: (outcome: Outcome) => void }[] = [
    { shed: 'reset', shedOutcome: 'ECONNRESET' },
    { shed: 'close', shedOutcome: 'UND_ERR_SOCKET', check: (o) => assert.ok('message' in o && o.message === 'other side closed', JSON.stringify(o)) },
    // Marked as the upstream's own, so a gateway that passes it through is not blamed for it (fixtures/upstream/answer-mark.ts).
    { shed: '503', shedOutcome: '503', check: (o) => assert.ok('status' in o && o.retryAfter === '1' && o.mark === 'shed', JSON.stringify(o)) },
  ];
  for (const { shed, shedOutcome, check } of shedCases) {
    it(`with C = 2, Q = 3 and shed '${shed}', 8 concurrent requests give 5 × 200 and 3 × ${shedOutcome}`, async () => {
      const fx = await start({ ...C2_Q3, shed });
      const p = pool(fx.url, 8);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => send(p)));
      assert.deepEqual(tally(outcomes), { 200: 5, [shedOutcome]: 3 });
      for (const outcome of outcomes.filter((o) => !('status' in o) || o.status !== 200)) check?.(outcome);
      const stats = fx.stats();
      assert.deepEqual([stats.received, stats.served, stats.shed, stats.inFlight, stats.cancelled], [8, 5, 3, 0, 0]);
      assert.equal(stats.peakQueued, 3);
      assertCountersAddUp(stats);
    });
  }

  it("with shed 'close', a POST whose 256 KiB body is still arriving also sees 'other side closed', not a reset", async () => {
    const fx = await start({ workers: 1, queue: 0, serviceMs: 200, serviceDistribution: 'fixed', shed: 'close' });
    const p = pool(fx.url, 2);
    const served = send(p);
    await waitFor('the first request is in service', () => fx.stats().inService === 1);
    const shed = await send(p, { method: 'POST', body: 'x'.repeat(256 * 1024) });
    assert.deepEqual(shed, { code: 'UND_ERR_SOCKET', message: 'other side closed' });
    assert.deepEqual(await served, { status: 200 });
  });

  it("with shed 'hang', the 3 shed requests never answer, and close() ends them", async () => {
    const fx = await start({ ...C2_Q3, shed: 'hang' });
    const p = pool(fx.url, 8);
    const settled: Outcome[] = [];
    const requests = Array.from({ length: 8 }, () => send(p).then((o) => settled.push(o)));
    // Served ones finish by 3 rounds × 50 ms; give the others far longer to show they hang.
    await waitFor('5 requests are answered', () => settled.length === 5);
    await sleep(300);
    assert.deepEqual(tally(settled), { 200: 5 });
    assert.equal(fx.stats().shed, 3);
    await fx.close();
    await Promise.all(requests);
    assert.deepEqual(tally(settled), { 200: 5, UND_ERR_SOCKET: 3 });
    assert.equal(fx.stats().connections, 0);
  });

  it('a client that goes away while queued, then one in service, frees its place and its worker', async () => {
    const fx = await start({ workers: 1, queue: 1, serviceMs: 5000, serviceDistribution: 'fixed', shed: '503' });
    const p = pool(fx.url, 3);
    const inService = new AbortController();
    const queued = new AbortController();
    const first = send(p, { signal: inService.signal });
    await waitFor('the first is in service', () => fx.stats().inService === 1);
    const second = send(p, { signal: queued.signal });
    await waitFor('the second is queued', () => fx.stats().queued === 1);

    queued.abort();
    await waitFor('the queued request is cancelled', () => fx.stats().cancelled === 1);
    assert.deepEqual([fx.stats().inService, fx.stats().queued], [1, 0]);
    inService.abort();
    await waitFor('the request in service is cancelled', () => fx.stats().cancelled === 2);
    assert.deepEqual([fx.stats().inService, fx.stats().queued, fx.stats().served], [0, 0, 0]);
    assert.deepEqual(tally(await Promise.all([first, second])), { AbortError: 2 });

    // The worker is free: a new request starts service at once instead of queueing behind a ghost.
    void send(p);
    await waitFor('a new request is in service', () => fx.stats().inService === 1);
    assert.equal(fx.stats().queued, 0);
    assertCountersAddUp(fx.stats());
  });

  it('realises a mean service time within 5 % of S = 10 ms over 200 requests, where a plain setTimeout drifts 8–17 % (4 workers, 4 clients)', async () => {
    const fx = await start({ workers: 4, queue: 16, serviceMs: 10, serviceDistribution: 'fixed', shed: '503' });
    const p = pool(fx.url, 4);
    const outcomes = (
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          const mine: Outcome[] = [];
          for (let i = 0; i < 50; i++) mine.push(await send(p));
          return mine;
        }),
      )
    ).flat();
    assert.deepEqual(tally(outcomes), { 200: 200 });
    const stats = fx.stats();
    assert.equal(stats.served, 200);
    assert.ok(stats.serviceMsMeasured !== null && Math.abs(stats.serviceMsMeasured - 10) < 0.5, `measured ${stats.serviceMsMeasured} ms`);
    assertCountersAddUp(stats);
  });

  it('answers at once with S = 0, and advertises its keep-alive timeout', async () => {
    const fx = await start({ workers: 1, queue: 0, serviceMs: 0, serviceDistribution: 'exponential', shed: 'reset', keepAliveTimeoutMs: 3000 });
    const res = await pool(fx.url, 1).request({ path: '/anything?x=1', method: 'PUT', body: 'hello' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['keep-alive'], 'timeout=3');
    assert.equal(await res.body.text(), 'ok\n');
    const stats = fx.stats();
    assert.deepEqual([stats.served, stats.connections], [1, 1]);
    // No timer: the measured time is the handler's own run time, microseconds (a cold first call).
    assert.ok(stats.serviceMsMeasured !== null && stats.serviceMsMeasured < 1, `measured ${stats.serviceMsMeasured} ms`);
  });

  it('with invalidEvery = 3, every third request gets a malformed status line and the others 200', async () => {
    const fx = await start({ workers: 1, queue: 10, serviceMs: 0, invalidEvery: 3 });
    const p = pool(fx.url, 1);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 9; i++) outcomes.push(await send(p));
    // undici's parser error has no code; its name says what it is.
    assert.deepEqual(tally(outcomes), { '200': 6, HTTPParserError: 3 });
    assert.ok(outcomes.every((outcome, i) => ((i + 1) % 3 === 0) === !('status' in outcome)), JSON.stringify(outcomes));
    assert.equal(fx.stats().invalid, 3);
  });

  it('with connectionLimit = 2, a third connection is closed as soon as it is accepted, and counted', async () => {
    const fx = await start({ workers: 4, queue: 0, serviceMs: 200, connectionLimit: 2 });
    const p = pool(fx.url, 3);
    const outcomes = await Promise.all([send(p), send(p), send(p)]);
    const failed = outcomes.filter((outcome) => !('status' in outcome));
    assert.equal(tally(outcomes)['200'], 2, JSON.stringify(outcomes));
    assert.equal(failed.length, 1, JSON.stringify(outcomes));
    assert.match(JSON.stringify(failed), /UND_ERR_SOCKET|ECONNRESET/);
    assert.equal(fx.stats().droppedConnections, 1);
  });

  it("with work 'cpu', requests are served one after another whatever C is, as a handler that computes would serve them", async () => {
    const fx = await start({ workers: 3, queue: 0, serviceMs: 60, work: 'cpu' });
    const p = pool(fx.url, 3);
    const started = performance.now();
    const finished: number[] = [];
    await Promise.all([0, 1, 2].map(async () => {
      const outcome = await send(p);
      assert.deepEqual(outcome, { status: 200 });
      finished.push(performance.now() - started);
    }));
    finished.sort((a, b) => a - b);
    // Timers would end all three together after ~60 ms; computing ends them one after another.
    assert.ok((finished[2] ?? 0) >= 170, `the third ended at ${Math.round(finished[2] ?? 0)} ms`);
    assert.ok((finished[2] ?? 0) - (finished[0] ?? 0) >= 100, `spread ${Math.round((finished[2] ?? 0) - (finished[0] ?? 0))} ms`);
  });

  it("with connection 'close', every answer says so and every request needs a new connection", async () => {
    const fx = await start({ workers: 1, queue: 10, serviceMs: 0, connection: 'close' });
    const p = pool(fx.url, 1);
    for (let i = 0; i < 3; i++) {
      const res = await p.request({ path: '/', method: 'GET' });
      assert.equal(res.headers.connection, 'close');
      await res.body.text();
    }
    await waitFor('the last connection is closed', () => fx.stats().connections === 0);
  });

  it('with acceptRate, new connections beyond the firewall’s burst are reset and counted', async () => {
    // A rate of 20/s holds a burst of 1: of 4 connections opened at once, 1 passes.
    const fx = await start({ workers: 4, queue: 10, serviceMs: 0, acceptRate: 20 });
    const p = pool(fx.url, 4);
    const outcomes = await Promise.all([send(p), send(p), send(p), send(p)]);
    const counts = tally(outcomes);
    assert.ok((counts['200'] ?? 0) >= 1, JSON.stringify(outcomes));
    assert.equal(fx.stats().firewalled, 4 - (counts['200'] ?? 0), JSON.stringify(outcomes));
  });

  it('close() ends every connection and resolves; stats() still answers afterwards', async () => {
    const fx = await start({ ...C2_Q3, serviceMs: 5000, shed: 'hang' });
    const p = pool(fx.url, 8);
    const requests = Array.from({ length: 8 }, () => send(p));
    await waitFor('all 8 arrived', () => fx.stats().received === 8);
    await fx.close();
    assert.deepEqual(tally(await Promise.all(requests)), { UND_ERR_SOCKET: 8 });
    const stats = fx.stats();
    assert.deepEqual([stats.connections, stats.inFlight, stats.served, stats.cancelled], [0, 0, 0, 5]);
  });
});
