import assert from 'node:assert/strict';
import { createClosedDriver } from '../../harness/load/closed-driver.ts';
import { generatorVerdict } from '../../harness/stats/criterion.ts';
import type { StepRequest } from '../../harness/load/driver.ts';
import { startScriptedServer as startServer } from '../helpers/scripted-server.ts';

const step = (url: string, offered: number): StepRequest => ({ url, offered, durationMs: 1000, method: 'GET', path: '/', clientTimeoutMs: 10_000 });

describe('the closed-loop driver (autocannon against a local server)', function () {
  this.timeout(20_000);

  it('accounts for every request: sent = completed + errored + lost + unfinished', async () => {
    // Every 5th request is reset, every 7th closed with a FIN and no response, the rest answered.
    const server = await startServer((n, req, res) => {
      if (n % 5 === 0) req.socket.resetAndDestroy();
      else if (n % 7 === 0) req.socket.end();
      else setTimeout(() => res.end('ok'), 2);
    });
    after(() => server.close());
    const observation = await createClosedDriver().runStep(step(server.url, 4));
    assert.ok(observation.sent > 50, `sent ${observation.sent}`);
    assert.equal(observation.sent, observation.completed + observation.errored + observation.lost + observation.unfinished);
    assert.ok((observation.errors.ECONNRESET ?? 0) > 0, JSON.stringify(observation.errors));
    assert.ok(observation.lost > 0, 'FIN-closed requests are counted as lost');
    assert.ok(observation.unfinished <= 4);
  });

  it('waits after the window for the answers still in flight, so every request has an outcome', async () => {
    // Requests arriving in the last 400 ms of the window are answered 700 ms later, in the tail.
    const startedAt = Date.now();
    const server = await startServer((_n, _req, res) => setTimeout(() => res.end('ok'), Date.now() - startedAt > 600 ? 700 : 5));
    after(() => server.close());
    const observation = await createClosedDriver().runStep(step(server.url, 3));
    assert.equal(observation.unfinished, 0);
    assert.equal(observation.completed, observation.sent);
    assert.ok(observation.tailMs > 100, `tail ${observation.tailMs} ms`);
    assert.equal(server.requests(), observation.sent, 'no request is sent after the window');
  });

  it('counts a request that the client times out on during the tail as an ETIMEDOUT error, not as lost', async () => {
    const server = await startServer(() => undefined); // never answers
    after(() => server.close());
    const observation = await createClosedDriver().runStep({ ...step(server.url, 2), clientTimeoutMs: 2000 });
    assert.deepEqual([observation.sent, observation.errored, observation.lost, observation.unfinished], [2, 2, 0, 0]);
    assert.deepEqual(observation.errors, { ETIMEDOUT: 2 });
  });

  it('keeps float latencies of successful requests in its own histogram', async () => {
    const server = await startServer((_n, _req, res) => setTimeout(() => res.end('ok'), 3));
    after(() => server.close());
    const observation = await createClosedDriver().runStep(step(server.url, 2));
    const ok = observation.latencyMs.ok;
    assert.ok(ok !== null);
    assert.equal(ok.count, observation.status['200']);
    assert.ok(ok.p50 >= 2.5 && ok.p50 < 50, `p50 ${ok.p50}`);
    assert.notEqual(ok.p50, Math.floor(ok.p50), 'latencies are not floored to whole ms');
    assert.equal(observation.latencyMs.failed, null);
  });

  it('counts only responses that carry x-overload-cause as gateway-generated', async () => {
    const server = await startServer((n, _req, res) => {
      if (n % 2 === 0) res.writeHead(502, { 'x-overload-cause': 'upstream_reset' }).end();
      else res.writeHead(503).end();
    });
    after(() => server.close());
    const observation = await createClosedDriver().runStep(step(server.url, 2));
    assert.ok((observation.status['502'] ?? 0) > 0 && (observation.status['503'] ?? 0) > 0);
    assert.deepEqual(observation.gatewayGenerated, { '502': observation.status['502'] });
  });

  it('marks the step invalid when the generator’s own event loop is blocked during it', async () => {
    const server = await startServer((_n, _req, res) => res.end('ok'));
    after(() => server.close());
    // Block this process (the generator) for 300 ms in the middle of the step.
    const blocker = setTimeout(() => {
      const until = Date.now() + 300;
      while (Date.now() < until) {
        // busy: nothing else in this process can run
      }
    }, 300);
    after(() => clearTimeout(blocker));
    const observation = await createClosedDriver().runStep(step(server.url, 2));
    assert.ok(observation.generator.eventLoopDelayMaxMs > 200, `longest stall ${observation.generator.eventLoopDelayMaxMs} ms`);
    const verdict = generatorVerdict(observation.generator);
    assert.equal(verdict.valid, false);
    assert.match(verdict.invalidReason ?? '', /bottleneck/);
  });

  it('stops early when its signal aborts', async () => {
    const server = await startServer((_n, _req, res) => res.end('ok'));
    after(() => server.close());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const observation = await createClosedDriver().runStep({ ...step(server.url, 1), durationMs: 5000, signal: controller.signal });
    assert.ok(observation.durationMs < 4000, `ran ${observation.durationMs} ms of a 5 s step`);
  });
});
