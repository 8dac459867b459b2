/**
 * The upstream fixture going away and coming back (fixtures/upstream/server.ts): a maintenance stop
 * and start told through `control()`, and a crash above `crashAboveInFlight` with a restart
 * `restartDelayMs` later. Real sockets on 127.0.0.1; each wait is bounded, and each check is on
 * order and outcome, not on how long things took.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { FixtureEvent, RunningFixture, UpstreamStats } from '../../fixtures/common/protocol.ts';
import { startUpstream, type UpstreamOptions } from '../../fixtures/upstream/server.ts';

/** What one request ended with: a status (and its `Connection` header), or the client's error. */
type Outcome = { status: number; connection: string | undefined } | { code: string; message: string };

/** An upstream with the events it emitted, in order; closed after the test that started it. */
async function start(overrides: Partial<UpstreamOptions>): Promise<{ fx: RunningFixture<UpstreamStats>; events: FixtureEvent[] }> {
  const events: FixtureEvent[] = [];
  const fx = await startUpstream({ ...DEFAULTS.upstream, seed: 1, ...overrides }, (event) => events.push(event));
  after(() => fx.close());
  return { fx, events };
}

/** A client pool with one connection per concurrent request; destroyed after the test. */
function pool(url: string, connections: number): Pool {
  const p = new Pool(url, { connections });
  after(() => p.destroy());
  return p;
}

async function send(p: Pool): Promise<Outcome> {
  try {
    const res = await p.request({ path: '/', method: 'GET' });
    await res.body.text();
    const connection = res.headers.connection;
    return { status: res.statusCode, connection: typeof connection === 'string' ? connection : undefined };
  } catch (error) {
    const { code, name, message } = error as { code?: unknown; name: string; message: string };
    return { code: typeof code === 'string' ? code : name, message };
  }
}

/** Opens a bare TCP connection to the port and says how it went: `connected` or the error code. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Polls `predicate` every 5 ms for at most `ms`; fails with `what` if it never holds. */
async function waitFor(what: string, predicate: () => boolean, ms = 3000): Promise<void> {
  for (const deadline = Date.now() + ms; !predicate(); await sleep(5)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
  }
}

const names = (events: FixtureEvent[]): string[] => events.map((event) => event.what);

/** Ref'd timers keeping this process alive (what would stop mocha, run without --exit, from ending). */
const liveTimers = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** A connection error as undici reports a socket the server closed: a FIN or a RST, never a status. */
function assertConnectionError(outcome: Outcome): void {
  assert.ok(!('status' in outcome), `expected a connection error, got HTTP ${JSON.stringify(outcome)}`);
  assert.ok(
    ['UND_ERR_SOCKET', 'ECONNRESET'].includes(outcome.code) || /other side closed|socket hang up/.test(outcome.message),
    `expected a closed socket, got ${JSON.stringify(outcome)}`,
  );
}

describe('upstream availability', function () {
  this.timeout(10_000);

  it('stop-upstream serves the request in service with Connection: close, then refuses connections; start-upstream answers on the same port', async () => {
    const { fx, events } = await start({ workers: 2, queue: 2, serviceMs: 300, serviceDistribution: 'fixed' });
    const p = pool(fx.url, 2);
    assert.deepEqual(await send(p), { status: 200, connection: 'keep-alive' });

    const inService = send(p);
    await waitFor('the request is in service', () => fx.stats().inService === 1);
    await fx.control?.({ action: 'stop-upstream' });
    assert.deepEqual(names(events), ['upstream-stopping']);
    assert.equal(fx.stats().listening, false);

    assert.deepEqual(await inService, { status: 200, connection: 'close' });
    await waitFor('the upstream is stopped', () => events.length === 2);
    assert.deepEqual(names(events), ['upstream-stopping', 'upstream-stopped']);
    assert.equal(await probe(fx.port), 'ECONNREFUSED');
    const refused = await send(p);
    assert.equal('code' in refused ? refused.code : refused.status, 'ECONNREFUSED', JSON.stringify(refused));
    assert.equal(fx.stats().listening, false);

    await fx.control?.({ action: 'start-upstream' });
    assert.deepEqual(names(events), ['upstream-stopping', 'upstream-stopped', 'upstream-started']);
    assert.equal(fx.stats().listening, true);
    assert.equal(await probe(fx.port), 'connected');
    assert.deepEqual(await send(p), { status: 200, connection: 'keep-alive' });
    const stats = fx.stats();
    assert.deepEqual([stats.received, stats.served, stats.crashes], [3, 3, 0]);
  });

  it('with crashAboveInFlight 2, a third concurrent request crashes it: no answer for any, refused while down, 200 on the same port after restartDelayMs', async () => {
    const restartDelayMs = 600;
    const { fx, events } = await start({ workers: 4, queue: 0, serviceMs: 300, serviceDistribution: 'fixed', crashAboveInFlight: 2, restartDelayMs });
    const p = pool(fx.url, 3);

    const outcomes = await Promise.all([send(p), send(p), send(p)]);
    // Probed at once, well inside the restart delay; the events below prove it came before the restart.
    const duringDelay = await probe(fx.port);
    const eventsAtProbe = names(events);
    for (const outcome of outcomes) assertConnectionError(outcome);
    assert.equal(duringDelay, 'ECONNREFUSED');
    assert.deepEqual(eventsAtProbe, ['upstream-crashed']);
    assert.equal(fx.stats().listening, false);
    assert.equal(fx.stats().crashes, 1);

    await waitFor('the upstream restarts', () => events.length === 2, restartDelayMs + 3000);
    assert.deepEqual(names(events), ['upstream-crashed', 'upstream-restarted']);
    assert.equal(fx.stats().listening, true);
    assert.deepEqual(await send(p), { status: 200, connection: 'keep-alive' });
    const stats = fx.stats();
    assert.deepEqual([stats.crashes, stats.served, stats.inFlight], [1, 1, 0]);
  });

  it('close() while crashed and waiting for the restart resolves and leaves no restart timer behind', async () => {
    // A restart far beyond the test: a timer left behind would still be counted below.
    const { fx, events } = await start({ workers: 4, queue: 0, serviceMs: 300, serviceDistribution: 'fixed', crashAboveInFlight: 1, restartDelayMs: 60_000 });
    // Counted after the first await: mocha arms its own timeout timer once the test returns its promise.
    const timersBefore = liveTimers();
    const p = pool(fx.url, 2);
    const outcomes = await Promise.all([send(p), send(p)]);
    for (const outcome of outcomes) assertConnectionError(outcome);
    assert.deepEqual(names(events), ['upstream-crashed']);
    assert.ok(liveTimers() > timersBefore, 'the restart timer should be pending while the upstream is down');

    await fx.close();
    await p.destroy();
    assert.equal(liveTimers(), timersBefore, `timers still alive: ${JSON.stringify(process.getActiveResourcesInfo())}`);
    assert.deepEqual(names(events), ['upstream-crashed']);
    assert.equal(fx.stats().listening, false);
    assert.equal(await probe(fx.port), 'ECONNREFUSED');
  });
});
