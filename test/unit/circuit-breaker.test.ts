import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../harness/safety/circuit-breaker.ts';

/** A breaker on a clock the test moves, with the reasons it tripped for. */
function breaker(limits = { windowMs: 250, minFailures: 3 }) {
  let now = 0;
  const trips: string[] = [];
  const b = new CircuitBreaker(() => now, (reason) => trips.push(reason), limits);
  return { b, trips, at: (ms: number) => (now = ms) };
}

describe('the circuit breaker of a run against an external target', () => {
  it('trips once the window passed with enough errors and not one answer, naming them', () => {
    const { b, trips, at } = breaker();
    at(100);
    b.failed('ECONNREFUSED');
    b.failed('ECONNREFUSED');
    b.failed('ECONNREFUSED');
    assert.deepEqual(trips, [], 'not before the window');
    at(250);
    b.failed('ECONNRESET');
    assert.deepEqual(trips, ['the target answered nothing for 250 ms while 4 requests failed (ECONNREFUSED ×3, ECONNRESET ×1)']);
    b.failed('ECONNREFUSED');
    assert.equal(trips.length, 1, 'once');
  });

  it('never trips while answers come, whatever they are', () => {
    const { b, trips, at } = breaker();
    b.answered(502, 'unmarked');
    at(1000);
    for (let i = 0; i < 10; i++) b.failed('ECONNRESET');
    assert.deepEqual(trips, []);
  });

  it('needs enough errors: a few could be a slow start', () => {
    const { b, trips, at } = breaker();
    at(5000);
    b.failed('ECONNREFUSED');
    b.failed('ECONNREFUSED');
    assert.deepEqual(trips, []);
  });

  it('starts over with each step, and takes a retracted error back', () => {
    const { b, trips, at } = breaker();
    b.answered(200, 'unmarked');
    at(1000);
    b.reset();
    b.failed('lost');
    b.retract('lost');
    b.failed('ETIMEDOUT');
    b.failed('ETIMEDOUT');
    at(1300);
    b.failed('ETIMEDOUT');
    assert.deepEqual(trips, ['the target answered nothing for 300 ms while 3 requests failed (ETIMEDOUT ×3)']);
  });
});
