/**
 * A child process the harness starts (here through the same spawn nginx and HAProxy get) sees
 * none of the harness's proxy variables: a child that honoured HTTP_PROXY would send its traffic
 * to the proxy instead of loopback.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../../harness/gateways/free-port.ts';
import { startProcessGateway } from '../../harness/gateways/process-gateway.ts';

describe('the environment of a child process the harness starts', function () {
  this.timeout(20_000);

  it('has no proxy variable, though the harness has them', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'overload-child-env-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const out = path.join(dir, 'env.json');
    const port = await freeLoopbackPort();
    // A stand-in gateway: writes its environment, then listens so the harness sees it start.
    const script = `require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env)); require('node:net').createServer().listen(${port}, '127.0.0.1');`;
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, https_proxy: process.env.https_proxy, NODE_USE_ENV_PROXY: process.env.NODE_USE_ENV_PROXY };
    Object.assign(process.env, { HTTP_PROXY: 'http://proxy.invalid:3128', https_proxy: 'http://proxy.invalid:3128', NODE_USE_ENV_PROXY: '1' });
    let child;
    try {
      child = await startProcessGateway({ name: 'env-probe', command: process.execPath, args: ['-e', script], cwd: dir, port });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    await child.stop();
    const env = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(env).filter((name) => /_proxy$|^node_use_env_proxy$/i.test(name)), []);
    assert.ok(env.PATH !== undefined, 'the rest of the environment is passed on');
  });
});
