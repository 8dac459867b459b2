/**
 * The open-loop driver's connection pool, on stand-in connections that record what they are
 * given and are told when to connect and answer (the pool's only contact with undici is
 * `dispatch` and three events), with fake timers for the patience.
 */
import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { Dispatcher } from 'undici';
import { ConnectionPool, OPENING_AT_ONCE, PATIENCE_MS, type PoolConnection } from '../../harness/load/connection-pool.ts';

type Event = 'connect' | 'disconnect' | 'connectionError';

/** A connection that records its requests; the test connects it and ends its requests. */
class StandInConnection implements PoolConnection {
  readonly requests: { name: string; handler: Dispatcher.DispatchHandler }[] = [];
  readonly #listeners = new Map<Event, (() => void)[]>();
  state: 'open' | 'closed' | 'destroyed' = 'open';

  constructor(readonly id: number) {}

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.requests.push({ name: options.path, handler });
    return true;
  }

  on(event: Event, listener: () => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  emit(event: Event): void {
    for (const listener of this.#listeners.get(event) ?? []) listener();
  }

  /** Answers its latest request. */
  answer(): void {
    this.requests.at(-1)?.handler.onResponseEnd?.(CONTROLLER, {});
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }

  destroy(): Promise<void> {
    this.state = 'destroyed';
    return Promise.resolve();
  }
}

const CONTROLLER = {} as Dispatcher.DispatchController;

/** A handler that records how its request ended. */
function handler(log: string[], name: string): Dispatcher.DispatchHandler {
  return {
    onResponseEnd: () => log.push(`${name} answered`),
    onResponseError: (_controller, error) => log.push(`${name} failed: ${error.message}`),
  };
}

const request = (name: string): Dispatcher.DispatchOptions => ({ method: 'GET', path: name });

/** @sinonjs/fake-timers runs a setImmediate on the next ms of its clock; Node, after the poll phase. */
const IMMEDIATE_MS = 1;

describe('the open-loop driver’s connection pool', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  let connections: StandInConnection[];
  let log: string[];
  /** How far the pool's clock is ahead of the fake timers' clock: a stall the timers did not see. */
  let stallMs: number;
  const pool = (maxConnections = 100): ConnectionPool =>
    new ConnectionPool({
      maxConnections,
      connect: () => {
        const connection = new StandInConnection(connections.length);
        connections.push(connection);
        return connection;
      },
      now: () => clock.now + stallMs,
    });
  const send = (p: ConnectionPool, name: string): boolean => p.dispatch(request(name), handler(log, name));
  const where = (name: string): number => connections.findIndex((c) => c.requests.some((r) => r.name === name));

  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    stallMs = 0;
    connections = [];
    log = [];
  });
  afterEach(() => clock.uninstall());

  it('opens a connection at once for the first request, and lets the second wait for it rather than open another', () => {
    const p = pool();
    assert.equal(send(p, 'a'), true);
    assert.equal(send(p, 'b'), false);
    assert.deepEqual(p.stats, { connections: 1, connected: 0, opening: 1, busy: 1, queued: 1 });
    connections[0]?.emit('connect');
    connections[0]?.answer();
    assert.deepEqual(log, ['a answered']);
    assert.equal(where('b'), 0, 'b went out on the connection a freed');
    assert.deepEqual(p.stats, { connections: 1, connected: 1, opening: 0, busy: 1, queued: 0 });
  });

  it(`opens a new connection for a waiting request only when its patience (${PATIENCE_MS} ms) has run out`, async () => {
    const p = pool();
    send(p, 'a');
    connections[0]?.emit('connect');
    send(p, 'b');
    await clock.tickAsync(PATIENCE_MS - 1);
    assert.equal(connections.length, 1, 'still within its patience');
    await clock.tickAsync(1 + IMMEDIATE_MS);
    assert.equal(connections.length, 2);
    assert.equal(where('b'), 1);
    assert.deepEqual(p.stats, { connections: 2, connected: 1, opening: 1, busy: 2, queued: 0 });
  });

  it('decides after the sockets are read: a connection freed as the patience ends takes the waiting request, and none is opened', () => {
    const p = pool();
    send(p, 'a');
    send(p, 'b');
    clock.next(); // the patience timer; the pool waits for the poll phase before it opens anything
    connections[0]?.answer(); // an answer read in that poll phase
    clock.runAll();
    assert.equal(connections.length, 1);
    assert.equal(where('b'), 0);
  });

  it('does not count a stall of the event loop as patience: its timer fired late, and the waits are shortened by as much (less 1 ms of timer grain)', () => {
    const p = pool();
    send(p, 'a');
    send(p, 'b'); // waits from 0
    clock.tick(4);
    send(p, 'c'); // waits from 4
    stallMs = 30; // the loop stalls for 30 ms: the timer due at 5 fires at 35
    clock.tick(1 + IMMEDIATE_MS);
    assert.equal(where('b'), 1, 'b had waited its 5 ms before the stall: a connection was opened for it');
    assert.equal(where('c'), -1, 'c had waited 4 ms and 1 ms of the stall (the grain), not 31');
    clock.tick(2);
    assert.equal(where('c'), -1);
    clock.tick(IMMEDIATE_MS);
    assert.equal(where('c'), 2, 'c, 5 ms of its own patience later');
  });

  it('reuses the connection freed last (it is the warm one), and hands freed connections to waiting requests first come, first served', () => {
    const p = pool();
    send(p, 'a');
    send(p, 'b');
    send(p, 'c');
    clock.tick(PATIENCE_MS + IMMEDIATE_MS);
    // a on connection 0; b and c waited past their patience: connections 1 and 2.
    assert.deepEqual([where('a'), where('b'), where('c')], [0, 1, 2]);
    send(p, 'd');
    send(p, 'e');
    connections[1]?.answer();
    connections[0]?.answer();
    assert.deepEqual([where('d'), where('e')], [1, 0], 'the first to wait got the first to free');
    connections[2]?.answer();
    connections[0]?.answer();
    send(p, 'f');
    assert.equal(where('f'), 0, 'the last freed is reused first');
  });

  it(`sets up at most ${OPENING_AT_ONCE} new connections at a time, and starts the next as one finishes`, () => {
    const p = pool();
    send(p, 'first');
    connections[0]?.emit('connect');
    for (let i = 0; i < 20; i++) send(p, `r${i}`);
    clock.tick(PATIENCE_MS + IMMEDIATE_MS);
    assert.equal(connections.length, 1 + OPENING_AT_ONCE);
    assert.equal(p.stats.queued, 20 - OPENING_AT_ONCE);
    connections[1]?.emit('connect');
    connections[2]?.emit('connectionError');
    assert.equal(connections.length, 1 + OPENING_AT_ONCE + 2, 'one set-up ended well, one failed: two more begin');
    assert.equal(p.stats.opening, OPENING_AT_ONCE);
  });

  it('never opens more connections than its cap: the rest wait for one to free', () => {
    const p = pool(3);
    for (let i = 0; i < 10; i++) send(p, `r${i}`);
    clock.tick(PATIENCE_MS + IMMEDIATE_MS);
    for (const c of connections) c.emit('connect');
    clock.tick(100);
    assert.equal(connections.length, 3);
    assert.equal(p.stats.queued, 7);
    connections[2]?.answer();
    assert.equal(where('r3'), 2);
  });

  it('frees a connection once when its request fails, even if undici also ends it', () => {
    const p = pool();
    send(p, 'a');
    send(p, 'b');
    const first = connections[0]?.requests[0]?.handler;
    first?.onResponseError?.(CONTROLLER, new Error('socket hang up'));
    first?.onResponseEnd?.(CONTROLLER, {});
    assert.deepEqual(log, ['a failed: socket hang up', 'a answered']);
    assert.equal(where('b'), 0);
    assert.deepEqual(p.stats, { connections: 1, connected: 0, opening: 1, busy: 1, queued: 0 }, 'b is on it; it was freed once, not twice');
  });

  it('counts connections connected and disconnected as undici reports them', () => {
    const p = pool();
    send(p, 'a');
    connections[0]?.emit('connect');
    assert.equal(p.stats.connected, 1);
    connections[0]?.emit('disconnect');
    connections[0]?.emit('disconnect');
    assert.equal(p.stats.connected, 0);
  });

  it('closes after every request, waiting ones included, has ended; and refuses new requests meanwhile', async () => {
    const p = pool(1);
    send(p, 'a');
    send(p, 'b');
    let closed = false;
    const closing = p.close().then(() => (closed = true));
    assert.throws(() => send(p, 'c'), /the connection pool is closed/);
    connections[0]?.answer();
    await clock.tickAsync(0);
    assert.equal(closed, false, 'b is still on the connection');
    connections[0]?.answer();
    await closing;
    assert.deepEqual(log, ['a answered', 'b answered']);
    assert.deepEqual(connections.map((c) => c.state), ['closed']);
  });

  it('on destroy, drops the waiting requests unanswered and destroys every connection', async () => {
    const p = pool(1);
    send(p, 'a');
    send(p, 'b');
    await p.destroy();
    connections[0]?.answer();
    assert.deepEqual(log, ['a answered'], 'b was never sent');
    assert.deepEqual(connections.map((c) => c.state), ['destroyed']);
    assert.equal(connections[0]?.requests.length, 1);
    await clock.tickAsync(PATIENCE_MS * 2);
    assert.equal(connections.length, 1, 'no set-up after destroy');
  });

  it('refuses a cap that is not a whole number of at least 1', () => {
    assert.throws(() => pool(0), /maxConnections must be a whole number ≥ 1, got 0/);
    assert.throws(() => pool(2.5), /got 2.5/);
  });
});
