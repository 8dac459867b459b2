import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../harness/config/load-scenario.ts';
import type { Report } from '../../harness/report/schema.ts';
import { forkUpstream } from '../../harness/runner/fixtures.ts';
import { runMain } from '../helpers/run-main.ts';
import { serverNameOf, startScriptedServer, TEST_TLS } from '../helpers/scripted-server.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'overload-target-'));
}

describe('overload run --target: the user’s own service instead of the fixtures', function () {
  this.timeout(60_000);

  it('refuses a target beyond loopback before making the run folder or sending anything (exit 2)', async () => {
    const dir = await tempDir();
    for (const target of ['http://10.0.0.1/', 'http://example.com/', 'http://0.0.0.0:8080/']) {
      const { code, stderr } = await runMain(['run', 'overload', '--quick', '--target', target, '--out', path.join(dir, 'run')]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /refused/);
      assert.match(stderr, /Hint: /);
    }
    assert.deepEqual(await readdir(dir), []);
  });

  it('refuses a plan beyond an external target’s caps before making the run folder (exit 2)', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runMain(['run', 'overload', '--set', 'search.start=100', '--target', 'http://127.0.0.1:9/', '--out', path.join(dir, 'run')]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /search\.start: is above the cap of an external target \(caps\.maxConnections = 64\)/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('stops at once against a target that answers nothing (nothing listens), saving the partial report (exit 2)', async () => {
    const closed = await startScriptedServer((_n, _req, res) => res.end());
    const { port } = new URL(closed.url);
    await closed.close();
    const out = path.join(await tempDir(), 'run');
    const { code, stderr } = await runMain(['run', 'overload', '--quick', '--set', 'search.start=16', '--target', `http://127.0.0.1:${port}/`, '--out', out, '--format', 'json']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, new RegExp(`http://127\\.0\\.0\\.1:${port}/ looks down: the target answered nothing for \\d+ ms while [\\d,]+ requests failed \\(ECONNREFUSED ×[\\d,]+\\)`));
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
    assert.equal(report.steps.length, 1, 'one step, cut short');
    assert.ok((report.steps[0]?.durationMs ?? 0) < 1000, `stopped within its window (${report.steps[0]?.durationMs} ms)`);
    assert.match(report.onsetNote ?? '', /the target looks down/);
  });

  for (const model of ['closed', 'open'] as const) {
    it(`never follows a redirect (${model} model): the 302 is an answer, and the Location is never connected to`, async () => {
      const elsewhere = await startScriptedServer((_n, _req, res) => res.end('not here'));
      after(() => elsewhere.close());
      const redirecting = await startScriptedServer((_n, _req, res) => res.writeHead(302, { location: `${elsewhere.url}/moved` }).end());
      after(() => redirecting.close());
      const out = path.join(await tempDir(), 'run');
      const rate = model === 'open' ? ['--set', 'ramp.from=20', '--set', 'ramp.to=20'] : ['--set', 'ramp.from=1', '--set', 'ramp.to=1'];
      const { code, stderr } = await runMain(['run', 'overload', '--quick', '--model', model, '--ramp', ...rate, '--set', 'ramp.step=1', '--target', `${redirecting.url}/`, '--out', out, '--format', 'json']);
      assert.equal(code, 0, stderr);
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
      assert.ok((report.steps[0]?.status['302'] ?? 0) > 0, JSON.stringify(report.steps[0]?.status));
      assert.equal(elsewhere.requests(), 0, 'the Location was never requested');
    });
  }

  it('sends every request to the pinned address with the original Host header, path and query', async () => {
    const seen: { host: string | undefined; url: string | undefined }[] = [];
    const server = await startScriptedServer((_n, req, res) => {
      seen.push({ host: req.headers.host, url: req.url });
      res.end('ok');
    });
    after(() => server.close());
    const port = new URL(server.url).port;
    const out = path.join(await tempDir(), 'run');
    // A two-step ramp (1 and 2 connections): a fast server never fails, and the run stays short.
    const { code, stderr } = await runMain([
      'run', 'overload', '--quick', '--ramp', '--set', 'ramp.from=1', '--set', 'ramp.to=2', '--set', 'ramp.step=1',
      '--target', `http://localhost:${port}/orders?limit=5`, '--out', out, '--format', 'json',
    ]);
    assert.equal(code, 0, stderr);
    assert.ok(seen.length > 10, `the server saw the load (${seen.length} requests)`);
    assert.ok(seen.every((request) => request.host === `localhost:${port}` && request.url === '/orders?limit=5'), JSON.stringify(seen.slice(0, 3)));
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.target, { url: `http://localhost:${port}/orders?limit=5`, pinnedAddress: '127.0.0.1', authorizedBy: 'loopback' });
    assert.equal(report.gateway.kind, 'external');
    assert.equal(report.theory, null);
    assert.equal(report.scenario.parameters.load.path, '/orders?limit=5');
    assert.deepEqual(report.scenario.parameters.caps, { maxConnections: 64, maxRps: 1000, maxDurationS: 60, maxRequests: 100_000 }, 'an external target’s caps');
  });

  it('finds the onset of an upstream that resets what it cannot queue (C + Q + 1 = 21), from what the client saw', async () => {
    const scenario = await loadScenario('overload');
    const upstream = await forkUpstream({ ...scenario.upstream, seed: 1 });
    after(() => upstream.stop());
    const out = path.join(await tempDir(), 'run');
    const { code, stderr } = await runMain(['run', 'overload', '--quick', '--set', 'search.start=16', '--target', upstream.url, '--out', out, '--format', 'json']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
    assert.equal(report.onset?.value, 21);
    assert.deepEqual(report.causes, {}, 'no gateway counters against a target');
    assert.match(report.explanation[0] ?? '', /The target began failing requests at 21 connections: the client saw ECONNRESET/);
    // The scenario's one expectation reads the fixtures' model: not judged against a target, and said so.
    assert.deepEqual(report.expectations, []);
    assert.match(stderr, /not judged against an external target .*onsetMatchesTheory/);
  });

  describe('over https', () => {
    for (const model of ['closed', 'open'] as const) {
      it(`loads the pinned address with the name written as TLS server name and Host, the certificate checked first (${model} model)`, async () => {
        const seen: { serverName: string | null; host: string | undefined }[] = [];
        const server = await startScriptedServer((_n, req, res) => {
          seen.push({ serverName: serverNameOf(req), host: req.headers.host });
          res.end('ok');
        }, { tls: true });
        after(() => server.close());
        const port = new URL(server.url).port;
        const out = path.join(await tempDir(), 'run');
        const rate = model === 'open' ? ['--set', 'ramp.from=20', '--set', 'ramp.to=20'] : ['--set', 'ramp.from=1', '--set', 'ramp.to=2'];
        const { code, stdout, stderr } = await runMain([
          'run', 'overload', '--quick', '--model', model, '--ramp', ...rate, '--set', 'ramp.step=1',
          '--target', `https://app.localhost:${port}/orders`, '--ca', TEST_TLS.caFile, '--out', out, '--format', 'json,md',
        ]);
        assert.equal(code, 0, stderr);
        assert.ok(seen.length > 10, `the server saw the load (${seen.length} requests)`);
        assert.deepEqual(new Set(seen.map((request) => JSON.stringify(request))), new Set([JSON.stringify({ serverName: 'app.localhost', host: `app.localhost:${port}` })]));
        const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Report;
        assert.equal(report.target?.pinnedAddress, '127.0.0.1');
        assert.deepEqual({ ...report.target?.tls, fingerprint256: undefined }, {
          serverName: 'app.localhost', protocol: 'TLSv1.3', subject: 'CN=app.localhost', issuer: 'CN=overload test CA', validTo: 'Nov  2 06:18:41 2126 GMT', fingerprint256: undefined, caFile: TEST_TLS.caFile,
        });
        assert.match(stderr + stdout, /tls: TLSv1\.3, certificate CN=app\.localhost from CN=overload test CA \(valid to Nov {2}2 06:18:41 2126 GMT\), checked for app\.localhost before any load/);
        assert.match(await readFile(path.join(out, 'report.md'), 'utf8'), /^TLS: TLSv1\.3, certificate CN=app\.localhost/m);
      });
    }

    it('refuses a certificate it cannot verify before making the run folder or sending a request (exit 2)', async () => {
      const server = await startScriptedServer((_n, _req, res) => res.end('ok'), { tls: true });
      after(() => server.close());
      const dir = await tempDir();
      const { code, stderr } = await runMain(['run', 'overload', '--quick', '--target', `https://app.localhost:${new URL(server.url).port}/`, '--out', path.join(dir, 'run')]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /refused: its certificate did not verify \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
      assert.match(stderr, /Hint: trust the CA that signed it .* with --ca FILE/);
      assert.equal(server.requests(), 0);
      assert.deepEqual(await readdir(dir), []);
    });
  });
});
