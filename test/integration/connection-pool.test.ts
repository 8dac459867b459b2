/**
 * The open-loop driver's connection pool on real undici clients against a local node:http server
 * (127.0.0.1, port 0): the two promises it makes. The figures are `npm run bench -- pacer-capacity`'s.
 */
import assert from 'node:assert/strict';
import type { Dispatcher } from 'undici';
import { ConnectionPool, undiciConnection } from '../../harness/load/connection-pool.ts';
import { startScriptedServer } from '../helpers/scripted-server.ts';

/** Sends `count` GETs at once, as the pacer's batch after a stall does, and resolves with their statuses. */
function burst(pool: ConnectionPool, count: number): Promise<number[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<number>((resolve, reject) => {
          let status = 0;
          const handler: Dispatcher.DispatchHandler = {
            onResponseStart: (_controller, statusCode) => void (status = statusCode),
            onResponseEnd: () => resolve(status),
            onResponseError: (_controller, error) => reject(error),
          };
          pool.dispatch({ method: 'GET', path: '/' }, handler);
        }),
    ),
  );
}

describe('the open-loop driver’s connection pool (real undici clients, local server)', function () {
  this.timeout(20_000);

  it('serves a burst of 200 requests on its 64 warm connections as they free (none opened), instead of opening one per request as undici’s Pool did', async () => {
    let holdMs = 100;
    const server = await startScriptedServer((_n, _req, res) => void setTimeout(() => res.end('ok'), holdMs));
    after(() => server.close());
    // The server shares this process's event loop, so 200 requests take several ms to get through
    // 64 connections: a patience of 50 ms (5 in the pacer) keeps the count exact on a slow machine.
    const pool = new ConnectionPool({ maxConnections: 1024, connect: undiciConnection(server.url, {}), patienceMs: 50 });
    after(() => pool.close());
    await burst(pool, 64);
    assert.equal(pool.stats.connections, 64, 'held for 100 ms, the first 64 opened a connection each');
    holdMs = 0;
    const statuses = await burst(pool, 200);
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(server.requests(), 264);
    // undici's Pool opened a connection for each request that found all busy: 200 in all here.
    assert.equal(pool.stats.connections, 64, 'the burst went through the 64 warm connections as they freed');
  });

  it('still gives every request its own connection when the server holds them all (the open model’s promise)', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const server = await startScriptedServer((_n, _req, res) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 500);
    });
    after(() => server.close());
    const pool = new ConnectionPool({ maxConnections: 1024, connect: undiciConnection(server.url, {}) });
    after(() => pool.close());
    const statuses = await burst(pool, 50);
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(mostInFlight, 50, 'all 50 were at the server at once, each on a connection of its own');
    assert.equal(pool.stats.connections, 50);
  });
});
