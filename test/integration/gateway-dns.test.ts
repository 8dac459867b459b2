/**
 * The gateway reaching its upstream by name (`upstreamName`, fixtures/gateway/upstream-resolver.ts)
 * in front of a real upstream fixture, both in this process on 127.0.0.1. The upstream closes every
 * connection, so each request connects anew and follows the gateway's current answer. Waits are
 * derived from the TTL with wide margins; the checks are on the order of outcomes, and on lower
 * bounds only (a cached answer cannot expire before its TTL, however slow the machine).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import type { FixtureEvent, GatewayStats, RunningFixture } from '../../fixtures/common/protocol.ts';
import { startGateway, type GatewayOptions } from '../../fixtures/gateway/server.ts';
import { startUpstream } from '../../fixtures/upstream/server.ts';
import { escapeRegExp, get, type Answer } from './helpers/gateway-rig.ts';

const NAME = 'upstream.overload.test';
const TTL_MS = 300;
/** Long enough for any cached answer to have expired, with room for a slow machine. */
const PAST_TTL_MS = TTL_MS + 200;
/** How long a test polls for a change before it fails: many TTLs. */
const POLL_LIMIT_MS = 10 * TTL_MS;

interface Rig {
  gateway: RunningFixture<GatewayStats>;
  client: Pool;
  events: FixtureEvent[];
  logPath: string;
}

/** The poll loop's result: every answer seen, ending with the first that `until` accepted. */
interface Polled {
  answers: Answer[];
  /** When the last answer arrived (performance.now()). */
  at: number;
}

describe('gateway DNS (upstreamName)', function () {
  this.timeout(15_000);

  let logDir = '';
  let logs = 0;
  /** What each test started, closed after it in reverse order (the client, the gateway, the upstream). */
  const cleanups: (() => Promise<unknown>)[] = [];
  before(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'overload-gateway-dns-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => rm(logDir, { recursive: true, force: true }));

  /** A real upstream and a gateway resolving `NAME` in front of it; each closed after the test. */
  async function rig(gatewayOptions: Partial<GatewayOptions> = { upstreamName: NAME, dnsTtlMs: TTL_MS }): Promise<Rig> {
    const upstream = await startUpstream({ ...DEFAULTS.upstream, seed: 1, workers: 4, queue: 8, serviceMs: 0, connection: 'close' });
    cleanups.push(() => upstream.close());
    const events: FixtureEvent[] = [];
    const logPath = join(logDir, `error-${++logs}.log`);
    const gateway = await startGateway(
      {
        ...DEFAULTS.gateway,
        poolConnections: 4,
        queueLimit: 16,
        upstreamTimeoutMs: 2000,
        upstreamUrl: upstream.url,
        upstreamKeepAliveTimeoutMs: DEFAULTS.upstream.keepAliveTimeoutMs,
        errorLogPath: logPath,
        ...gatewayOptions,
      },
      (event) => events.push(event),
    );
    cleanups.push(() => gateway.close());
    const client = new Pool(gateway.url, { connections: 2 });
    cleanups.push(() => client.destroy());
    return { gateway, client, events, logPath };
  }

  /** Sends a request every 20 ms until `until` accepts an answer; fails after POLL_LIMIT_MS. */
  async function pollUntil(client: Pool, until: (answer: Answer) => boolean, what: string): Promise<Polled> {
    const answers: Answer[] = [];
    for (const deadline = performance.now() + POLL_LIMIT_MS; performance.now() < deadline; await sleep(20)) {
      const answer = await get(client);
      answers.push(answer);
      if (until(answer)) return { answers, at: performance.now() };
    }
    assert.fail(`no ${what} within ${POLL_LIMIT_MS} ms: ${JSON.stringify(answers.map(brief))}`);
  }

  const brief = (answer: Answer): string => `${answer.status}${answer.cause === undefined ? '' : ` ${answer.cause}`}`;
  const setDns = (gateway: RunningFixture<GatewayStats>, address: string | null): Promise<void> => {
    assert.ok(gateway.control !== undefined, 'the gateway takes controls');
    return gateway.control({ action: 'set-dns', address });
  };

  it('keeps the cached answer for the TTL after a move to 127.0.0.2, then fails with upstream_refused, and recovers a TTL after the move back', async () => {
    const { gateway, client } = await rig();

    // A fresh answer (127.0.0.1) taken during this request, no earlier than `resolvedAt`.
    const resolvedAt = performance.now();
    assert.equal(brief(await get(client)), '200');
    await setDns(gateway, '127.0.0.2');
    assert.equal(brief(await get(client)), '200', 'the cached answer still points at the upstream');

    const failing = await pollUntil(client, (answer) => answer.status !== 200, 'failure after the move');
    assert.deepEqual(failing.answers.slice(0, -1).map(brief), failing.answers.slice(0, -1).map(() => '200'));
    assert.equal(brief(failing.answers.at(-1) ?? assert.fail()), '502 upstream_refused');
    assert.ok(failing.at - resolvedAt >= TTL_MS, `failed ${Math.round(failing.at - resolvedAt)} ms after the answer was taken`);

    // Let the cache expire, take a fresh (same) answer, then move the record back at once.
    await sleep(PAST_TTL_MS);
    const refreshedAt = performance.now();
    assert.equal(brief(await get(client)), '502 upstream_refused');
    await setDns(gateway, '127.0.0.1');
    assert.equal(brief(await get(client)), '502 upstream_refused', 'the cached answer still points at 127.0.0.2');

    const recovered = await pollUntil(client, (answer) => answer.status === 200, 'recovery after the move back');
    assert.deepEqual(recovered.answers.slice(0, -1).map(brief), recovered.answers.slice(0, -1).map(() => '502 upstream_refused'));
    assert.ok(recovered.at - refreshedAt >= TTL_MS, `recovered ${Math.round(recovered.at - refreshedAt)} ms after the answer was taken`);
    for (let i = 0; i < 3; i++) assert.equal(brief(await get(client)), '200');
    assert.ok((gateway.stats().causes.upstream_refused ?? 0) >= 2, JSON.stringify(gateway.stats().causes));
  });

  it('answers 502 upstream_unresolved once a removed record (NXDOMAIN) is seen, and logs "could not be resolved (3: Host not found)"', async () => {
    const { gateway, client, logPath } = await rig();
    assert.equal(brief(await get(client)), '200');
    await setDns(gateway, null);

    const failing = await pollUntil(client, (answer) => answer.status !== 200, 'failure after the removal');
    assert.equal(brief(failing.answers.at(-1) ?? assert.fail()), '502 upstream_unresolved');
    assert.equal(brief(await get(client)), '502 upstream_unresolved');
    assert.equal(gateway.stats().causes.upstream_unresolved, 2);

    // The log is written through a stream: closing the gateway flushes it.
    await gateway.close();
    const lines = (await readFile(logPath, 'utf8')).split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 2, lines.join('\n'));
    for (const line of lines) assert.match(line, new RegExp(`\\[error\\] .* ${escapeRegExp(`${NAME} could not be resolved (3: Host not found), client: 127.0.0.1`)}`));
  });

  it('rejects set-dns on a gateway without upstreamName, naming gateway.upstreamName', async () => {
    const { gateway, client } = await rig({});
    await assert.rejects(setDns(gateway, '127.0.0.2'), /gateway\.upstreamName/);
    // And nothing changed: it still reaches its upstream by address.
    assert.equal(brief(await get(client)), '200');
  });

  it("emits 'gateway-resolved' for the first answer and each changed one, never for a refresh with the same answer", async () => {
    const { gateway, client, events } = await rig();
    const details = (): string[] => events.map((event) => `${event.what}: ${event.detail}`);
    const resolved = (address: string): string => `gateway-resolved: ${NAME} → ${address} (kept ${TTL_MS} ms)`;
    assert.deepEqual(details(), [], 'nothing is resolved before the first connection');

    assert.equal(brief(await get(client)), '200');
    assert.deepEqual(details(), [resolved('127.0.0.1')]);
    await sleep(PAST_TTL_MS);
    assert.equal(brief(await get(client)), '200');
    assert.deepEqual(details(), [resolved('127.0.0.1')], 'a refresh with the same answer');

    await setDns(gateway, '127.0.0.2');
    await sleep(PAST_TTL_MS);
    assert.equal(brief(await get(client)), '502 upstream_refused');
    await sleep(PAST_TTL_MS);
    assert.equal(brief(await get(client)), '502 upstream_refused');
    assert.deepEqual(details(), [resolved('127.0.0.1'), resolved('127.0.0.2')]);

    await setDns(gateway, null);
    await sleep(PAST_TTL_MS);
    assert.equal(brief(await get(client)), '502 upstream_unresolved');
    assert.deepEqual(details(), [resolved('127.0.0.1'), resolved('127.0.0.2'), resolved('NXDOMAIN')]);
  });
});
