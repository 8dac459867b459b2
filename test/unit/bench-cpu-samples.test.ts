import assert from 'node:assert/strict';
import { cpuAt, cpuBetween, type CpuSample } from '../../bench/cpu-samples.ts';

const SAMPLES: CpuSample[] = [
  { atMs: 1000, cpuMs: 0 },
  { atMs: 1100, cpuMs: 50 },
  { atMs: 1200, cpuMs: 150 },
  { atMs: 1300, cpuMs: 160 },
];

describe('the CPU inside a window, from samples (bench/cpu-samples.ts)', () => {
  const at: [number, number, string][] = [
    [1000, 0, 'on the first sample'],
    [1050, 25, 'halfway between the first two'],
    [1100, 50, 'on a sample'],
    [1150, 100, 'halfway between two'],
    [1300, 160, 'on the last sample'],
  ];
  for (const [atMs, expected, where] of at) {
    it(`reads ${expected} ms at ${atMs}, ${where}`, () => {
      assert.equal(cpuAt(SAMPLES, atMs), expected);
    });
  }

  it('reads nothing before the first sample or after the last', () => {
    assert.equal(cpuAt(SAMPLES, 999), null);
    assert.equal(cpuAt(SAMPLES, 1301), null);
  });

  it('subtracts the interpolated readings at both ends of the window', () => {
    assert.equal(cpuBetween(SAMPLES, 1050, 1250), 155 - 25);
  });

  it('is null for a window the samples do not cover, or an empty one', () => {
    assert.equal(cpuBetween(SAMPLES, 900, 1200), null);
    assert.equal(cpuBetween(SAMPLES, 1100, 1400), null);
    assert.equal(cpuBetween(SAMPLES, 1200, 1200), null);
    assert.equal(cpuBetween([], 0, 1), null);
  });
});
