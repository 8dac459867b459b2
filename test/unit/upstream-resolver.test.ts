import assert from 'node:assert/strict';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { UpstreamResolver } from '../../fixtures/gateway/upstream-resolver.ts';

const NAME = 'upstream.overload.test';
const TTL = 2000;

/** A resolver for {@link NAME} at 127.0.0.1 with a 2 s TTL, on a clock the test sets, and the answers it heard. */
function resolver(address: string | null = '127.0.0.1'): { dns: UpstreamResolver; at: (ms: number) => void; heard: (string | null)[] } {
  let now = 0;
  const heard: (string | null)[] = [];
  const dns = new UpstreamResolver(NAME, address, TTL, () => now, (answer) => heard.push(answer));
  return { dns, at: (ms) => { now = ms; }, heard };
}

/** What `lookup` called back with, as net.connect would receive it. */
interface Answer {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}

function lookup(dns: UpstreamResolver, hostname: string, options: LookupOptions = {}): Promise<Answer> {
  return new Promise((resolve) => {
    dns.lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('UpstreamResolver', () => {
  it('answers with the record it was made with', () => {
    assert.equal(resolver().dns.resolve(), '127.0.0.1');
  });

  it('keeps its cached answer until the TTL has passed, then takes the record as it is then', () => {
    const { dns, at } = resolver();
    at(100);
    assert.equal(dns.resolve(), '127.0.0.1');
    dns.setRecord('127.0.0.2');
    // Cached at 100 for 2,000 ms: fresh through 2,099, expired from 2,100.
    const seen = [500, 2099, 2100, 2200].map((ms) => { at(ms); return dns.resolve(); });
    assert.deepEqual(seen, ['127.0.0.1', '127.0.0.1', '127.0.0.2', '127.0.0.2']);
  });

  it('counts the TTL from the answer it took, not from the change of the record', () => {
    const { dns, at } = resolver();
    dns.resolve();
    at(1900);
    dns.setRecord('127.0.0.2');
    at(2000);
    assert.equal(dns.resolve(), '127.0.0.2');
    dns.setRecord('127.0.0.1');
    at(3999);
    assert.equal(dns.resolve(), '127.0.0.2');
    at(4000);
    assert.equal(dns.resolve(), '127.0.0.1');
  });

  it('caches an NXDOMAIN answer for the TTL too (RFC 2308): a record put back is not seen at once', () => {
    const { dns, at } = resolver();
    dns.resolve();
    dns.setRecord(null);
    assert.equal(dns.resolve(), '127.0.0.1', 'the first answer is still cached');
    at(TTL);
    assert.equal(dns.resolve(), null);
    dns.setRecord('127.0.0.1');
    at(TTL + 1000);
    assert.equal(dns.resolve(), null);
    at(2 * TTL);
    assert.equal(dns.resolve(), '127.0.0.1');
  });

  it('with a TTL of 0, sees each change of the record at once', () => {
    let now = 0;
    const dns = new UpstreamResolver(NAME, '127.0.0.1', 0, () => now);
    assert.equal(dns.resolve(), '127.0.0.1');
    dns.setRecord('127.0.0.3');
    assert.equal(dns.resolve(), '127.0.0.3');
    now = 0.5;
    dns.setRecord(null);
    assert.equal(dns.resolve(), null);
  });

  it('tells onAnswer the first answer, then only fresh answers that differ from the one before', () => {
    const { dns, at, heard } = resolver();
    dns.resolve();
    at(TTL);
    dns.resolve();
    dns.setRecord('127.0.0.2');
    dns.resolve();
    at(2 * TTL);
    dns.resolve();
    at(3 * TTL);
    dns.resolve();
    dns.setRecord(null);
    at(4 * TTL);
    dns.resolve();
    dns.resolve();
    assert.deepEqual(heard, ['127.0.0.1', '127.0.0.2', null]);
  });

  it('tells onAnswer nothing when the record changes and changes back within one TTL', () => {
    const { dns, at, heard } = resolver();
    dns.resolve();
    dns.setRecord('127.0.0.2');
    at(1000);
    dns.setRecord('127.0.0.1');
    at(TTL);
    dns.resolve();
    assert.deepEqual(heard, ['127.0.0.1']);
  });

  describe('lookup (the net.connect option)', () => {
    it('calls back with the cached address as IPv4', async () => {
      const { dns } = resolver();
      assert.deepEqual(await lookup(dns, NAME), { error: null, address: '127.0.0.1', family: 4 });
    });

    it('calls back with a list of one IPv4 address when asked for all (autoSelectFamily)', async () => {
      const { dns } = resolver();
      assert.deepEqual(await lookup(dns, NAME, { all: true }), { error: null, address: [{ address: '127.0.0.1', family: 4 }], family: undefined });
    });

    it('calls back on a later tick, as dns.lookup does', async () => {
      const { dns } = resolver();
      let called = false;
      const done = new Promise<void>((resolve) => {
        dns.lookup(NAME, {}, () => { called = true; resolve(); });
      });
      assert.equal(called, false);
      await done;
      assert.equal(called, true);
    });

    it('answers from the cache: a changed record is looked up only once the TTL has passed', async () => {
      const { dns, at } = resolver();
      await lookup(dns, NAME);
      dns.setRecord('127.0.0.2');
      at(TTL - 1);
      assert.equal((await lookup(dns, NAME)).address, '127.0.0.1');
      at(TTL);
      assert.equal((await lookup(dns, NAME)).address, '127.0.0.2');
    });

    it('fails a removed record as getaddrinfo does: ENOTFOUND, with the syscall and the name', async () => {
      const { dns } = resolver(null);
      const { error, address, family } = await lookup(dns, NAME);
      assert.ok(error instanceof Error);
      assert.deepEqual(
        { message: error.message, code: error.code, errno: error.errno, syscall: error.syscall, hostname: (error as { hostname?: unknown }).hostname, address, family },
        { message: `getaddrinfo ENOTFOUND ${NAME}`, code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: NAME, address: '', family: 4 },
      );
    });

    it('fails a removed record with ENOTFOUND when asked for all addresses too', async () => {
      const { dns } = resolver(null);
      assert.equal((await lookup(dns, NAME, { all: true })).error?.code, 'ENOTFOUND');
    });

    it('answers NXDOMAIN for every other name, even one the system would resolve, without touching the cache', async () => {
      const { dns, heard } = resolver();
      for (const other of ['localhost', 'other.overload.test', 'example.com']) {
        const { error } = await lookup(dns, other);
        assert.equal(error?.code, 'ENOTFOUND', other);
        assert.equal((error as { hostname?: unknown } | null)?.hostname, other);
      }
      assert.deepEqual(heard, [], 'no answer was taken into the cache');
    });
  });
});
