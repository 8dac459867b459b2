/**
 * The tripwire behind the target guard: a client socket that connects where the run may not
 * reach is closed at once and stops the run. Only loopback is ever connected to: "not allowed"
 * here is another port of 127.0.0.1 than the one the run pinned.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import type { Driver } from '../../harness/load/driver.ts';
import { runScenario } from '../../harness/runner/run-scenario.ts';
import { pinTarget } from '../../harness/safety/target-guard.ts';
import { armTripwire, type Endpoint } from '../../harness/safety/tripwire.ts';
import { createOpenDriver } from '../../harness/load/pacer.ts';
import { pinnedTlsOptions } from '../../harness/safety/tls-check.ts';
import { startScriptedServer, TEST_TLS } from '../helpers/scripted-server.ts';
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { FakeSystem } from '../fakes/fake-system.ts';
import { rejection } from '../helpers/rejection.ts';

/** A server on 127.0.0.1 that accepts and holds connections; closed after the test. */
async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.on('error', () => undefined));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

/** Connects to 127.0.0.1:port and resolves with how the socket ended: `open` (still connected after 100 ms) or `closed`. */
async function connectAndWatch(port: number): Promise<'open' | 'closed'> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const ended = once(socket, 'close').then(() => 'closed' as const);
  const held = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 100));
  const outcome = await Promise.race([ended, held]);
  socket.destroy();
  return outcome;
}

describe('the tripwire on client sockets', function () {
  this.timeout(20_000);

  it('closes a socket that connected where the run may not reach, reports it, and lets the allowed one be', async () => {
    const allowed = await listening();
    const other = await listening();
    const violations: Endpoint[] = [];
    const disarm = armTripwire(({ port }) => port === allowed.port, (endpoint) => violations.push(endpoint));
    try {
      assert.equal(await connectAndWatch(allowed.port), 'open');
      assert.equal(await connectAndWatch(other.port), 'closed');
    } finally {
      disarm();
    }
    assert.deepEqual(violations, [{ address: '127.0.0.1', port: other.port }]);
    // Disarmed: the same connection is left alone.
    assert.equal(await connectAndWatch(other.port), 'open');
  });

  it('stops a run whose load connects beyond its pinned target, saves the partial report, and says it is a bug (exit 1)', async () => {
    const pinned = await listening();
    const stray = await listening();
    const target = await pinTarget(`http://127.0.0.1:${pinned.port}/`);
    const fake = new FakeSystem({ limit: 20 });
    // A driver with a bug: besides its load, it opens a connection to another port.
    const driver: Driver = {
      model: 'closed',
      runStep: async (request) => {
        await connectAndWatch(stray.port);
        return fake.driver.runStep(request);
      },
    };
    const saved: boolean[] = [];
    const scenario = await loadScenario('overload', { quick: true, sets: ['search.start=16'] });
    const error = await rejection(runScenario({ scenario, plan: 'search', repeat: 1, target, driver, save: (report) => Promise.resolve(void saved.push(report.interrupted)) }));
    assert.equal(error.code, 'CONNECTION_NOT_ALLOWED');
    assert.equal(error.exitCode, 1);
    assert.match(error.message, new RegExp(`connected to 127\\.0\\.0\\.1:${stray.port}, beyond the pinned target 127\\.0\\.0\\.1:${pinned.port}`));
    assert.equal(saved.at(-1), true, 'the last report saved says the run was interrupted');
  });

  it('sees the https connections of the open-loop driver, which it makes through net.connect because tls.connect alone publishes nothing', async () => {
    const server = await startScriptedServer((_n, _req, res) => res.end('ok'), { tls: true });
    after(() => server.close());
    const target = await pinTarget(`https://app.localhost:${new URL(server.url).port}/`);
    const violations: Endpoint[] = [];
    const disarm = armTripwire(() => false, (endpoint) => violations.push(endpoint));
    try {
      // Node 20's own tls.connect: unseen (the reason for the driver's connector).
      const bare = tls.connect({ host: target.address, port: target.port, rejectUnauthorized: false });
      await once(bare, 'secureConnect');
      bare.destroy();
      assert.equal(violations.length, 0, 'tls.connect alone is not seen');
      const open = createOpenDriver();
      after(() => open.close());
      const trust = { ca: await readFile(TEST_TLS.caFile, 'utf8') };
      await open.runStep({ url: target.pinnedUrl, path: '/', method: 'GET', offered: 20, durationMs: 200, warmupMs: 0, arrivals: 'uniform', clientTimeoutMs: 2000, tls: pinnedTlsOptions(target, trust) });
    } finally {
      disarm();
    }
    assert.ok(violations.length > 0, 'the tripwire saw the driver’s TLS connections');
    assert.ok(violations.every((endpoint) => endpoint.port === target.port), JSON.stringify(violations));
    assert.equal(server.requests(), 0, 'each was closed before a request went out');
  });
});
