import assert from 'node:assert/strict';
import { addCounts, diffCounts, largestFirst, sortCounts, topCount, totalCount } from '../../harness/stats/counts.ts';

describe('count tallies', () => {
  it('diffCounts keeps only what grew between two cumulative readings', () => {
    assert.deepEqual(diffCounts({ a: 5, b: 2, c: 7 }, { a: 3, b: 2 }), { a: 2, c: 7 });
  });

  it('diffCounts treats missing and undefined entries as zero', () => {
    assert.deepEqual(diffCounts({ a: undefined, b: 1 }, { b: undefined }), { b: 1 });
  });

  it('addCounts sums every key of every tally', () => {
    assert.deepEqual(addCounts([{ a: 1 }, { a: 2, b: 3 }, {}]), { a: 3, b: 3 });
  });

  it('sortCounts orders by count, largest first, ties by key', () => {
    assert.deepEqual(Object.keys(sortCounts({ b: 1, a: 1, c: 9 })), ['c', 'a', 'b']);
  });

  it('totalCount adds the values', () => {
    assert.equal(totalCount({ a: 2, b: 40 }), 42);
    assert.equal(totalCount({}), 0);
  });
});

describe('largest counts', () => {
  it('largestFirst lists entries largest first, ties by key, and keeps status codes in that order', () => {
    assert.deepEqual(largestFirst({ '200': 5, '502': 9, '503': 5 }), [['502', 9], ['200', 5], ['503', 5]]);
  });

  it('topCount gives the largest entry with its share of the total', () => {
    assert.deepEqual(topCount({ b: 1, a: 3 }), { key: 'a', count: 3, share: 0.75 });
  });

  it('topCount breaks a tie by key and is null when nothing is above zero', () => {
    assert.deepEqual(topCount({ b: 2, a: 2 }), { key: 'a', count: 2, share: 0.5 });
    assert.equal(topCount({}), null);
    assert.equal(topCount({ a: 0 }), null);
  });
});
