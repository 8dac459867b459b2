/**
 * Number and label formatting shared by the human-facing renderers (markdown, text, the CLI's
 * step lines), so a figure reads the same everywhere. Pure; fixed to `en-US` so the output does
 * not depend on the machine's locale (the renderers are tested on exact strings).
 */
import type { Report, StepResult } from '../schema.ts';

type Unit = Report['unit'];

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const setting = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const fixed = new Map<number, Intl.NumberFormat>();

/** Formats a count with thousands separators: `1843` → `1,843`. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/**
 * Formats `value` with `digits` decimals and thousands separators. Negative zero prints as `0`.
 */
export function formatFixed(value: number, digits: number): string {
  let out = fixed.get(digits);
  if (out === undefined) {
    out = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixed.set(digits, out);
  }
  return out.format(value === 0 ? 0 : value);
}

/** Formats a rate in req/s: whole numbers from 100 up (`395.6` → `396`), one decimal below (`94.05` → `94.1`). */
export function formatRate(rps: number): string {
  if (rps === 0) return '0';
  return Math.abs(rps) >= 100 ? formatCount(rps) : formatFixed(rps, 1);
}

/**
 * Formats a ratio as a percentage with a space before the sign (`0.612` → `61.2 %`). One decimal
 * from 1 % up, two below, so a ratio near the 1 % criterion stays visible; exactly 0 is `0 %`.
 */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct === 0) return '0 %';
  if (Math.abs(pct) >= 1) return `${formatFixed(pct, 1)} %`;
  if (Math.abs(pct) >= 0.01) return `${formatFixed(pct, 2)} %`;
  return '<0.01 %';
}

/** Formats a configured ratio as a percentage with no padding zeros: `0.01` → `1 %`, `0.025` → `2.5 %`. */
export function formatSetting(ratio: number): string {
  return `${setting.format(ratio * 100)} %`;
}

/** Formats milliseconds to three significant digits up to 1 s, whole ms above: `4.25 ms`, `48.1 ms`, `1,234 ms`. */
export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 100) return `${formatCount(ms)} ms`;
  if (abs >= 10) return `${formatFixed(ms, 1)} ms`;
  return `${formatFixed(ms, 2)} ms`;
}

/** The unit as people read it after a number. */
export function unitLabel(unit: Unit): string {
  switch (unit) {
    case 'connections':
      return 'connections';
    case 'rps':
      return 'req/s';
  }
}

/**
 * A load as a bare number: whole connections; req/s whole when whole (a configured or searched
 * load, `10`), else as {@link formatRate} (`412.5` → `413`, `37.25` → `37.3`).
 */
export function formatLoad(value: number, unit: Unit): string {
  switch (unit) {
    case 'connections':
      return formatCount(value);
    case 'rps':
      return Number.isInteger(value) ? formatCount(value) : formatRate(value);
  }
}

/** An offered load with its unit: `24 connections`, `1 connection`, `404 req/s`. */
export function formatOffered(value: number, unit: Unit): string {
  switch (unit) {
    case 'connections':
      return `${formatCount(value)} ${value === 1 ? 'connection' : 'connections'}`;
    case 'rps':
      return `${formatLoad(value, unit)} req/s`;
  }
}

/** The steps by offered load, ascending; steps at the same load keep the order they ran in. */
export function sortByOffered(steps: readonly StepResult[]): StepResult[] {
  return [...steps].sort((a, b) => a.offered - b.offered || a.index - b.index);
}

/** Entries of a count table, largest first (ties by name, so the order is stable). */
export function largestFirst(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** The largest entry of a count table, or null when it has none above zero. */
export function topEntry(counts: Record<string, number>): [string, number] | null {
  const first = largestFirst(counts)[0];
  return first !== undefined && first[1] > 0 ? first : null;
}

/** Sum of a count table. */
export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/**
 * The criterion as the end of the sentence "a step fails when …" (DESIGN.md §4):
 * `at least 1 % of its requests fail (502, client errors, lost)`.
 */
export function describeCriterion(criterion: { failureRatio: number; statuses: readonly number[] }): string {
  const statuses = criterion.statuses.length > 0 ? `${criterion.statuses.join('/')}, ` : '';
  return `at least ${formatSetting(criterion.failureRatio)} of its requests fail (${statuses}client errors, lost)`;
}

/** Ends `text` with a full stop unless it already ends a sentence (report text such as a theory basis may or may not). */
export function asSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
