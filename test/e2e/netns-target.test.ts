/**
 * Issue 7, the authorized path end to end, inside a network namespace the test creates
 * (`unshare -n`): only `lo`, with 10.1.2.3 added to it and no route out, so nothing can leave the
 * machine whatever the harness does. A target beyond loopback is refused (exit 2) before any
 * connection, with one key, and for another host than its entry; with both keys it runs, pinned
 * to the entry's address and held to its caps.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TSX_LOADER_URL } from '../../harness/runner/fixtures.ts';
import { requireTool } from '../helpers/require-tool.ts';

const HELPER = fileURLToPath(new URL('./helpers/netns-run.ts', import.meta.url));

interface Outcome {
  code: number;
  stderr: string;
  target: { url: string; pinnedAddress: string; authorizedBy: string } | null;
  caps: { maxConnections: number } | null;
  steps: number;
}

describe('a target beyond loopback, inside a network namespace with no route out', function () {
  this.timeout(90_000);
  let result: { unauthorized: Outcome; webConnections: number; oneKey: Outcome; otherHost: Outcome; labBefore: number; authorized: Outcome; labConnections: number };
  let dir = '';

  before(async function () {
    requireTool(this, '/usr/bin/unshare', 'apt-get install util-linux');
    requireTool(this, '/usr/sbin/ip', 'apt-get install iproute2');
    dir = await mkdtemp(path.join(tmpdir(), 'overload-netns-'));
    const script = `ip link set lo up && ip addr add 10.1.2.3/32 dev lo && exec "${process.execPath}" --import "${TSX_LOADER_URL}" "${HELPER}" "${dir}"`;
    const child = spawnSync('unshare', ['-n', 'sh', '-c', script], { encoding: 'utf8', timeout: 80_000 });
    assert.equal(child.status, 0, `unshare -n failed (it needs root or user namespaces): ${child.stderr}`);
    result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as typeof result;
  });
  after(() => (dir === '' ? undefined : rm(dir, { recursive: true, force: true })));

  it('refuses http://10.1.2.3/ without an authorization (exit 2), naming the address and the rule, and connects to nothing', () => {
    assert.equal(result.unauthorized.code, 2, result.unauthorized.stderr);
    assert.match(result.unauthorized.stderr, /--target "http:\/\/10\.1\.2\.3\/" refused: the host parsed to 10\.1\.2\.3, which is not loopback/);
    assert.equal(result.webConnections, 0, 'the service on 10.1.2.3:80 saw no connection');
  });

  it('refuses one key without the other, and an entry used for another host', () => {
    assert.equal(result.oneKey.code, 2);
    assert.match(result.oneKey.stderr, /--authorize .* needs --authorize-target NAME/);
    assert.equal(result.otherHost.code, 2);
    assert.match(result.otherHost.stderr, /the entry is for 10\.1\.2\.3:8080, the target is 10\.1\.2\.4:8080/);
    assert.equal(result.labBefore, 0, 'no refused run reached the authorized service either');
  });

  it('runs against the authorized entry, pinned to its address, with its caps, and says what authorized it', () => {
    assert.equal(result.authorized.code, 0, result.authorized.stderr);
    assert.equal(result.authorized.steps, 2);
    assert.ok(result.labConnections > 0, 'the authorized service saw the load');
    assert.equal(result.authorized.target?.pinnedAddress, '10.1.2.3');
    assert.match(result.authorized.target?.authorizedBy ?? '', /overload\.targets\.json#lab \(owner the test; expires 2999-12-31\)/);
    assert.equal(result.authorized.caps?.maxConnections, 8);
  });
});
