import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createOpenDriver } from '../../harness/load/pacer.ts';
import { checkTargetTls, pinnedTlsOptions } from '../../harness/safety/tls-check.ts';
import { pinTarget } from '../../harness/safety/target-guard.ts';
import { rejection } from '../helpers/rejection.ts';
import { startScriptedServer, TEST_TLS, type ScriptedServer } from '../helpers/scripted-server.ts';

describe('the TLS check of an https target (before any load)', function () {
  this.timeout(10_000);
  let server: ScriptedServer;
  let port: string;
    before(async () => {
    server = await startScriptedServer((_n, _req, res) => res.end('ok'), { tls: true });
    port = new URL(server.url).port;
  });
  after(() => server.close());
  const ca = async (): Promise<{ ca: string; caFile: string }> => ({ ca: await readFile(TEST_TLS.caFile, 'utf8'), caFile: TEST_TLS.caFile });

  it('accepts a certificate for the name written, connecting to the pinned address, and says what it saw', async () => {
    const target = await pinTarget(`https://app.localhost:${port}/`);
    assert.equal(target.address, '127.0.0.1');
    assert.equal(target.serverName, 'app.localhost');
    const peer = await checkTargetTls(target, await ca());
    assert.deepEqual({ ...peer, fingerprint256: peer.fingerprint256.length }, {
      serverName: 'app.localhost',
      protocol: 'TLSv1.3',
      subject: 'CN=app.localhost',
      issuer: 'CN=overload test CA',
      validTo: 'Nov  2 06:18:41 2126 GMT',
      fingerprint256: 95, // 32 bytes as AA:BB:…
      caFile: TEST_TLS.caFile,
    });
    assert.equal(server.requests(), 0, 'a handshake only: no request was sent');
  });

  it('checks an IP literal against the addresses the certificate holds (there is no name to send or check)', async () => {
    const peer = await checkTargetTls(await pinTarget(`https://127.0.0.1:${port}/`), await ca());
    assert.equal(peer.serverName, null);
  });

  it('refuses a certificate signed by a CA nobody trusts (exit 2), and says to pass --ca', async () => {
    const error = await rejection(checkTargetTls(await pinTarget(`https://app.localhost:${port}/`)));
    assert.equal(error.code, 'TARGET_REFUSED');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, new RegExp(`^--target https://app\\.localhost:${port}/ \\(127\\.0\\.0\\.1:${port}\\) refused: its certificate did not verify \\(UNABLE_TO_VERIFY_LEAF_SIGNATURE`));
    assert.match(error.hint ?? '', /--ca FILE/);
  });

  it('refuses a certificate that does not hold the name written, though the address is the same', async () => {
    const error = await rejection(checkTargetTls(await pinTarget(`https://other.localhost:${port}/`), await ca()));
    assert.equal(error.code, 'TARGET_REFUSED');
    assert.match(error.message, /ERR_TLS_CERT_ALTNAME_INVALID: Hostname\/IP does not match certificate's altnames: Host: other\.localhost/);
    assert.match(error.hint ?? '', /a name the certificate holds/);
  });

  it('refuses a port that speaks plain HTTP, and says to write http://', async () => {
    const plain = await startScriptedServer((_n, _req, res) => res.end('ok'));
    after(() => plain.close());
    const plainPort = new URL(plain.url).port;
    const error = await rejection(checkTargetTls(await pinTarget(`https://127.0.0.1:${plainPort}/`), await ca()));
    assert.equal(error.code, 'TARGET_REFUSED');
    assert.match(error.message, /the port does not speak TLS/);
    assert.equal(error.hint, `if it serves plain HTTP, write --target http://127.0.0.1:${plainPort}/`);
  });

  it('says the target is down when nothing listens (TARGET_DOWN, exit 2)', async () => {
    const gone = await startScriptedServer((_n, _req, res) => res.end(), { tls: true });
    const gonePort = new URL(gone.url).port;
    await gone.close();
    const error = await rejection(checkTargetTls(await pinTarget(`https://127.0.0.1:${gonePort}/`), await ca()));
    assert.equal(error.code, 'TARGET_DOWN');
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /no TLS handshake \(ECONNREFUSED/);
  });

  it('is made again by the open-loop driver on each connection, with the same trust: without the CA every request fails', async () => {
    const target = await pinTarget(`https://app.localhost:${port}/`);
    const open = createOpenDriver();
    after(() => open.close());
    const step = { url: target.pinnedUrl, path: '/', method: 'GET', offered: 20, durationMs: 300, warmupMs: 0, arrivals: 'uniform', clientTimeoutMs: 2000, headers: { host: target.hostHeader } } as const;
    const before = server.requests();
    const untrusted = await open.runStep({ ...step, tls: pinnedTlsOptions(target, {}) });
    assert.equal(server.requests(), before, 'no request reached the server');
    assert.ok((untrusted.errors.UNABLE_TO_VERIFY_LEAF_SIGNATURE ?? 0) > 0, JSON.stringify(untrusted.errors));
    const trusted = await open.runStep({ ...step, tls: pinnedTlsOptions(target, await ca()) });
    assert.deepEqual(trusted.errors, {});
    assert.ok((trusted.status['200'] ?? 0) > 0, JSON.stringify(trusted.status));
  });
});
