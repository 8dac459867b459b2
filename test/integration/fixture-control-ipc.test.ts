/**
 * Timeline controls and fixture events through the real child processes (harness/runner/fixtures.ts,
 * fixtures/common/child.ts): `control` goes down the IPC channel and `controlled` comes back, what a
 * fixture does comes back as `event` messages to `onEvent`, and the launcher (launch.ts) routes each
 * control to the fixture it concerns. Everything listens on 127.0.0.1 and stops after the test.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import { childProcessLauncher } from '../../harness/runner/launch.ts';
import { forkUpstream } from '../../harness/runner/fixtures.ts';
import type { FixtureEvent } from '../../fixtures/common/protocol.ts';
import { alive } from '../helpers/processes.ts';
import { rejection } from '../helpers/rejection.ts';
import { get, type Answer } from './helpers/gateway-rig.ts';

/** Polls `predicate` every 10 ms for at most `ms`; fails with `what` if it never holds. */
async function waitFor(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !predicate(); await sleep(10)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
  }
}

const brief = (answer: Answer): string => `${answer.status}${answer.cause === undefined ? '' : ` ${answer.cause}`}`;

describe('fixture controls over IPC', function () {
  // Each child process starts tsx: a second or two on a busy machine.
  this.timeout(30_000);

  it("the launcher's maintenance stop and start reach the upstream child, and its events reach onEvent in order", async () => {
    const scenario = await loadScenario('maintenance');
    const fixtures = await childProcessLauncher.start(scenario, { seed: 1 });
    after(() => fixtures.stop());
    const client = new Pool(fixtures.gatewayUrl, { connections: 1 });
    after(() => client.destroy());
    assert.ok(fixtures.control !== undefined && fixtures.onEvent !== undefined && fixtures.upstream !== null);
    const events: FixtureEvent[] = [];
    fixtures.onEvent((event) => events.push(event));
    const names = (): string[] => events.map((event) => event.what);

    assert.equal(brief(await get(client)), '200');
    await fixtures.control({ action: 'stop-upstream' });
    await waitFor('the upstream reports it stopped', () => events.length >= 2);
    assert.deepEqual(names(), ['upstream-stopping', 'upstream-stopped']);
    assert.equal((await fixtures.upstream.stats()).listening, false);
    // Nothing listens on the upstream's port now: the gateway's connect is refused.
    assert.equal(brief(await get(client)), '502 upstream_refused');

    await fixtures.control({ action: 'start-upstream' });
    await waitFor('the upstream reports it started', () => events.length >= 3);
    assert.deepEqual(names(), ['upstream-stopping', 'upstream-stopped', 'upstream-started']);
    assert.equal((await fixtures.upstream.stats()).listening, true);
    assert.equal(brief(await get(client)), '200');

    // set-dns goes to the gateway, which resolves no name in this scenario.
    const error = await rejection(fixtures.control({ action: 'set-dns', address: '127.0.0.2' }));
    assert.equal(error.code, 'FIXTURE_FAILED');
    assert.match(error.message, /^the gateway fixture could not set-dns: .*gateway\.upstreamName/);

    await fixtures.stop();
    const gone = await rejection(fixtures.upstream.stats());
    assert.match(gone.message, /^the upstream fixture is no longer running/);
    assert.equal(names().length, 3, 'a stop at the end of a run is not a maintenance stop');
  });

  it('a control the upstream child does not take (set-dns) rejects with FIXTURE_FAILED naming it, and stop() still ends the child', async () => {
    const upstream = await forkUpstream({ ...DEFAULTS.upstream, seed: 1 });
    after(() => upstream.stop());
    const error = await rejection(upstream.control({ action: 'set-dns', address: null }));
    assert.equal(error.code, 'FIXTURE_FAILED');
    assert.match(error.message, /^the upstream fixture could not set-dns: the upstream has no DNS record to set/);
    // The child is still there and answering.
    assert.equal((await upstream.stats()).listening, true);
    assert.ok(alive(upstream.pid));

    await upstream.stop();
    assert.equal(alive(upstream.pid), false);
  });
});
