/**
 * How a problem speaks of a bad input (STYLE.md example 5: path, value, fix): the value as shown
 * to the user, and the name the user probably meant when a key, an enum value or a scenario name
 * is not one we know (`wokers` → `workers`).
 */
import type { Problem } from '../errors.ts';

/** Renders a bad value for a problem: JSON, cut short when long. */
export function show(value: unknown): string {
  const text = typeof value === 'function' ? '[function]' : (JSON.stringify(value) as string | undefined) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The problem with `value` set (rendered by {@link show}), or without one when there is none. */
export function withValue(problem: Problem, value: unknown): Problem {
  return value === undefined ? problem : { ...problem, value: show(value) };
}

/**
 * The candidate nearest to `word` by edit distance (case-insensitive), if it is close enough to be
 * a typo: see {@link closeMatches}.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  return closeMatches(word, candidates, 1)[0];
}

/**
 * Up to `limit` candidates within typo distance of `word` (one edit per four characters, at least
 * one; case-insensitive), nearest first.
 */
export function closeMatches(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(1, Math.floor(word.length / 4));
  return [...candidates]
    .map((candidate) => ({ candidate, d: distance(word.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ d }) => d <= threshold)
    .sort((a, b) => a.d - b.d)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/**
 * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so the
 * usual typos (`ngnix`, `wokers`, `Workers`) are all one edit away.
 */
function distance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { row.push(j); continue; }
      const up = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
