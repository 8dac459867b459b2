/**
 * A run ignores the proxy variables of its environment (research/target-guard.md §5.5): with
 * HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NODE_USE_ENV_PROXY pointing at a trap on loopback, the
 * CLI, its fixtures and its load all keep to their own addresses, and the trap sees nothing. The
 * CLI runs as its own process, with that environment, as a user's shell would start it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../../harness/report/schema.ts';

const BIN = fileURLToPath(new URL('../../harness/cli/bin.js', import.meta.url));

describe('a run with proxy variables in its environment', function () {
  this.timeout(60_000);

  it('sends nothing to the proxy, in either load model: the load reaches the gateway fixture', async () => {
    let trapped = 0;
    const trap = createServer((socket) => {
      trapped++;
      socket.destroy();
    });
    trap.listen(0, '127.0.0.1');
    await once(trap, 'listening');
    after(() => trap.close());
    const address = trap.address();
    const proxy = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const env = { ...process.env, HTTP_PROXY: proxy, http_proxy: proxy, HTTPS_PROXY: proxy, ALL_PROXY: proxy, NODE_USE_ENV_PROXY: '1' };

    for (const model of ['closed', 'open'] as const) {
      const out = path.join(await mkdtemp(path.join(tmpdir(), `overload-proxy-${model}-`)), 'run');
      // One short step is enough: what matters is where its connections go.
      const load = model === 'closed' ? '4' : '100';
      const argv = [BIN, 'run', 'overload', '--quick', '--model', model, '--ramp', '--set', `ramp.from=${load}`, '--set', `ramp.to=${load}`, '--set', 'ramp.step=1', '--set', 'expect=[]', '--out', out, '--format', 'json'];
      const cli = spawn(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(cli, 'exit')) as [number | null];
      assert.equal(code, 0, stderr.slice(-2000));
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
      assert.ok((report.steps[0]?.status['200'] ?? 0) > 0, `${model}: the load was answered (${JSON.stringify(report.steps[0]?.status)})`);
    }
    assert.equal(trapped, 0, 'the proxy saw no connection');
  });
});
