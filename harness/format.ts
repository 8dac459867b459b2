/**
 * How numbers read to people, everywhere they are shown: the search's notes, the explanation, the
 * expectations, the renderers, the progress line and the benchmarks, so a figure reads the same in
 * each. Pure, and fixed to `en-US` so the output does not depend on the machine's locale (the
 * callers are tested on exact strings). It lives at the root of `harness/` because both
 * `load/` (the search) and `report/` use it, and `load/` must not depend on `report/`.
 * Examples: test/unit/format.test.ts.
 */

/** The unit of an offered load: connections (closed model) or req/s (open model). */
export type LoadUnit = 'connections' | 'rps';

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const upToTwo = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const fixed = new Map<number, Intl.NumberFormat>();

/** A count with thousands separators, rounded to a whole number: `1843` → `1,843`. */
export function formatCount(n: number): string {
  return whole.format(n);
}

/** `value` with exactly `digits` decimals and thousands separators. Negative zero prints as `0`. */
export function formatFixed(value: number, digits: number): string {
  let out = fixed.get(digits);
  if (out === undefined) {
    out = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixed.set(digits, out);
  }
  return out.format(value === 0 ? 0 : value);
}

/** A measured rate in req/s: whole numbers from 100 up (`395.6` → `396`), one decimal below (`94.05` → `94.1`). */
export function formatRate(rps: number): string {
  if (rps === 0) return '0';
  return Math.abs(rps) >= 100 ? formatCount(rps) : formatFixed(rps, 1);
}

/**
 * A measured share (0–1) as a percentage, with a space before the sign. One decimal from 1 % up
 * (`0.612` → `61.2 %`, `0.5` → `50.0 %`), two below (`0.001` → `0.10 %`), so a share near a 1 %
 * criterion stays visible. Only an exact 0 or 1 prints as `0 %` or `100 %`: a share that would
 * round to either prints as `< 0.01 %` or `> 99.9 %`, never as a false "none" or "all".
 */
export function formatPercent(share: number): string {
  if (share === 0) return '0 %';
  if (share === 1) return '100 %';
  const percent = share * 100;
  if (percent < 0.005) return '< 0.01 %';
  // Decide the decimals on the rounded value, so 0.998 % prints as `1.0 %`, not `1.00 %`.
  if (Math.round(percent * 100) / 100 < 1) return `${formatFixed(percent, 2)} %`;
  if (percent >= 99.95 && share < 1) return '> 99.9 %';
  return `${formatFixed(percent, 1)} %`;
}

/** A configured ratio as a percentage with no padding zeros: `0.01` → `1 %`, `0.025` → `2.5 %`. */
export function formatSetting(ratio: number): string {
  return `${upToTwo.format(ratio * 100)} %`;
}

/** Milliseconds to three significant digits up to 100 ms, whole ms above: `4.25 ms`, `48.1 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 100) return `${formatCount(ms)} ms`;
  if (abs >= 10) return `${formatFixed(ms, 1)} ms`;
  return `${formatFixed(ms, 2)} ms`;
}

/** A time on a timeline, in seconds with two decimals: `3250` → `3.25 s`. */
export function formatSeconds(ms: number): string {
  return `${formatFixed(ms / 1000, 2)} s`;
}

/** The unit as people read it after a number: `connections`, `req/s`. */
export function unitLabel(unit: LoadUnit): string {
  switch (unit) {
    case 'connections':
      return 'connections';
    case 'rps':
      return 'req/s';
  }
}

/**
 * An offered load as a bare number, for table columns and ranges: whole connections (`1,024`);
 * req/s with up to two decimals (`400`, `402.5`, `398.75`). An offered load is a setting the plan
 * chose, not a measurement: rounding it could print a passing and a failing load of an open-model
 * search (397.5 and 398.75) as the same number.
 */
export function formatLoadValue(value: number, unit: LoadUnit): string {
  switch (unit) {
    case 'connections':
      return formatCount(value);
    case 'rps':
      return upToTwo.format(value);
  }
}

/** An offered load with its unit, for sentences: `1 connection`, `1,024 connections`, `402.5 req/s`. */
export function formatLoad(value: number, unit: LoadUnit): string {
  switch (unit) {
    case 'connections':
      return `${formatLoadValue(value, unit)} ${value === 1 ? 'connection' : 'connections'}`;
    case 'rps':
      return `${formatLoadValue(value, unit)} req/s`;
  }
}
