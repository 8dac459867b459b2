/**
 * The FIN-delay relay (fixtures/upstream/fin-delay-relay.ts) on its own, on 127.0.0.1: bytes pass
 * both ways unchanged, the upstream's FIN is held back `delayMs`, an RST is passed on as a reset,
 * and close() leaves nothing behind that would keep the process alive. Waits are bounded; the
 * timing check is a lower bound only (a held FIN cannot arrive early, however slow the machine).
 */
import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { listenOnLoopback } from '../../fixtures/common/listen.ts';
import { createFinDelayRelay, type FinDelayRelay } from '../../fixtures/upstream/fin-delay-relay.ts';
import { startUpstream } from '../../fixtures/upstream/server.ts';

const HOST = '127.0.0.1';
const DELAY_MS = 300;
/** Node may fire a timer up to 1 ms early; the rest is slack for how the client measures. */
const EARLY_SLACK_MS = 20;
/** How long a test waits for something that must come before it fails: many delays. */
const PATIENCE_MS = DELAY_MS + 3000;

/** Resolves with `promise`, or fails with `what` once `ms` have passed. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timeout = new AbortController();
  const expired = sleep(ms, undefined, { signal: timeout.signal }).then(
    () => Promise.reject(new Error(`${what} (waited ${ms} ms)`)),
    () => new Promise<never>(() => undefined),
  );
  try {
    return await Promise.race([promise, expired]);
  } finally {
    timeout.abort();
  }
}

/** The kinds of handle that keep a process alive, counted (`process.getActiveResourcesInfo`). */
function liveHandles(): Record<'Timeout' | 'TCPSocketWrap' | 'TCPServerWrap', number> {
  const counts = { Timeout: 0, TCPSocketWrap: 0, TCPServerWrap: 0 };
  for (const kind of process.getActiveResourcesInfo()) if (Object.hasOwn(counts, kind)) counts[kind as keyof typeof counts]++;
  return counts;
}

describe('FIN-delay relay', function () {
  this.timeout(PATIENCE_MS + 2000);

  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A raw TCP upstream on port 0 that runs `onConnection` for each socket; closed after the test. */
  async function tinyUpstream(onConnection: (socket: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      onConnection(socket);
    });
    const close = (): Promise<void> =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
    cleanups.push(close);
    const { port } = await listenOnLoopback(server, HOST);
    return { port, close };
  }

  /** A relay in front of `upstreamPort`, listening on port 0; closed after the test. */
  async function relayTo(upstreamPort: number, delayMs: number): Promise<FinDelayRelay & { port: number }> {
    const relay = createFinDelayRelay(HOST, upstreamPort, delayMs);
    cleanups.push(() => relay.close());
    const { port } = await listenOnLoopback(relay.server, HOST);
    return { ...relay, port };
  }

  /** A raw client socket connected to `port`; destroyed after the test. */
  async function client(port: number): Promise<Socket> {
    const socket = connect({ host: HOST, port });
    cleanups.push(() => Promise.resolve(socket.destroy()));
    await within(once(socket, 'connect'), PATIENCE_MS, `could not connect to the relay on port ${port}`);
    return socket;
  }

  it('passes a GET and its response through to the upstream fixture unchanged', async () => {
    const upstream = await startUpstream({ ...DEFAULTS.upstream, seed: 1, serviceMs: 0 });
    cleanups.push(() => upstream.close());
    const relay = await relayTo(upstream.port, DELAY_MS);
    const pool = new Pool(`http://${HOST}:${relay.port}`, { connections: 1 });
    cleanups.push(() => pool.destroy());
    const res = await pool.request({ path: '/', method: 'GET' });
    deepStrictEqual([res.statusCode, res.headers['content-length'], await res.body.text()], [200, '3', 'ok\n']);
    strictEqual(upstream.stats().served, 1);
  });

  it('passes 1 MiB each way byte for byte (an echo upstream)', async () => {
    const upstream = await tinyUpstream((socket) => socket.pipe(socket));
    const relay = await relayTo(upstream.port, DELAY_MS);
    const socket = await client(relay.port);
    const sent = Buffer.alloc(1 << 20, 0);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 7919) % 251;
    const chunks: Buffer[] = [];
    let received = 0;
    const echoed = new Promise<void>((resolve) =>
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= sent.length) resolve();
      }),
    );
    socket.write(sent);
    await within(echoed, PATIENCE_MS, 'the echoed bytes never all came back');
    ok(Buffer.concat(chunks).equals(sent), 'the echoed bytes differ from those sent');
  });

  it("holds the upstream's FIN back delayMs, then passes it on", async () => {
    // The upstream ends every connection at once: its FIN leaves as soon as the relay connects.
    const upstream = await tinyUpstream((socket) => socket.end());
    const relay = await relayTo(upstream.port, DELAY_MS);
    const socket = await client(relay.port);
    // Counted from the client's connect, which comes before the upstream could have ended.
    const connectedAt = performance.now();
    await within(once(socket, 'end'), PATIENCE_MS, "the upstream's FIN never reached the client");
    const heldMs = performance.now() - connectedAt;
    ok(heldMs >= DELAY_MS - EARLY_SLACK_MS, `the FIN reached the client after ${heldMs.toFixed(1)} ms, before the ${DELAY_MS} ms delay`);
  });

  it('passes an RST from the upstream on as a reset: the client sees ECONNRESET', async () => {
    const upstream = await tinyUpstream((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const relay = await relayTo(upstream.port, DELAY_MS);
    const socket = await client(relay.port);
    let error: NodeJS.ErrnoException | undefined;
    socket.on('error', (e) => (error = e));
    // Not events.once: it would reject on the 'error' this test waits for.
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('hello');
    await within(closed, PATIENCE_MS, 'the client socket never closed');
    // A FIN in its place would close the socket without an error.
    strictEqual(error?.code, 'ECONNRESET');
  });

  it('close() destroys the relayed pairs and clears the FIN timers it holds: nothing is left to keep the process alive', async () => {
    // Counted after a first await: mocha arms its own timeout timer once the test returns its promise.
    await Promise.resolve();
    const baseline = liveHandles();
    let upstreamClosed: Promise<unknown> | undefined;
    const upstream = await tinyUpstream((socket) => {
      upstreamClosed = new Promise((resolve) => socket.end().once('close', resolve));
    });
    // A delay far longer than the test: a timer close() forgot would still be pending at the end.
    const relay = await relayTo(upstream.port, 60_000);
    const socket = await client(relay.port);
    const clientClosed = new Promise((resolve) => socket.once('close', resolve));
    // The relay holds the FIN once its timer is armed: the only Timeout this test adds.
    for (let i = 0; i < 200 && liveHandles().Timeout <= baseline.Timeout; i++) await sleep(5);
    strictEqual(liveHandles().Timeout, baseline.Timeout + 1, 'the relay never armed a timer for the FIN');
    await within(relay.close(), PATIENCE_MS, 'relay.close() did not resolve: a relayed pair is still open');
    await within(clientClosed, PATIENCE_MS, 'the client socket stayed open after relay.close()');
    // The upstream's socket closes by itself only if the relay destroyed its side of the pair too.
    ok(upstreamClosed !== undefined, 'the relay never connected to the upstream');
    await within(upstreamClosed, PATIENCE_MS, "the upstream's socket stayed open after relay.close()");
    await upstream.close();
    // A closed handle stays listed until libuv runs its close callback, a turn of the loop later.
    for (let turn = 0; turn < 10; turn++) await new Promise(setImmediate);
    const left = liveHandles();
    for (const kind of ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'] as const) {
      ok(left[kind] <= baseline[kind], `${left[kind]} ${kind} handles left after close(), ${baseline[kind]} before the test`);
    }
  });
});
