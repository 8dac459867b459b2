import { strictEqual } from 'node:assert/strict';
import { parseKeepAliveHint } from '../../fixtures/gateway/upstream-sockets.ts';

describe('parseKeepAliveHint', () => {
  const cases: [string, number | null][] = [
    ['timeout=5', 5000],
    ['timeout=5, max=100', 5000],
    ['max=100, timeout=0', 0],
    ['Timeout=65', 65_000],
    ['max=100', null],
    ['maxtimeout=5', null],
  ];
  for (const [value, ms] of cases) {
    it(`reads ${JSON.stringify(value)} as ${ms === null ? 'no hint' : `${ms} ms`}`, () => strictEqual(parseKeepAliveHint(value), ms));
  }
});
