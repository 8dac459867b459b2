import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import type { ServiceDistribution } from '../../harness/config/scenario.ts';
import { seededRandom } from '../../fixtures/common/random.ts';
import { DriftCompensator, ServiceClock, serviceTimeSampler, type Timers } from '../../fixtures/upstream/service-clock.ts';

type Id = FakeTimers.TimerId;

/**
 * Fake timers that misbehave the way Node's do: the delay is cut to whole milliseconds (at least
 * 1), then the timer fires late. `lateness(i)` is how late the i-th timer is, in whole ms.
 */
function nodeLikeTimers(clock: FakeTimers.Clock, lateness: (i: number) => number): Timers<Id> {
  let i = 0;
  return {
    now: () => clock.now,
    setTimeout: (callback, ms) => clock.setTimeout(callback, Math.max(1, Math.floor(ms)) + lateness(i++)),
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}

/** Runs `count` services one after another and returns each one's realised time. */
function sequential(options: { serviceMs: number; distribution?: ServiceDistribution; seed?: number; workers?: number; lateness: (i: number) => number; count: number }): number[] {
  const clock = FakeTimers.createClock(0);
  const services = new ServiceClock({
    serviceMs: options.serviceMs,
    distribution: options.distribution ?? 'fixed',
    seed: options.seed ?? 1,
    workers: options.workers ?? 1,
    timers: nodeLikeTimers(clock, options.lateness),
  });
  const realised: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const start = clock.now;
    let done = false;
    if (services.schedule(() => (done = true)) !== undefined) clock.next();
    assert.equal(done, clock.now > start, 'done runs exactly when a timer was set');
    realised.push(clock.now - start);
  }
  return realised;
}

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('DriftCompensator', () => {
  it('asks for whole ms, takes the error of late timers off the next delays, and adds back early ones', () => {
    const compensator = new DriftCompensator(100);
    const delays: number[] = [];
    for (const realisedMinusDelay of [0.25, 0.3, 0.2, 0]) {
      const delay = compensator.delayFor(10);
      delays.push(delay);
      compensator.settle(delay, delay + realisedMinusDelay);
    }
    // debt 0 → ask 10; 0.25 → round(9.75) = 10; 0.55 → round(9.45) = 9 (debt −0.45); −0.25 → 10.
    assert.deepEqual(delays, [10, 10, 9, 10]);
    assert.ok(Math.abs(compensator.debtMs - -0.25) < 1e-9, `debt ${compensator.debtMs}`);
  });

  it('never cuts a delay below half its sample; the rest of the debt waits for later services', () => {
    const compensator = new DriftCompensator(100);
    compensator.settle(10, 25);
    assert.deepEqual([1, 2, 3, 4].map(() => compensator.delayFor(10)), [5, 5, 5, 10]);
  });

  it('forgives error beyond its limit, so a stall is not paid back as a burst of instant answers', () => {
    const compensator = new DriftCompensator(2);
    compensator.settle(10, 510);
    assert.equal(compensator.debtMs, 2);
    compensator.settle(10, -500);
    assert.equal(compensator.debtMs, -2);
  });
});

describe('ServiceClock', () => {
  it('brings the realised mean of S = 10 ms to S when every timer fires 1 ms late', () => {
    const realised = sequential({ serviceMs: 10, lateness: () => 1, count: 1000 });
    assert.deepEqual(realised.slice(0, 4), [11, 10, 10, 10]);
    assert.equal(mean(realised), 10 + 1 / 1000);
  });

  it('brings the realised mean of S = 4.5 ms to S with whole-ms timers that fire 1 ms late', () => {
    const realised = sequential({ serviceMs: 4.5, lateness: () => 1, count: 1001 });
    assert.deepEqual(realised.slice(0, 7), [6, 4, 5, 4, 5, 4, 5]);
    assert.equal(mean(realised), (6 + 500 * (4 + 5)) / 1001);
  });

  it('after a 500 ms stall, pays back at most C × 100 ms, half a service at a time, then goes on at S', () => {
    const realised = sequential({ serviceMs: 10, lateness: (i) => (i === 0 ? 500 : 1), count: 40 });
    assert.deepEqual(realised.slice(0, 4), [510, 6, 6, 6]);
    assert.deepEqual(realised.slice(-3), [10, 10, 10]);
    // 500 ms late, 100 ms of it paid back: the rest (400 ms, and the 1 ms of the last timer) is forgiven.
    assert.equal(realised.reduce((sum, v) => sum + v, 0), 40 * 10 + 400 + 1);
  });

  it('counts the time between the real start of a service and its schedule call (a queued request handed over before the last response was written)', () => {
    const clock = FakeTimers.createClock(0);
    const services = new ServiceClock({ serviceMs: 10, distribution: 'fixed', seed: 1, workers: 1, timers: nodeLikeTimers(clock, () => 0) });
    const realised: number[] = [];
    for (let i = 0; i < 100; i++) {
      const startedAt = clock.now;
      clock.tick(0.25); // writing the previous response, after the service had begun
      services.schedule(() => undefined, startedAt);
      clock.next();
      realised.push(clock.now - startedAt);
    }
    const mean = realised.reduce((sum, ms) => sum + ms, 0) / realised.length;
    assert.ok(Math.abs(mean - 10) < 0.05, `realised mean ${mean} ms`);
  });

  it('answers at once, without a timer, when S = 0', () => {
    const clock = FakeTimers.createClock(0);
    const services = new ServiceClock({ serviceMs: 0, distribution: 'exponential', seed: 1, workers: 1, timers: nodeLikeTimers(clock, () => 0) });
    let called = false;
    assert.equal(services.schedule(() => (called = true)), undefined);
    assert.equal(clock.countTimers(), 0);
    assert.equal(called, false, 'the caller answers; done is not called back synchronously');
  });

  it('cancel clears the timer and done never runs', () => {
    const clock = FakeTimers.createClock(0);
    const services = new ServiceClock({ serviceMs: 50, distribution: 'fixed', seed: 1, workers: 1, timers: nodeLikeTimers(clock, () => 0) });
    let called = false;
    const id = services.schedule(() => (called = true));
    assert.notEqual(id, undefined);
    if (id !== undefined) services.cancel(id);
    assert.equal(clock.countTimers(), 0);
    clock.tick(1000);
    assert.equal(called, false);
  });

  it('the same seed gives the same exponential service times; another seed gives others', () => {
    const run = (seed: number): number[] => sequential({ serviceMs: 10, distribution: 'exponential', seed, lateness: () => 0, count: 50 });
    assert.deepEqual(run(5), run(5));
    assert.notDeepEqual(run(5), run(6));
  });

  it('rejects a negative or infinite serviceMs, naming the value', () => {
    for (const serviceMs of [-1, Number.POSITIVE_INFINITY, Number.NaN]) {
      assert.throws(
        () => new ServiceClock({ serviceMs, distribution: 'fixed', seed: 1, workers: 1, timers: nodeLikeTimers(FakeTimers.createClock(0), () => 0) }),
        new RegExp(`serviceMs must be a finite number ≥ 0 \\(got ${serviceMs}\\)`),
      );
    }
  });
});

describe('serviceTimeSampler', () => {
  it('fixed always gives S', () => {
    const sample = serviceTimeSampler('fixed', 10, seededRandom(1, 'test.sampler'));
    assert.deepEqual(Array.from({ length: 3 }, sample), [10, 10, 10]);
  });

  for (const distribution of ['exponential', 'lognormal'] as const) {
    it(`${distribution} samples are non-negative with mean S (100,000 draws, within 1 %)`, () => {
      const sample = serviceTimeSampler(distribution, 10, seededRandom(1, 'test.sampler'));
      const values = Array.from({ length: 100_000 }, sample);
      assert.ok(Math.abs(mean(values) - 10) <= 0.1, `mean ${mean(values)}`);
      assert.ok(values.every((v) => v >= 0));
    });
  }
});
