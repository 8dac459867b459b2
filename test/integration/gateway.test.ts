/**
 * The gateway fixture against tiny upstreams that misbehave on purpose (raw `node:net` servers on
 * 127.0.0.1, port 0), one real gateway each: status, `x-overload-cause`, counters and the error-log
 * line for every failure of DESIGN.md §2's table.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { CAUSE_HEADER } from '../../fixtures/gateway/causes.ts';
import { startGateway, type GatewayOptions } from '../../fixtures/gateway/server.ts';
import type { GatewayStats, RunningFixture } from '../../fixtures/common/protocol.ts';

interface Upstream {
  url: string;
  port: number;
  /** Sockets the upstream accepted, in order. */
  sockets: Socket[];
}

const cleanups: (() => Promise<unknown>)[] = [];
const onCleanup = (cleanup: () => Promise<unknown>): void => void cleanups.push(cleanup);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let logDir = '';
before(async () => {
  logDir = await mkdtemp(join(tmpdir(), 'overload-gateway-'));
});
after(() => rm(logDir, { recursive: true, force: true }));

/** A raw TCP upstream: `onRequest(socket, n)` runs for the n-th request (from 1) on each connection. */
async function rawUpstream(onRequest: (socket: Socket, n: number) => void): Promise<Upstream> {
  const sockets: Socket[] = [];
  const server = createNetServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    let n = 0;
    // Each GET arrives in one chunk on loopback; the tests send requests one at a time.
    socket.on('data', () => onRequest(socket, ++n));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  onCleanup(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${port}`, port, sockets };
}

/** A real node:http upstream. */
async function httpUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const sockets: Socket[] = [];
  const server = createHttpServer(handler);
  server.on('connection', (socket: Socket) => sockets.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  onCleanup(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${port}`, port, sockets };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

let logs = 0;
async function gateway(upstream: Upstream, options: Partial<GatewayOptions> = {}): Promise<RunningFixture<GatewayStats> & { logPath: string; client: Pool }> {
  const logPath = join(logDir, `error-${++logs}.log`);
  const fx = await startGateway({
    kind: 'node',
    profile: 'nginx',
    poolConnections: 8,
    queueLimit: 16,
    connectTimeoutMs: 1000,
    upstreamTimeoutMs: 2000,
    retries: 0,
    upstreamUrl: upstream.url,
    upstreamKeepAliveTimeoutMs: 5000,
    errorLogPath: logPath,
    ...options,
  });
  onCleanup(() => fx.close());
  const client = new Pool(fx.url, { connections: 8 });
  onCleanup(() => client.destroy());
  return { ...fx, logPath, client };
}

interface Answer {
  status: number;
  cause: string | undefined;
  body: string;
}

async function get(client: Pool, path = '/', method = 'GET', body?: string | Buffer): Promise<Answer> {
  const res = await client.request({ path, method, ...(body === undefined ? {} : { body }) });
  const cause = res.headers[CAUSE_HEADER];
  return { status: res.statusCode, cause: typeof cause === 'string' ? cause : undefined, body: await res.body.text() };
}

/** Waits until `check` holds (the gateway settles its counters when the client socket closes). */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(5);
  ok(check(), 'condition still false after 1 s');
}

/** A port that was just free: something listened on it and closed. */
async function closedPort(): Promise<Upstream> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return { url: `http://127.0.0.1:${port}`, port, sockets: [] };
}

interface FailureCase {
  name: string;
  upstream: () => Promise<Upstream>;
  options?: Partial<GatewayOptions>;
  status: number;
  cause: string;
  logMessage: string;
}

const FAILURES: FailureCase[] = [
  {
    name: 'answers 502 upstream_refused when nothing listens on the upstream port',
    upstream: closedPort,
    status: 502,
    cause: 'upstream_refused',
    logMessage: 'connect() failed (111: Connection refused) while connecting to upstream',
  },
  {
    name: 'answers 502 upstream_reset when the upstream resets the connection before the headers',
    upstream: () => rawUpstream((socket) => socket.resetAndDestroy()),
    status: 502,
    cause: 'upstream_reset',
    logMessage: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_closed when the upstream closes (FIN) before the headers',
    upstream: () => rawUpstream((socket) => socket.end()),
    status: 502,
    cause: 'upstream_closed',
    logMessage: 'upstream prematurely closed connection while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_invalid to a garbage status line',
    upstream: () => rawUpstream((socket) => socket.end('HELLO WORLD\r\n\r\n')),
    status: 502,
    cause: 'upstream_invalid',
    logMessage: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_invalid to a 20 KB response header',
    upstream: () => rawUpstream((socket) => socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)),
    status: 502,
    cause: 'upstream_invalid',
    logMessage: 'upstream sent too big header while reading response header from upstream',
  },
  {
    name: 'answers 504 upstream_timeout when the upstream never answers within upstreamTimeoutMs',
    upstream: () => rawUpstream(() => undefined),
    // undici's timers are coarse (≈1.5× at 1 s, research §6): the test asserts the status, not the time.
    options: { upstreamTimeoutMs: 300 },
    status: 504,
    cause: 'upstream_timeout',
    logMessage: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
  },
];

describe('gateway fixture', function () {
  this.timeout(10_000);

  for (const failure of FAILURES) {
    it(failure.name, async () => {
      const upstream = await failure.upstream();
      const gw = await gateway(upstream, failure.options);
      const answer = await get(gw.client, '/path?q=1');
      deepStrictEqual(answer, { status: failure.status, cause: failure.cause, body: `${failure.status} ${failure.status === 502 ? 'Bad Gateway' : 'Gateway Timeout'}\n` });
      await eventually(() => gw.stats().inFlight === 0);
      const stats = gw.stats();
      deepStrictEqual(
        [stats.received, stats.responses, stats.generated, stats.causes],
        [1, { [failure.status]: 1 }, { [failure.status]: 1 }, { [failure.cause]: 1 }],
      );
      await gw.close();
      const log = await readFile(gw.logPath, 'utf8');
      const line = new RegExp(
        `^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\[error\\] ${process.pid}#0: \\*\\d+ ${escape(failure.logMessage)}, client: 127\\.0\\.0\\.1, server: , ` +
          `request: "GET /path\\?q=1 HTTP/1\\.1", upstream: "http://127\\.0\\.0\\.1:${upstream.port}/path\\?q=1", host: "127\\.0\\.0\\.1:${gw.port}"\\n$`,
      );
      match(log, line);
    });
  }

  it('passes an upstream 503 through, without a cause and without counting a failure', async () => {
    const gw = await gateway(await rawUpstream((socket) => socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy')));
    deepStrictEqual(await get(gw.client), { status: 503, cause: undefined, body: 'busy' });
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.responses, stats.generated, stats.causes], [{ 503: 1 }, {}, {}]);
  });

  it('destroys the client connection and counts upstream_truncated when the body stops after the headers', async () => {
    const gw = await gateway(await rawUpstream((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello')));
    const res = await gw.client.request({ path: '/', method: 'GET' });
    strictEqual(res.statusCode, 200);
    await rejects(res.body.text());
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.responses, stats.generated, stats.causes], [{ 200: 1 }, {}, { upstream_truncated: 1 }]);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /\*\d+ upstream prematurely closed connection while reading upstream, client/);
  });

  it('refuses with 502 gateway_overflow beyond poolConnections + queueLimit, and never exceeds the pool upstream', async () => {
    let active = 0;
    let peak = 0;
    const upstream = await httpUpstream((_req, res) => {
      peak = Math.max(peak, ++active);
      setTimeout(() => {
        active--;
        res.end('slow');
      }, 200);
    });
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 1 });
    const answers = await Promise.all([1, 2, 3, 4].map(() => get(gw.client)));
    deepStrictEqual(
      answers.map((a) => `${a.status} ${a.cause ?? '-'}`).sort(),
      ['200 -', '200 -', '502 gateway_overflow', '502 gateway_overflow'],
    );
    strictEqual(peak, 1);
    // stats() restarts peakQueued on every read: keep the highest seen while waiting.
    let peakQueued = 0;
    await eventually(() => {
      const stats = gw.stats();
      peakQueued = Math.max(peakQueued, stats.peakQueued);
      return stats.inFlight === 0;
    });
    const stats = gw.stats();
    deepStrictEqual([peakQueued, stats.queued, stats.causes, stats.generated], [1, 0, { gateway_overflow: 2 }, { 502: 2 }]);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /no live upstreams while connecting to upstream/);
  });

  it('proxies a healthy upstream byte for byte both ways, and settles inFlight at 0', async () => {
    const upstream = await httpUpstream((req, res) => {
      res.setHeader('x-upstream-saw-host', req.headers.host ?? '');
      req.pipe(res);
    });
    const gw = await gateway(upstream);
    const payload = randomBytes(1 << 20);
    const res = await gw.client.request({ path: '/echo', method: 'POST', body: payload });
    const echoed = Buffer.from(await res.body.arrayBuffer());
    strictEqual(res.statusCode, 200);
    ok(echoed.equals(payload), 'the 1 MiB body came back intact');
    // nginx's default: Host is the upstream's ($proxy_host), not the client's.
    strictEqual(res.headers['x-upstream-saw-host'], `127.0.0.1:${upstream.port}`);
    deepStrictEqual(await get(gw.client, '/plain'), { status: 200, cause: undefined, body: '' });
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.received, stats.responses, stats.causes, stats.clientAborts], [2, { 200: 2 }, {}, 0]);
  });

  it('aborts the upstream request when the client goes away, and gives its slot back', async () => {
    let first = true;
    const upstream = await httpUpstream((_req, res) => {
      if (first) first = false; // the first request hangs until its connection closes
      else res.end('second');
    });
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 0 });
    const controller = new AbortController();
    const abandoned = gw.client.request({ path: '/', method: 'GET', signal: controller.signal });
    await eventually(() => upstream.sockets.length === 1);
    await sleep(20);
    controller.abort();
    await rejects(abandoned);
    const upstreamSocket = upstream.sockets[0];
    ok(upstreamSocket !== undefined);
    if (!upstreamSocket.destroyed) await once(upstreamSocket, 'close');
    // With one slot and no queue, a slot still held would make this a 502 gateway_overflow.
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'second' });
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.clientAborts, stats.causes, stats.generated], [1, {}, {}]);
  });

  it('survives a client that goes away in the middle of its request body', async () => {
    // Reads uploads and never answers them; answers anything else.
    const upstream = await httpUpstream((req, res) => (req.method === 'POST' ? req.resume() : res.end('fine')));
    const gw = await gateway(upstream);
    const controller = new AbortController();
    const body = new PassThrough();
    const upload = gw.client.request({ path: '/upload', method: 'POST', body, signal: controller.signal }).catch((error: unknown) => error);
    body.write(randomBytes(64 * 1024));
    await eventually(() => upstream.sockets.length === 1);
    controller.abort();
    ok((await upload) instanceof Error);
    await eventually(() => gw.stats().inFlight === 0);
    deepStrictEqual([gw.stats().clientAborts, gw.stats().causes], [1, {}]);
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'fine' });
  });

  it('takes a waiting request out of the queue when its client goes away', async () => {
    const upstream = await httpUpstream(() => undefined);
    const gw = await gateway(upstream, { poolConnections: 1, queueLimit: 1 });
    const running = gw.client.request({ path: '/', method: 'GET' }).catch(() => undefined);
    await eventually(() => upstream.sockets.length === 1);
    const controller = new AbortController();
    const waiting = gw.client.request({ path: '/', method: 'GET', signal: controller.signal });
    await eventually(() => gw.stats().queued === 1);
    controller.abort();
    await rejects(waiting);
    await eventually(() => gw.stats().queued === 0);
    strictEqual(gw.stats().clientAborts, 1);
    await gw.close();
    await running;
  });

  it('calls a reset on a reused connection idle past the upstream keep-alive timeout a keepalive_race, and a reset on a busy one upstream_reset', async () => {
    // Every connection serves one request, then resets on the next: fault injection on reuse.
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, upstreamKeepAliveTimeoutMs: 100 });
    strictEqual((await get(gw.client)).status, 200);
    deepStrictEqual(await get(gw.client), { status: 502, cause: 'upstream_reset', body: '502 Bad Gateway\n' });
    strictEqual((await get(gw.client)).status, 200);
    await sleep(150); // idle ≥ 100 ms − round trip
    deepStrictEqual(await get(gw.client), { status: 502, cause: 'keepalive_race', body: '502 Bad Gateway\n' });
    deepStrictEqual(gw.stats().causes, { upstream_reset: 1, keepalive_race: 1 });
  });

  it("prefers the upstream's Keep-Alive hint to the configured keep-alive timeout", async () => {
    const hinted = 'HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok';
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(hinted) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, upstreamKeepAliveTimeoutMs: 100 });
    strictEqual((await get(gw.client)).status, 200);
    await sleep(150); // past the configured 100 ms, far from the hinted 5 s
    strictEqual((await get(gw.client)).cause, 'upstream_reset');
  });

  it('retries a GET once on a fresh connection after a reset on a reused one (retries: 1), and logs the failed try', async () => {
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, retries: 1 });
    strictEqual((await get(gw.client)).status, 200);
    deepStrictEqual(await get(gw.client), { status: 200, cause: undefined, body: 'ok' });
    const stats = gw.stats();
    deepStrictEqual([stats.retries, stats.causes, stats.responses], [1, {}, { 200: 2 }]);
    strictEqual(upstream.sockets.length, 2);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream/);
  });

  it('never retries a POST, as nginx does not (retries: 1)', async () => {
    const upstream = await rawUpstream((socket, n) => (n === 1 ? socket.write(OK) : socket.resetAndDestroy()));
    const gw = await gateway(upstream, { poolConnections: 1, retries: 1 });
    strictEqual((await get(gw.client, '/', 'POST', 'x')).status, 200);
    deepStrictEqual(await get(gw.client, '/', 'POST', 'y'), { status: 502, cause: 'upstream_reset', body: '502 Bad Gateway\n' });
    strictEqual(gw.stats().retries, 0);
  });

  it('follows the profile: haproxy answers 503 to a refused connection, envoy 503 to a reset', async () => {
    const haproxy = await gateway(await closedPort(), { profile: 'haproxy' });
    deepStrictEqual(await get(haproxy.client), { status: 503, cause: 'upstream_refused', body: '503 Service Unavailable\n' });
    const envoy = await gateway(await rawUpstream((socket) => socket.resetAndDestroy()), { profile: 'envoy' });
    deepStrictEqual(await get(envoy.client), { status: 503, cause: 'upstream_reset', body: '503 Service Unavailable\n' });
  });

  it('closes with a request in flight: the client connection ends and close() resolves', async () => {
    const upstream = await rawUpstream(() => undefined);
    const gw = await gateway(upstream);
    const pending = gw.client.request({ path: '/', method: 'GET' }).then(
      () => 'answered',
      (error: unknown) => error,
    );
    await eventually(() => upstream.sockets.length === 1);
    await gw.close();
    ok((await pending) instanceof Error, 'the client saw its connection end');
    strictEqual(gw.stats().inFlight, 0);
  });

  it('rejects invalid options with every problem, its path and its fix', async () => {
    const upstream = await closedPort();
    await rejects(
      startGateway({ kind: 'node', profile: 'nginx', poolConnections: 0, queueLimit: -1, connectTimeoutMs: 1000, upstreamTimeoutMs: 1000, retries: 2, upstreamUrl: upstream.url, upstreamKeepAliveTimeoutMs: 5000 }),
      (error: Error) =>
        error.message.includes('gateway.poolConnections: must be an integer ≥ 1 (got 0). Fix: set it to 1 or more') &&
        error.message.includes('gateway.queueLimit: must be an integer ≥ 0 (got -1)') &&
        error.message.includes('gateway.retries: must be 0 or 1 (got 2)'),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
