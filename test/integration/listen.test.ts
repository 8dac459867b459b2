import { deepStrictEqual, rejects, strictEqual } from 'node:assert/strict';
import { createServer } from 'node:http';
import { isLoopbackHost, listenOnLoopback } from '../../fixtures/common/listen.ts';

describe('listenOnLoopback', () => {
  const server = createServer((_req, res) => res.end('here'));
  after(() => new Promise((resolve) => server.close(resolve)));

  it('listens on 127.0.0.1 on a port the kernel picked, and says where', async () => {
    const { url, port } = await listenOnLoopback(server);
    strictEqual(url, `http://127.0.0.1:${port}`);
    strictEqual(await (await fetch(url)).text(), 'here');
  });

  it('refuses a host off the loopback interface before listening, naming it and the fix', async () => {
    const unused = createServer();
    await rejects(listenOnLoopback(unused, '0.0.0.0'), /cannot listen on "0\.0\.0\.0": fixtures listen on the loopback interface only; use 127\.0\.0\.1, ::1 or localhost/);
    strictEqual(unused.listening, false);
  });

  it('tells loopback hosts from the others', () => {
    const hosts = ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '0.0.0.0', '10.0.0.1', '::', 'example.com', '127.0.0.1.example.com'];
    deepStrictEqual(
      hosts.filter((host) => isLoopbackHost(host)),
      ['127.0.0.1', '127.1.2.3', '::1', 'localhost'],
    );
  });
});
