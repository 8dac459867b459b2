import assert from 'node:assert/strict';
import {
  formatCount, formatFixed, formatLoad, formatLoadValue, formatMs, formatPercent, formatRate, formatSetting, unitLabel,
} from '../../harness/format.ts';

describe('number formatting', () => {
  it('formats shares with one decimal from 1 %, two below, and never rounds to a false 0 % or 100 %', () => {
    const cases: [number, string][] = [
      [0, '0 %'],
      [0.00004, '< 0.01 %'],
      [0.0004, '0.04 %'],
      [0.001, '0.10 %'],
      [0.00998, '1.0 %'],
      [0.5, '50.0 %'],
      [0.987, '98.7 %'],
      [0.9996, '> 99.9 %'],
      [1, '100 %'],
    ];
    assert.deepEqual(cases.map(([share]) => formatPercent(share)), cases.map(([, text]) => text));
  });

  it('formats a configured ratio without padding zeros', () => {
    assert.deepEqual([0.01, 0.025, 0.5].map(formatSetting), ['1 %', '2.5 %', '50 %']);
  });

  it('formats counts, fixed decimals, rates and milliseconds in en-US', () => {
    assert.deepEqual([formatCount(1843), formatCount(2.6), formatFixed(-0, 1), formatFixed(1234.5, 2)], ['1,843', '3', '0.0', '1,234.50']);
    assert.deepEqual([0, 94.05, 395.6, 1234].map(formatRate), ['0', '94.1', '396', '1,234']);
    assert.deepEqual([4.254, 48.12, 1234.4].map(formatMs), ['4.25 ms', '48.1 ms', '1,234 ms']);
  });

  it('formats a load with its unit, singular for 1 connection, req/s to two decimals', () => {
    const cases: [number, 'connections' | 'rps', string][] = [
      [1, 'connections', '1 connection'],
      [1024, 'connections', '1,024 connections'],
      [400, 'rps', '400 req/s'],
      [402.5, 'rps', '402.5 req/s'],
      [398.75, 'rps', '398.75 req/s'],
    ];
    assert.deepEqual(cases.map(([value, unit]) => formatLoad(value, unit)), cases.map(([, , text]) => text));
  });

  it('formats a bare load so a passing and a failing open-model load never print alike', () => {
    assert.deepEqual([formatLoadValue(397.5, 'rps'), formatLoadValue(398.75, 'rps'), formatLoadValue(1024, 'connections')], ['397.5', '398.75', '1,024']);
    assert.deepEqual([unitLabel('connections'), unitLabel('rps')], ['connections', 'req/s']);
  });
});
