/** Small pure helpers for `{ key: count }` tallies (statuses, causes, error codes). */

/** What `after` added to `before`, keeping only keys that grew. */
export function diffCounts(after: Readonly<Record<string, number | undefined>>, before: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const grown = (value ?? 0) - (before[key] ?? 0);
    if (grown > 0) diff[key] = grown;
  }
  return diff;
}

/** The sum of several tallies. */
export function addCounts(tallies: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const tally of tallies) {
    for (const [key, value] of Object.entries(tally)) sum[key] = (sum[key] ?? 0) + value;
  }
  return sum;
}

/**
 * The entries of a tally, largest count first (ties by key, so the order is stable). Entries, not
 * an object: an object would list integer-like keys (statuses such as `502`) in ascending order
 * whatever order they were inserted in.
 */
export function largestFirst(tally: Readonly<Record<string, number>>): [string, number][] {
  return Object.entries(tally).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/**
 * The same tally with its keys ordered by count, largest first (ties by key), for output such as
 * the report's `causes`. Only for keys that are not integer-like (see {@link largestFirst}).
 */
export function sortCounts(tally: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(largestFirst(tally));
}

/** The total of a tally. */
export function totalCount(tally: Readonly<Record<string, number>>): number {
  return Object.values(tally).reduce((sum, value) => sum + value, 0);
}

/**
 * The largest entry of a tally (ties: the first key by name) and its share of the total; null when
 * no count is above zero.
 */
export function topCount(tally: Readonly<Record<string, number>>): { key: string; count: number; share: number } | null {
  const top = largestFirst(tally)[0];
  if (top === undefined || top[1] <= 0) return null;
  return { key: top[0], count: top[1], share: top[1] / totalCount(tally) };
}
