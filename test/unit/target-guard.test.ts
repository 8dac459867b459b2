import assert from 'node:assert/strict';
import { isLoopback, LOOPBACK_ONLY, pinTarget, type Authorization, type Lookup } from '../../harness/safety/target-guard.ts';
import { recordingLookup } from '../helpers/recording-lookup.ts';
import { rejection } from '../helpers/rejection.ts';


// Rows from research/target-guard.md §2: input → pinned address.
const ALLOWED: [string, string][] = [
  ['http://127.0.0.1:8080/', '127.0.0.1'],
  ['http://2130706433/', '127.0.0.1'],
  ['http://0x7f000001/', '127.0.0.1'],
  ['http://0x7F.0x0.0x0.0x1/', '127.0.0.1'],
  ['http://017700000001/', '127.0.0.1'],
  ['http://0177.0.0.1/', '127.0.0.1'],
  ['http://0x7f.1/', '127.0.0.1'],
  ['http://127.1/', '127.0.0.1'],
  ['http://127.255.255.254/', '127.255.255.254'],
  ['http://[::1]:3000/', '::1'],
  ['http://[0:0:0:0:0:0:0:1]/', '::1'],
  ['http://[::0.0.0.1]/', '::1'],
  ['http://[::ffff:127.0.0.1]/', '127.0.0.1'],
  ['http://[::ffff:7f00:1]/', '127.0.0.1'],
  ['http://localhost:3000/', '127.0.0.1'],
  ['http://LOCALHOST./', '127.0.0.1'],
  ['http://api.localhost/', '127.0.0.1'],
  ['http://ｌｏｃａｌｈｏｓｔ/', '127.0.0.1'],
  ['http://%6c%6f%63alhost/', '127.0.0.1'],
  ['http://１２７．０．０．１/', '127.0.0.1'],
  ['http://127.0.0.1./', '127.0.0.1'],
  ['HTTP://127.0.0.1/', '127.0.0.1'],
  ['http://127.1.1.1:80#@127.2.2.2:80/', '127.1.1.1'],
];

// Each row names the defence it tests; the message must show what the host parsed to or the rule.
const REFUSED: [string, RegExp][] = [
  ['http://167772161/', /10\.0\.0\.1/],
  ['http://012.0.0.1/', /10\.0\.0\.1/], // octal, not 12.0.0.1 (CVE-2026-69192)
  ['http://192.168.1.1/', /192\.168\.1\.1/],
  ['http://169.254.169.254/', /169\.254\.169\.254/],
  ['http://0xA9FEA9FE/', /169\.254\.169\.254/],
  ['http://[::ffff:169.254.169.254]/', /::ffff:a9fe:a9fe/],
  ['http://[fd00:ec2::254]/', /fd00:ec2::254/],
  ['http://metadata.google.internal/', /before any DNS query/],
  ['http://0.0.0.0:8080/', /unspecified/],
  ['http://0/', /unspecified/],
  ['http://[::]:8080/', /unspecified/],
  ['http://[::127.0.0.1]/', /::7f00:1/], // IPv4-compatible, not loopback (ipaddr.js gets this wrong)
  ['http://[64:ff9b::127.0.0.1]/', /64:ff9b::7f00:1/],
  ['http://[::1%25lo]/', /not an absolute URL/], // zone ids: WHATWG refuses them
  ['http://8.8.8.8/', /8\.8\.8\.8/],
  ['http://127.0.0.1@evil.example/', /credentials/],
  ['http://evil.example@127.0.0.1/', /credentials/],
  ['http://localhost.evil.example/', /before any DNS query/],
  ['http://127.0.0.1.nip.io/', /before any DNS query/],
  ['http://127.0.0.1\n.evil.example/', /before any DNS query/],
  ['http://127.0.0.1;.evil.example/', /before any DNS query/], // parser differential with url.parse
  ['http://127.0.0.1../', /before any DNS query/],
  ['http://lоcalhost/', /before any DNS query/], // Cyrillic о
  ['http://4294967296/', /not an absolute URL/],
  ['http://127.0.0.1:65536/', /not an absolute URL/],
  ['localhost:3000', /scheme localhost:.*Hint: write it with its scheme: http:\/\/localhost:3000/],
  ['http://127.0.0.1:0/', /port 0/],
  ['127.0.0.1:8080', /http:\/\/127\.0\.0\.1:8080/],
  ['file:///etc/passwd', /scheme file:/],
  ['gopher://127.0.0.1:6379/_', /scheme gopher:/],
  ['https://10.0.0.1/', /10\.0\.0\.1/],
  ['https://user@127.0.0.1/', /credentials/],
  ['wss://127.0.0.1/', /scheme wss:/],
  // A path of //host/… names another host once resolved against a base (found in review).
  ['http://127.0.0.1:3000//evil.example/x', /starts with \/\//],
  ['http://localhost:3000//169.254.169.254/latest/', /starts with \/\//],
  ['http://127.0.0.1:3000/\\/evil.example/', /starts with \/\//],
  ['http://127.0.0.1:3000/.//evil.example/x', /starts with \/\//],
];

describe('target guard', () => {
  describe('allows loopback in every spelling WHATWG canonicalises, and pins the address', () => {
    for (const [input, address] of ALLOWED) {
      it(`${JSON.stringify(input)} → ${address}`, async () => {
        const lookup = recordingLookup();
        const target = await pinTarget(input, LOOPBACK_ONLY, lookup);
        assert.equal(target.address, address);
        assert.equal(target.authorizedBy, 'loopback');
        assert.deepEqual(lookup.queries, [], 'no DNS query');
        assert.equal(new URL(target.pinnedUrl).hostname, address.includes(':') ? `[${address}]` : address);
      });
    }
  });

  describe('refuses everything else before any DNS query, saying why', () => {
    for (const [input, message] of REFUSED) {
      it(JSON.stringify(input), async () => {
        const lookup = recordingLookup([['127.0.0.1']]);
        const error = await rejection(pinTarget(input, LOOPBACK_ONLY, lookup));
        assert.equal(error.code, 'TARGET_REFUSED');
        assert.equal(error.exitCode, 2);
        assert.match(`${error.message} Hint: ${error.hint ?? ""}`, message);
        assert.ok(error.hint !== undefined && error.hint.length > 0, 'a refusal says what to do');
        assert.deepEqual(lookup.queries, [], 'no DNS query');
      });
    }
  });

  it('keeps the path, query and Host header of a localhost URL while connecting to 127.0.0.1', async () => {
    const target = await pinTarget('http://api.localhost:8080/orders?limit=5');
    assert.equal(target.pinnedUrl, 'http://127.0.0.1:8080/orders?limit=5');
    assert.equal(target.hostHeader, 'api.localhost:8080');
    assert.equal(target.port, 8080);
  });

  describe('pins an https target the same way, keeping the name for TLS (SNI and the certificate check)', () => {
    const HTTPS: [string, { address: string; port: number; serverName: string | undefined; pinnedUrl: string; hostHeader: string }][] = [
      ['https://app.localhost:8443/x', { address: '127.0.0.1', port: 8443, serverName: 'app.localhost', pinnedUrl: 'https://127.0.0.1:8443/x', hostHeader: 'app.localhost:8443' }],
      ['https://localhost/', { address: '127.0.0.1', port: 443, serverName: 'localhost', pinnedUrl: 'https://127.0.0.1/', hostHeader: 'localhost' }],
      // A trailing dot is the same DNS name, and no certificate holds it.
      ['https://App.Localhost.:8443/', { address: '127.0.0.1', port: 8443, serverName: 'app.localhost', pinnedUrl: 'https://127.0.0.1:8443/', hostHeader: 'app.localhost.:8443' }],
      // RFC 6066 §3: no IP literal in SNI; the certificate must hold the address.
      ['https://127.0.0.1:8443/', { address: '127.0.0.1', port: 8443, serverName: undefined, pinnedUrl: 'https://127.0.0.1:8443/', hostHeader: '127.0.0.1:8443' }],
      ['https://[::1]/', { address: '::1', port: 443, serverName: undefined, pinnedUrl: 'https://[::1]/', hostHeader: '[::1]' }],
    ];
    for (const [input, expected] of HTTPS) {
      it(`${input} → ${expected.address}:${expected.port}, server name ${expected.serverName ?? 'none'}`, async () => {
        const lookup = recordingLookup();
        const { address, port, serverName, pinnedUrl, hostHeader } = await pinTarget(input, LOOPBACK_ONLY, lookup);
        assert.deepEqual({ address, port, serverName, pinnedUrl, hostHeader }, expected);
        assert.deepEqual(lookup.queries, []);
      });
    }

    it('sets no server name on a plain-HTTP target', async () => {
      assert.equal((await pinTarget('http://app.localhost/')).serverName, undefined);
    });
  });

  describe('with an authorization for one name', () => {
    const authorization: Authorization = {
      source: 'test entry',
      nameAllowed: (name) => name === 'svc.test',
      addressAllowed: (address) => address === '10.200.0.2',
    };

    it('resolves the name once and pins its address (a second, rebound answer is never asked for)', async () => {
      const lookup = recordingLookup([['10.200.0.2'], ['10.0.0.1']]);
      const target = await pinTarget('http://svc.test:8080/', authorization, lookup);
      assert.deepEqual(lookup.queries, ['svc.test']);
      assert.equal(target.address, '10.200.0.2');
      assert.equal(target.pinnedUrl, 'http://10.200.0.2:8080/');
      assert.equal(target.hostHeader, 'svc.test:8080');
      assert.equal(target.authorizedBy, 'test entry');
    });

    it('refuses a name whose answers include one address not allowed', async () => {
      const error = await rejection(pinTarget('http://svc.test/', authorization, recordingLookup([['10.200.0.2', '10.0.0.1']])));
      assert.match(error.message, /10\.0\.0\.1/);
    });

    it('refuses an empty answer and a failed lookup', async () => {
      assert.match((await rejection(pinTarget('http://svc.test/', authorization, recordingLookup([[]])))).message, /no address/);
      const failing: Lookup = () => Promise.reject(new Error('queryA ETIMEOUT svc.test'));
      assert.match((await rejection(pinTarget('http://svc.test/', authorization, failing))).message, /could not be resolved/);
    });

    it('still refuses other names before DNS', async () => {
      const lookup = recordingLookup([['10.200.0.2']]);
      await rejection(pinTarget('http://other.test/', authorization, lookup));
      assert.deepEqual(lookup.queries, []);
    });
  });

  describe('isLoopback', () => {
    const cases: [string, boolean][] = [
      ['127.0.0.1', true],
      ['127.255.255.255', true],
      ['::1', true],
      ['::ffff:7f00:1', true],
      ['::ffff:127.0.0.1', true],
      ['::1%lo', false],
      ['127.1', false],
      ['0x7f.1', false],
      ['[::1]', false],
      ['::7f00:1', false],
      ['::ffff:0:7f00:1', false],
      ['0.0.0.0', false],
      ['::', false],
      ['128.0.0.1', false],
    ];
    for (const [address, expected] of cases) {
      it(`${address} → ${expected}`, () => assert.equal(isLoopback(address), expected));
    }
  });
});
