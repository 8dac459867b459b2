import assert from 'node:assert/strict';
import { AcceptGate } from '../../fixtures/upstream/accept-gate.ts';

/** A gate on a clock the test moves by hand. */
function gate(rate: number): { gate: AcceptGate; at: (ms: number) => void } {
  let now = 0;
  return { gate: new AcceptGate(rate, () => now), at: (ms) => (now = ms) };
}

describe('the firewall’s accept gate (token bucket)', () => {
  it('lets a burst of 50 ms of its rate through at once, then refuses', () => {
    const { gate: g } = gate(200); // burst 200 × 0.05 = 10
    const admitted = Array.from({ length: 12 }, () => g.admit());
    assert.deepEqual(admitted, [...Array<boolean>(10).fill(true), false, false]);
  });

  it('refills at its rate: one more connection every 1000 / rate ms', () => {
    const { gate: g, at } = gate(100); // burst 5, a token every 10 ms
    for (let i = 0; i < 5; i++) assert.equal(g.admit(), true);
    assert.equal(g.admit(), false);
    at(9);
    assert.equal(g.admit(), false, 'not yet a whole token');
    at(10);
    assert.equal(g.admit(), true);
    assert.equal(g.admit(), false);
    at(1000);
    assert.equal(Array.from({ length: 6 }, () => g.admit()).filter(Boolean).length, 5, 'a long pause refills only up to the burst');
  });

  it('passes its rate, and no more, from a steady stream above it', () => {
    const { gate: g, at } = gate(150);
    let passed = 0;
    // 300 arrivals per second for 10 s, one every 3.33 ms.
    for (let i = 0; i < 3000; i++) {
      at((i * 1000) / 300);
      if (g.admit()) passed++;
    }
    assert.ok(passed >= 1500 && passed <= 1500 + 8, `${passed} passed in 10 s`);
  });

  it('holds at least one token, even at a rate under 20 per second', () => {
    const { gate: g } = gate(2);
    assert.equal(g.admit(), true);
    assert.equal(g.admit(), false);
  });

  it('refuses a rate of 0 or less', () => {
    assert.throws(() => new AcceptGate(0, () => 0), /acceptRate must be above 0 \(got 0\)/);
  });
});
