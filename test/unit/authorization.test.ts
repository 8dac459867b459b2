import assert from 'node:assert/strict';
import { authorizeEntry, parseTargetsFile, type TargetEntry } from '../../harness/safety/authorization.ts';
import { pinTarget } from '../../harness/safety/target-guard.ts';
import { recordingLookup } from '../helpers/recording-lookup.ts';
import { rejection, thrown } from '../helpers/rejection.ts';

const LAB: TargetEntry = {
  name: 'lab',
  host: '10.1.2.3',
  port: 8080,
  addresses: ['10.1.2.3'],
  caps: { maxConnections: 16 },
  expires: '2027-01-31',
  owner: 'capacity team',
  reason: 'staging check',
};
const NAMED: TargetEntry = { ...LAB, name: 'named', host: 'staging.example', port: 80, addresses: ['10.1.2.0/24'], caps: {} };
const TODAY = '2026-11-26';


describe('the allow-list file (--authorize)', () => {
  it('reads its entries, caps defaulting to none', () => {
    const withoutCaps: Partial<TargetEntry> = { ...LAB };
    delete withoutCaps.caps;
    const entries = parseTargetsFile(JSON.stringify({ targets: [withoutCaps] }), 'f.json');
    assert.deepEqual(entries, [{ ...LAB, caps: {} }]);
  });

  it('lists every problem of a bad file with its path', () => {
    const bad = { targets: [{ ...LAB, port: 0, addresses: ['10.0.0.0/8', 'lab'], expires: '31/01/2027', caps: { maxConnections: 100_000 }, extra: 1 }] };
    const error = thrown(() => parseTargetsFile(JSON.stringify(bad), 'f.json'));
    assert.equal(error.code, 'USAGE');
    assert.deepEqual(
      error.problems.map((problem) => problem.path).sort(),
      ['targets[0]', 'targets[0].addresses', 'targets[0].caps', 'targets[0].expires', 'targets[0].port'],
    );
    assert.match(error.problems.find((problem) => problem.path === 'targets[0].addresses')?.message ?? '', /no wider than \/16/);
    assert.match(error.problems.find((problem) => problem.path === 'targets[0]')?.message ?? '', /unknown fields: extra/);
  });

  it('refuses a file that is not JSON, naming it', () => {
    assert.match(thrown(() => parseTargetsFile('{ targets: ', 'f.json')).message, /^--authorize f\.json: not JSON/);
  });
});

describe('an entry (--authorize-target)', () => {
  const refusal = (fn: () => unknown): string => {
    const error = thrown(fn);
    assert.equal(error.code, 'TARGET_REFUSED');
    return error.message;
  };

  it('is refused when missing, expired, or for another host or port', () => {
    assert.match(refusal(() => authorizeEntry([LAB], 'prod', 'http://10.1.2.3:8080/', TODAY, 'f.json')), /f\.json has no entry named prod/);
    assert.match(refusal(() => authorizeEntry([LAB], 'lab', 'http://10.1.2.3:8080/', '2027-02-01', 'f.json')), /the entry expired on 2027-01-31/);
    assert.match(refusal(() => authorizeEntry([LAB], 'lab', 'http://10.1.2.4:8080/', TODAY, 'f.json')), /the entry is for 10\.1\.2\.3:8080, the target is 10\.1\.2\.4:8080/);
    assert.match(refusal(() => authorizeEntry([LAB], 'lab', 'http://10.1.2.3/', TODAY, 'f.json')), /the target is 10\.1\.2\.3:80/);
  });

  it('is alive on its last day', () => {
    assert.equal(authorizeEntry([LAB], 'lab', 'http://10.1.2.3:8080/', '2027-01-31', 'f.json').entry.name, 'lab');
  });

  it('lets the guard pin an address it lists, with the entry named as what authorized it, and asks no resolver', async () => {
    const authorization = authorizeEntry([LAB], 'lab', 'http://10.1.2.3:8080/x', TODAY, 'f.json');
    const lookup = recordingLookup([]);
    const pinned = await pinTarget('http://10.1.2.3:8080/x', authorization, lookup);
    assert.deepEqual([pinned.address, pinned.port, pinned.authorizedBy], ['10.1.2.3', 8080, 'f.json#lab (owner capacity team; expires 2027-01-31)']);
    assert.deepEqual(authorization.caps, { maxConnections: 16 });
    assert.deepEqual(lookup.queries, []);
  });

  it('resolves its name once and pins it only when every answer lies in its addresses', async () => {
    const authorization = authorizeEntry([NAMED], 'named', 'http://staging.example/', TODAY, 'f.json');
    const inside = recordingLookup([['10.1.2.9']]);
    assert.equal((await pinTarget('http://staging.example/', authorization, inside)).address, '10.1.2.9');
    assert.deepEqual(inside.queries, ['staging.example']);
    const outside = recordingLookup([['10.1.2.9', '10.9.9.9']]);
    const error = await rejection(pinTarget('http://staging.example/', authorization, outside));
    assert.match(error.message, /10\.9\.9\.9, which is not loopback .* and not authorized/);
  });

  it('never authorizes another name, the unspecified address, or an address with a zone', () => {
    const authorization = authorizeEntry([NAMED], 'named', 'http://staging.example/', TODAY, 'f.json');
    assert.equal(authorization.nameAllowed('other.example'), false);
    assert.equal(authorization.addressAllowed('0.0.0.0'), false);
    assert.equal(authorization.addressAllowed('fe80::1%eth0'), false);
    assert.equal(authorizeEntry([LAB], 'lab', 'http://10.1.2.3:8080/', TODAY, 'f.json').nameAllowed('10.1.2.3'), false, 'an address entry resolves nothing');
  });
});
