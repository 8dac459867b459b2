import assert from 'node:assert/strict';
import { childEnv, isProxyVariable } from '../../harness/safety/child-env.ts';

describe('the environment of every child process', () => {
  it('leaves out every variable that would route traffic through a proxy, in any case', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/root',
      HTTP_PROXY: 'http://proxy.example:3128',
      http_proxy: 'http://proxy.example:3128',
      HTTPS_PROXY: 'http://proxy.example:3128',
      https_proxy: 'x',
      ALL_PROXY: 'socks5://proxy.example:1080',
      No_Proxy: 'localhost',
      ftp_proxy: 'x',
      NODE_USE_ENV_PROXY: '1',
      PROXY_NOTE: 'kept: it does not end in _proxy',
      CI: 'true',
    };
    assert.deepEqual(childEnv(env), { PATH: '/usr/bin', HOME: '/root', PROXY_NOTE: 'kept: it does not end in _proxy', CI: 'true' });
    assert.equal(env.HTTP_PROXY, 'http://proxy.example:3128', 'the harness’s own environment is not changed');
  });

  it('names the proxy variables', () => {
    assert.deepEqual(
      ['HTTP_PROXY', 'grpc_proxy', 'node_use_env_proxy', 'PROXY', 'HTTP_PROXY_USER', 'PATH'].map(isProxyVariable),
      [true, true, true, false, false, false],
    );
  });
});
