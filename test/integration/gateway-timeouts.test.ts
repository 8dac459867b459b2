/**
 * The gateway's timeouts are its own millisecond timers, as nginx's are, not undici's FastTimer
 * (which ticks every 499 ms: a 300 ms timeout answered after 0.54 to 1.02 s). Each test sets
 * undici's backstop 10 s above the timeout, so an answer within the test's bounded wait can only
 * come from the gateway's timer: the tests fail without it, and a slow machine cannot fake it.
 */
import { deepStrictEqual, match, ok } from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { startBlackhole } from './helpers/blackhole.ts';
import { eventually, gatewayRig, get, type Answer } from './helpers/gateway-rig.ts';

/** The timeout under test. */
const TIMEOUT_MS = 300;
/** undici's own timers are armed this much later: far beyond the bound below. */
const BACKSTOP_MS = 10_000;
/** The bounded wait: generous for a busy machine, and 10 s short of undici's backstop. */
const BOUND_MS = 2000;

/** Sends one request and returns its answer and the ms it took, or null after the bounded wait. */
async function timed(send: () => Promise<Answer>): Promise<(Answer & { ms: number }) | null> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<null>((resolve) => (timer = setTimeout(resolve, TIMEOUT_MS + BOUND_MS, null)));
  const answer = await Promise.race([send(), bound]);
  clearTimeout(timer);
  return answer === null ? null : { ...answer, ms: performance.now() - startedAt };
}

/** Each answer came at least the timeout after its request (less the 1 ms libuv's ms clock can lose). */
function assertOnTime(answers: ((Answer & { ms: number }) | null)[]): void {
  for (const answer of answers) {
    ok(answer !== null, `no answer within ${TIMEOUT_MS + BOUND_MS} ms: the gateway's own timer did not fire`);
    ok(answer.ms >= TIMEOUT_MS - 1, `answered after ${answer.ms.toFixed(1)} ms, before the ${TIMEOUT_MS} ms timeout`);
  }
}

describe('gateway fixture: timeouts', function () {
  this.timeout(10_000);
  const { rawUpstream, gateway, onCleanup } = gatewayRig();

  it('answers 504 upstream_timeout on its own timer, upstreamTimeoutMs after the request went out, to every request', async () => {
    const upstream = await rawUpstream(() => undefined);
    const gw = await gateway(upstream, { upstreamTimeoutMs: TIMEOUT_MS, timerBackstopMs: BACKSTOP_MS });
    // Five requests started 70 ms apart: each has its own timer, whatever the others do.
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 70));
        return timed(() => get(gw.client));
      }),
    );
    assertOnTime(answers);
    deepStrictEqual(
      answers.map((answer) => `${answer?.status} ${answer?.cause}`),
      Array<string>(5).fill('504 upstream_timeout'),
    );
    await eventually(() => gw.stats().inFlight === 0);
    const stats = gw.stats();
    deepStrictEqual([stats.dispatched, stats.causes, stats.generated], [0, { upstream_timeout: 5 }, { 504: 5 }]);
  });

  it('answers 504 upstream_timeout on its own timer once a streamed request body went out, while other requests went out meanwhile', async () => {
    // A body is written over later ticks, and its timer starts when undici's bodySent says it is
    // all out: the GET sent in the middle makes the gateway find the POST's attempt among others.
    const upstream = await rawUpstream(() => undefined);
    const gw = await gateway(upstream, { upstreamTimeoutMs: TIMEOUT_MS, timerBackstopMs: BACKSTOP_MS });
    let sendTheRest: () => void = () => undefined;
    const rest = new Promise<void>((resolve) => (sendTheRest = resolve));
    async function* body(): AsyncGenerator<string> {
      yield 'first half, ';
      await rest;
      yield 'second half';
    }
    const post = timed(() => get(gw.client, '/upload', 'POST', Readable.from(body())));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const getAnswer = timed(() => get(gw.client));
    await new Promise((resolve) => setTimeout(resolve, 50));
    sendTheRest();
    const answers = await Promise.all([post, getAnswer]);
    assertOnTime(answers);
    deepStrictEqual(
      answers.map((answer) => `${answer?.status} ${answer?.cause}`),
      ['504 upstream_timeout', '504 upstream_timeout'],
    );
    await gw.close();
    const log = await readFile(gw.logPath, 'utf8');
    deepStrictEqual(log.match(/while reading response header from upstream/g)?.length, 2);
  });

  it('answers 504 upstream_timeout on its own timer, connectTimeoutMs after a connect that gets no answer', async () => {
    const hole = await startBlackhole();
    onCleanup(() => hole.close());
    const gw = await gateway({ url: hole.url, port: hole.port, sockets: [] }, { connectTimeoutMs: TIMEOUT_MS, timerBackstopMs: BACKSTOP_MS });
    const answer = await timed(() => get(gw.client));
    assertOnTime([answer]);
    deepStrictEqual([answer?.status, answer?.cause], [504, 'upstream_timeout']);
    await gw.close();
    match(await readFile(gw.logPath, 'utf8'), /\*\d+ upstream timed out \(110: Connection timed out\) while connecting to upstream, client/);
  });
});
