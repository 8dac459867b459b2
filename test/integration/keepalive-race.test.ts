/**
 * The keep-alive race, made deterministic (research/gateway-502.md §5.4, recipe 1): the upstream
 * fixture behind its FIN-delay relay (`finDelayMs`), the gateway fixture in front (nginx profile:
 * idle pooled connections kept 60 s, the upstream's Keep-Alive hint ignored, `retries: 1`), all in
 * this process on 127.0.0.1. One client connection to the gateway, one request at a time, so the
 * gateway's second request goes on the pooled connection its first one used.
 *
 *   first response ─┬─ idle ─────────────── 1500 ms: Node closes ── 1900 ms: the FIN reaches the gateway
 *                   │                            │ ◄──── the window ────► │
 *                   │                            │      1700: reuse       │          2300: reuse
 *                   │                            │      (lost race)       │          (fresh connection)
 *
 * The timers are real: every wait sits 200 ms or more from both edges of the window.
 */
import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { GatewayStats, RunningFixture, UpstreamStats } from '../../fixtures/common/protocol.ts';
import { startUpstream } from '../../fixtures/upstream/server.ts';
import { gatewayRig, get } from './helpers/gateway-rig.ts';

/** The upstream's `server.keepAliveTimeout` in the racing setup (it advertises `timeout=0`). */
const KEEP_ALIVE_MS = 500;
/** Node arms the idle timer at keepAliveTimeout + keepAliveTimeoutBuffer (1000 ms by default; research §5.1). */
const UPSTREAM_CLOSES_AT_MS = KEEP_ALIVE_MS + 1000;
/** How long the relay holds the upstream's FIN back: the width of the window. */
const FIN_DELAY_MS = 400;
/** The middle of the window: 200 ms after Node closed, 200 ms before the gateway hears of it. */
const INSIDE_WINDOW_MS = UPSTREAM_CLOSES_AT_MS + FIN_DELAY_MS / 2;
/** 400 ms after the delayed FIN reached the gateway, which dropped the connection from its pool. */
const PAST_WINDOW_MS = UPSTREAM_CLOSES_AT_MS + FIN_DELAY_MS + 400;
/** The fix (research §5.4): the upstream keeps idle connections longer than the gateway's reuse gap. */
const LONG_KEEP_ALIVE_MS = 65_000;

/** The fixtures of one test and the single-connection client in front of them. */
interface Race {
  upstream: RunningFixture<UpstreamStats>;
  gateway: RunningFixture<GatewayStats>;
  client: Pool;
}

describe('keep-alive race through the FIN-delay relay', function () {
  // The longest test idles PAST_WINDOW_MS once; the rest is a few requests on loopback.
  this.timeout(PAST_WINDOW_MS + 5000);
  const { gateway, onCleanup } = gatewayRig();

  /** Upstream (behind its relay), gateway (retries 1) and a one-connection client; each closed after the test. */
  async function race(keepAliveTimeoutMs: number): Promise<Race> {
    const upstream = await startUpstream({ ...DEFAULTS.upstream, seed: 1, serviceMs: 0, keepAliveTimeoutMs, finDelayMs: FIN_DELAY_MS });
    onCleanup(() => upstream.close());
    const gw = await gateway({ url: upstream.url, port: upstream.port, sockets: [] }, { poolConnections: 1, retries: 1, upstreamKeepAliveTimeoutMs: keepAliveTimeoutMs });
    // One connection to the gateway (the rig's own client has 8): its requests come one at a time.
    const client = new Pool(gw.url, { connections: 1 });
    onCleanup(() => client.destroy());
    return { upstream, gateway: gw, client };
  }

  it('answers a POST reused inside the window 502 keepalive_race, never retried', async () => {
    const { upstream, gateway: gw, client } = await race(KEEP_ALIVE_MS);
    strictEqual((await get(client, '/', 'POST', 'first')).status, 200);
    await sleep(INSIDE_WINDOW_MS); // Node has closed the connection; the gateway has not heard yet
    deepStrictEqual(await get(client, '/', 'POST', 'second'), { status: 502, cause: 'keepalive_race', body: '502 Bad Gateway\n' });
    const stats = gw.stats();
    deepStrictEqual([stats.causes, stats.retries], [{ keepalive_race: 1 }, 0]);
    // The second POST met a closed socket: the upstream's application never saw it.
    strictEqual(upstream.stats().received, 1);
  });

  it('retries a GET reused inside the window on a fresh connection, which answers 200', async () => {
    const { upstream, gateway: gw, client } = await race(KEEP_ALIVE_MS);
    strictEqual((await get(client)).status, 200);
    await sleep(INSIDE_WINDOW_MS); // as above: the reuse lands on the connection Node closed
    deepStrictEqual(await get(client), { status: 200, cause: undefined, body: 'ok\n' });
    const stats = gw.stats();
    deepStrictEqual([stats.retries, stats.causes, stats.responses], [1, {}, { 200: 2 }]);
    // The first GET, then the retry: the lost try never reached the application.
    strictEqual(upstream.stats().received, 2);
  });

  it('answers the second POST 200 when the upstream keeps idle connections 65 s (the fix)', async () => {
    const { upstream, gateway: gw, client } = await race(LONG_KEEP_ALIVE_MS);
    strictEqual((await get(client, '/', 'POST', 'first')).status, 200);
    await sleep(INSIDE_WINDOW_MS); // the same gap that lost the race above; far inside 65 s
    deepStrictEqual(await get(client, '/', 'POST', 'second'), { status: 200, cause: undefined, body: 'ok\n' });
    deepStrictEqual(gw.stats().causes, {});
    strictEqual(upstream.stats().received, 2);
  });

  it('answers a POST sent after the window 200: the gateway saw the FIN and connected anew', async () => {
    const { upstream, gateway: gw, client } = await race(KEEP_ALIVE_MS);
    strictEqual((await get(client, '/', 'POST', 'first')).status, 200);
    await sleep(PAST_WINDOW_MS); // past Node's close (1500 ms) plus the FIN delay (400 ms)
    deepStrictEqual(await get(client, '/', 'POST', 'second'), { status: 200, cause: undefined, body: 'ok\n' });
    deepStrictEqual(gw.stats().causes, {});
    strictEqual(upstream.stats().received, 2);
  });
});
