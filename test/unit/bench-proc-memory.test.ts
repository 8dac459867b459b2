import assert from 'node:assert/strict';
import { foldMemory, parseStatusMemory, peakKiB, type PeakMemory } from '../../bench/proc-memory.ts';

/** The head of a real /proc/<pid>/status of a node process (Linux 6). */
const STATUS = [
  'Name:\tnode',
  'State:\tS (sleeping)',
  'VmPeak:\t 1117240 kB',
  'VmSize:\t 1052704 kB',
  'VmHWM:\t  183412 kB',
  'VmRSS:\t  179348 kB',
  'RssAnon:\t  120000 kB',
  'Threads:\t11',
].join('\n');

/** A zombie (exited, not yet reaped) keeps no memory lines. */
const ZOMBIE = ['Name:\tnode', 'State:\tZ (zombie)', 'Threads:\t1'].join('\n');

const EMPTY: PeakMemory = { hwmKiB: null, rssKiB: null, samples: 0 };

describe('peak memory from /proc/<pid>/status (bench/proc-memory.ts)', () => {
  it('reads VmHWM and VmRSS in KiB, and not VmPeak or RssAnon', () => {
    assert.deepEqual(parseStatusMemory(STATUS), { hwmKiB: 183412, rssKiB: 179348 });
  });

  it('reads nothing from a zombie, and folding that leaves the peaks and the count alone', () => {
    assert.deepEqual(parseStatusMemory(ZOMBIE), { hwmKiB: null, rssKiB: null });
    const peak = foldMemory(EMPTY, parseStatusMemory(STATUS));
    assert.deepEqual(foldMemory(peak, parseStatusMemory(ZOMBIE)), peak);
  });

  it('keeps the largest of each line over the readings', () => {
    const readings = [
      { hwmKiB: 100, rssKiB: 90 },
      { hwmKiB: 150, rssKiB: 140 },
      { hwmKiB: 150, rssKiB: 120 },
    ];
    assert.deepEqual(readings.reduce(foldMemory, EMPTY), { hwmKiB: 150, rssKiB: 140, samples: 3 });
  });

  it('gives the larger of the two peaks, or the one that was read', () => {
    assert.equal(peakKiB({ hwmKiB: 150, rssKiB: 140, samples: 2 }), 150);
    assert.equal(peakKiB({ hwmKiB: 150, rssKiB: 160, samples: 2 }), 160);
    assert.equal(peakKiB({ hwmKiB: null, rssKiB: 140, samples: 1 }), 140);
    assert.equal(peakKiB(EMPTY), null);
  });
});
