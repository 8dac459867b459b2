import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { alive } from '../helpers/processes.ts';

const bin = fileURLToPath(new URL('../../harness/cli/bin.js', import.meta.url));

/** Pids of the fixture processes among the direct children of `pid` (tsx's esbuild is one too). */
function fixturesOf(pid: number): number[] {
  const { stdout } = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  return stdout
    .split('\n')
    .filter((line) => line.includes('/fixtures/'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

describe('overload serve', function () {
  this.timeout(30_000);

  it('prints one JSON line with both URLs, serves through the gateway, and stops everything on Ctrl-C', async () => {
    const serve = spawn(process.execPath, [bin, 'serve', 'overload', '--json', '--set', 'upstream.serviceMs=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    after(() => serve.kill('SIGKILL'));
    let stdout = '';
    serve.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    while (!stdout.includes('\n')) await Promise.race([once(serve.stdout, 'data'), once(serve, 'exit').then(() => assert.fail('serve exited early'))]);
    assert.equal(stdout.trim().split('\n').length, 1, 'one line only');
    const urls = JSON.parse(stdout) as { gateway: string; upstream: string };
    assert.deepEqual(Object.keys(urls), ['gateway', 'upstream']);
    assert.match(urls.gateway, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(urls.upstream, /^http:\/\/127\.0\.0\.1:\d+$/);

    const viaGateway = await fetch(urls.gateway);
    assert.equal(viaGateway.status, 200);
    assert.equal(await viaGateway.text(), 'ok\n');
    assert.equal((await fetch(urls.upstream)).status, 200);

    const fixtures = fixturesOf(serve.pid ?? -1);
    assert.equal(fixtures.length, 2, 'an upstream and a gateway');
    serve.kill('SIGINT');
    const [code] = (await once(serve, 'exit')) as [number | null];
    assert.equal(code, 0);
    for (let i = 0; i < 50 && fixtures.some(alive); i++) await sleep(50);
    assert.deepEqual(fixtures.filter(alive), []);
  });
});
