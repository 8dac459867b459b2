import assert from 'node:assert/strict';
import { rateProfile } from '../../harness/config/rate-profile.ts';
import type { TimelineEvent } from '../../harness/config/scenario.ts';
import { planArrivals, planProfile } from '../../harness/load/arrivals.ts';

interface Change {
  atMs: number;
  rateRps: number;
}

const uniform = (changes: Change[], durationMs: number): number[] => Array.from(planProfile(changes, { durationMs, arrivals: 'uniform', seed: 1 }));
const poisson = (changes: Change[], durationMs: number, seed: number): Float64Array => planProfile(changes, { durationMs, arrivals: 'poisson', seed });
/** `n` times from `start`, `gap` apart. */
const spaced = (n: number, start: number, gap: number): number[] => Array.from({ length: n }, (_, i) => start + i * gap);

describe('planProfile', () => {
  it('plans 10 req/s for 1 s, then 20 req/s to 2 s: 0, 100, …, 900, then 1000, 1050, …, 1950', () => {
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 1000, rateRps: 20 }], 2000), [...spaced(10, 0, 100), ...spaced(20, 1000, 50)]);
  });

  it('starts each uniform segment with an arrival at its change, as its own span: 10 req/s to 250 ms gives 0, 100, 200, then 20 req/s 250, 300, …, 450', () => {
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 250, rateRps: 20 }], 500), [0, 100, 200, ...spaced(5, 250, 50)]);
  });

  it('plans the spike and the drop back (retry-storm in small): 20, 60, 20 req/s', () => {
    const times = uniform([{ atMs: 0, rateRps: 20 }, { atMs: 500, rateRps: 60 }, { atMs: 1000, rateRps: 20 }], 1500);
    assert.deepEqual(times, [...spaced(10, 0, 50), ...spaced(30, 500, 1000 / 60), ...spaced(10, 1000, 50)]);
  });

  it('plans one change at 0 exactly as planArrivals plans its rate', () => {
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 7 }], 2000), Array.from(planArrivals({ rateRps: 7, durationMs: 2000, arrivals: 'uniform', seed: 1 })));
    assert.deepEqual(poisson([{ atMs: 0, rateRps: 200 }], 2000, 5), planArrivals({ rateRps: 200, durationMs: 2000, arrivals: 'poisson', seed: 5 }));
  });

  it('cuts the last segment at durationMs, and plans nothing for a change at or after it', () => {
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 500, rateRps: 20 }], 700), [...spaced(5, 0, 100), ...spaced(4, 500, 50)]);
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 1000, rateRps: 20 }], 1000), spaced(10, 0, 100));
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 1500, rateRps: 20 }, { atMs: 1800, rateRps: 30 }], 1000), spaced(10, 0, 100));
  });

  it('lets the later of two changes at the same time win', () => {
    assert.deepEqual(uniform([{ atMs: 0, rateRps: 10 }, { atMs: 500, rateRps: 99 }, { atMs: 500, rateRps: 20 }], 1000), [...spaced(5, 0, 100), ...spaced(10, 500, 50)]);
  });

  it('repeats each planned time `burst` times in every segment', () => {
    const times = Array.from(planProfile([{ atMs: 0, rateRps: 20 }, { atMs: 200, rateRps: 40 }], { durationMs: 300, arrivals: 'uniform', seed: 1, burst: 2 }));
    assert.deepEqual(times, [0, 0, 100, 100, 200, 200, 250, 250]);
  });

  describe('with Poisson arrivals', () => {
    const changes: Change[] = [{ atMs: 0, rateRps: 100 }, { atMs: 1000, rateRps: 300 }, { atMs: 1500, rateRps: 100 }];

    it('plans segment i as planArrivals with seed + i over its own span, shifted to its change', () => {
      const times = poisson(changes, 3000, 42);
      const segment = (rateRps: number, durationMs: number, seed: number, shift: number): number[] =>
        Array.from(planArrivals({ rateRps, durationMs, arrivals: 'poisson', seed })).map((t) => t + shift);
      assert.deepEqual(Array.from(times), [...segment(100, 1000, 42, 0), ...segment(300, 500, 43, 1000), ...segment(100, 1500, 44, 1500)]);
    });

    it('gives the same times for the same changes and seed, and other times for another seed', () => {
      assert.deepEqual(poisson(changes, 3000, 42), poisson(changes, 3000, 42));
      assert.notDeepEqual(poisson(changes, 3000, 42), poisson(changes, 3000, 43));
    });

    it('leaves the other segments as they were when one segment’s rate changes', () => {
      const before = Array.from(poisson(changes, 3000, 42));
      const after = Array.from(poisson(changes.map((c) => (c.atMs === 1000 ? { atMs: 1000, rateRps: 500 } : c)), 3000, 42));
      const within = (times: number[], from: number, to: number): number[] => times.filter((t) => t >= from && t < to);
      assert.deepEqual(within(after, 0, 1000), within(before, 0, 1000));
      assert.deepEqual(within(after, 1500, 3000), within(before, 1500, 3000));
      assert.notDeepEqual(within(after, 1000, 1500), within(before, 1000, 1500));
    });

    it('keeps the times ascending and within the span', () => {
      const times = Array.from(poisson(changes, 3000, 7));
      assert.ok(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0)), 'ascending');
      assert.ok(times.every((t) => t >= 0 && t < 3000));
    });
  });

  const refused: [name: string, changes: Change[], message: string][] = [
    ['no change at all', [], 'planProfile: the first rate change must be at 0 ms (got undefined); start with the steady rate'],
    ['a first change after 0', [{ atMs: 100, rateRps: 10 }], 'planProfile: the first rate change must be at 0 ms (got {"atMs":100,"rateRps":10}); start with the steady rate'],
    [
      'changes out of order',
      [{ atMs: 0, rateRps: 10 }, { atMs: 600, rateRps: 20 }, { atMs: 400, rateRps: 30 }],
      'planProfile: rate changes must be in time order (600 ms comes after 400 ms); sort them',
    ],
    [
      'changes out of order after the end of the span',
      [{ atMs: 0, rateRps: 10 }, { atMs: 1800, rateRps: 20 }, { atMs: 1500, rateRps: 30 }],
      'planProfile: rate changes must be in time order (1800 ms comes after 1500 ms); sort them',
    ],
    ['a segment at a rate of 0', [{ atMs: 0, rateRps: 10 }, { atMs: 500, rateRps: 0 }], "planArrivals: rateRps must be a finite number of requests per second above 0 (got 0); pass the step's offered load"],
  ];
  for (const [name, changes, message] of refused) {
    it(`refuses ${name} with a RangeError that says so`, () => {
      assert.throws(() => uniform(changes, 1000), (error: unknown) => error instanceof RangeError && error.message === message);
    });
  }
});

describe('rateProfile', () => {
  it('starts with the steady rate at 0, then each set-load event in time order, ignoring other events', () => {
    const events: TimelineEvent[] = [
      { atMs: 5000, action: 'set-load', offered: 62.5 },
      { atMs: 2000, action: 'stop-upstream' },
      { atMs: 3000, action: 'set-load', offered: 150 },
      { atMs: 4000, action: 'start-upstream' },
    ];
    assert.deepEqual(rateProfile({ offered: 62.5, events }), [
      { atMs: 0, rateRps: 62.5 },
      { atMs: 3000, rateRps: 150 },
      { atMs: 5000, rateRps: 62.5 },
    ]);
  });

  it('is the steady rate alone without set-load events', () => {
    assert.deepEqual(rateProfile({ offered: 200, events: [{ atMs: 3000, action: 'stop-upstream' }] }), [{ atMs: 0, rateRps: 200 }]);
  });

  it('keeps two changes at the same time in the order given, so the later one wins in planProfile', () => {
    const events: TimelineEvent[] = [{ atMs: 3000, action: 'set-load', offered: 99 }, { atMs: 3000, action: 'set-load', offered: 150 }];
    assert.deepEqual(rateProfile({ offered: 50, events }), [{ atMs: 0, rateRps: 50 }, { atMs: 3000, rateRps: 99 }, { atMs: 3000, rateRps: 150 }]);
  });

  it('leaves the events as they were', () => {
    const events: TimelineEvent[] = [{ atMs: 5000, action: 'set-load', offered: 20 }, { atMs: 3000, action: 'set-load', offered: 150 }];
    rateProfile({ offered: 50, events });
    assert.deepEqual(events.map((e) => e.atMs), [5000, 3000]);
  });

  it('gives planProfile a plan it accepts for a timeline whose events are out of order', () => {
    const events: TimelineEvent[] = [{ atMs: 1000, action: 'set-load', offered: 10 }, { atMs: 500, action: 'set-load', offered: 60 }];
    assert.deepEqual(uniform(rateProfile({ offered: 20, events }), 1500), [...spaced(10, 0, 50), ...spaced(30, 500, 1000 / 60), ...spaced(5, 1000, 100)]);
  });
});
