import assert from 'node:assert/strict';
import { majority, nextProbeRate } from '../../bench/pacer-capacity.ts';

/** The rates the search probes when every rate up to `capacity` is held and none above. */
function searchPath(capacity: number): number[] {
  const probed: number[] = [];
  let held: number | null = null;
  let failed: number | null = null;
  for (let rate = nextProbeRate(null, null); rate !== null; rate = nextProbeRate(held, failed)) {
    probed.push(rate);
    if (rate <= capacity) held = Math.max(held ?? 0, rate);
    else failed = Math.min(failed ?? Infinity, rate);
  }
  return probed;
}

describe('the pacer-capacity search', () => {
  const cases: [string, number, number[]][] = [
    ['climbs the ladder, then bisects between the highest held and the lowest not held to 1 k', 23_400, [5000, 10_000, 20_000, 30_000, 25_000, 22_500, 23_750, 23_250]],
    ['bisects down from the first rung when not even it is held', 900, [5000, 2500, 1250, 750]],
    ['stops at the top of the ladder when every rung is held', 1e6, [5000, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000]],
  ];
  for (const [name, capacity, expected] of cases) {
    it(name, () => assert.deepEqual(searchPath(capacity), expected));
  }

  it('ends within 1,000 req/s of the capacity, on a 250 req/s grid', () => {
    for (const capacity of [6_100, 14_999, 37_777]) {
      const probed = searchPath(capacity);
      const held = Math.max(...probed.filter((rate) => rate <= capacity));
      const failed = Math.min(...probed.filter((rate) => rate > capacity));
      assert.ok(failed - held <= 1000, `capacity ${capacity}: ${held}..${failed}`);
      assert.ok(probed.every((rate) => rate % 250 === 0));
    }
  });
});

describe('a rate’s verdict from its probes (majority of 3)', () => {
  const cases: [boolean[], boolean | null][] = [
    [[], null],
    [[true], null],
    [[false], null],
    [[true, false], null],
    [[true, true], true],
    [[false, false], false],
    [[true, false, true], true],
    [[false, true, false], false],
  ];
  for (const [helds, verdict] of cases) {
    it(`${JSON.stringify(helds)} → ${String(verdict)}`, () => assert.equal(majority(helds), verdict));
  }

  it('one probe decides when the search keeps one per rate', () => {
    assert.equal(majority([true], 1), true);
    assert.equal(majority([false], 1), false);
  });
});
