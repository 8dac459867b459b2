/**
 * The gateway fixture against tiny upstreams that misbehave on purpose, one real gateway each:
 * status, `x-overload-cause`, counters and the error-log line for every failure of DESIGN.md §2's
 * table, what is passed through untouched, and how each profile answers.
 */
import { deepStrictEqual, match, rejects, strictEqual } from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { escapeRegExp, eventually, gatewayRig, get, type GatewayRig, type Upstream } from './helpers/gateway-rig.ts';
import type { GatewayOptions } from '../../fixtures/gateway/server.ts';

interface FailureCase {
  name: string;
  upstream: (rig: GatewayRig) => Promise<Upstream>;
  options?: Partial<GatewayOptions>;
  status: number;
  cause: string;
  logMessage: string;
}

const FAILURES: FailureCase[] = [
  {
    name: 'answers 502 upstream_refused when nothing listens on the upstream port',
    upstream: (rig) => rig.closedPort(),
    status: 502,
    cause: 'upstream_refused',
    logMessage: 'connect() failed (111: Connection refused) while connecting to upstream',
  },
  {
    name: 'answers 502 upstream_reset when the upstream resets the connection before the headers',
    upstream: (rig) => rig.rawUpstream((socket) => socket.resetAndDestroy()),
    status: 502,
    cause: 'upstream_reset',
    logMessage: 'recv() failed (104: Connection reset by peer) while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_closed when the upstream closes (FIN) before the headers',
    upstream: (rig) => rig.rawUpstream((socket) => socket.end()),
    status: 502,
    cause: 'upstream_closed',
    logMessage: 'upstream prematurely closed connection while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_invalid to a garbage status line',
    upstream: (rig) => rig.rawUpstream((socket) => socket.end('HELLO WORLD\r\n\r\n')),
    status: 502,
    cause: 'upstream_invalid',
    logMessage: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  },
  {
    name: 'answers 502 upstream_invalid to a 20 KB response header',
    upstream: (rig) => rig.rawUpstream((socket) => socket.end(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)),
    status: 502,
    cause: 'upstream_invalid',
    logMessage: 'upstream sent too big header while reading response header from upstream',
  },
  {
    name: 'answers 504 upstream_timeout when the upstream never answers within upstreamTimeoutMs',
    upstream: (rig) => rig.rawUpstream(() => undefined),
    // When the 504 comes is gateway-timeouts.test.ts's business.
    options: { upstreamTimeoutMs: 300 },
    status: 504,
    cause: 'upstream_timeout',
    logMessage: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
  },
];

describe('gateway fixture: failures', function () {
  this.timeout(10_000);
  const rig = gatewayRig();
  const { rawUpstream, closedPort, gateway } = rig;

  for (const failure of FAILURES) {
    it(failure.name, async () => {
      const upstream = await failure.upstream(rig);
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
        `^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\[error\\] ${process.pid}#0: \\*\\d+ ${escapeRegExp(failure.logMessage)}, client: 127\\.0\\.0\\.1, server: , ` +
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

  it("strips an upstream's own x-overload-cause header, so that the client never counts a passed-through response as the gateway's", async () => {
    const upstream = await rawUpstream((socket) => socket.write('HTTP/1.1 503 Service Unavailable\r\nX-Overload-Cause: upstream_reset\r\nContent-Length: 4\r\n\r\nbusy'));
    const gw = await gateway(upstream);
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

  it('follows the profile: haproxy answers 503 to a refused connection, envoy 503 to a reset', async () => {
    const haproxy = await gateway(await closedPort(), { profile: 'haproxy' });
    deepStrictEqual(await get(haproxy.client), { status: 503, cause: 'upstream_refused', body: '503 Service Unavailable\n' });
    const envoy = await gateway(await rawUpstream((socket) => socket.resetAndDestroy()), { profile: 'envoy' });
    deepStrictEqual(await get(envoy.client), { status: 503, cause: 'upstream_reset', body: '503 Service Unavailable\n' });
  });
});
