import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../../harness/config/defaults.ts';
import { haproxyValues } from '../../harness/gateways/haproxy.ts';
import { fillTemplate } from '../../harness/gateways/template.ts';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/haproxy/haproxy.cfg.template', import.meta.url));

describe('HAProxy as the gateway: its config', () => {
  const gateway = { ...DEFAULTS.gateway, kind: 'haproxy' as const, profile: 'haproxy' as const };

  it('takes the pool, the timeouts and the retries from the scenario’s gateway settings', () => {
    assert.deepEqual(haproxyValues({ ...gateway, retries: 1 }, { dir: '/run/haproxy', upstreamHost: '127.0.0.1:4000', port: 5000 }), {
      dir: '/run/haproxy',
      upstream: '127.0.0.1:4000',
      port: 5000,
      poolConnections: 512,
      connectTimeoutMs: 1000,
      upstreamTimeoutMs: 5000,
      retries: 1,
    });
  });

  it('fills the template whole: binds loopback only, logs in the HTTP format to stdout, retries 0 by default', async () => {
    const cfg = fillTemplate(await readFile(TEMPLATE, 'utf8'), haproxyValues(gateway, { dir: '/run/haproxy', upstreamHost: '127.0.0.1:4000', port: 5000 }));
    assert.doesNotMatch(cfg, /\{\{/);
    assert.deepEqual(cfg.match(/^\s*bind .*$/gm)?.map((line) => line.trim()), ['bind 127.0.0.1:5000']);
    assert.match(cfg, /^\s*log stdout format raw local0$/m);
    assert.match(cfg, /^\s*option httplog$/m);
    assert.match(cfg, /^\s*retries 0$/m);
    assert.match(cfg, /^\s*timeout connect 1000ms$/m);
    assert.match(cfg, /^\s*timeout server 5000ms$/m);
    assert.match(cfg, /^\s*server upstream 127\.0\.0\.1:4000 maxconn 512$/m);
    assert.match(cfg, /^\s*pidfile \/run\/haproxy\/haproxy\.pid$/m);
  });
});
