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

/** The same tally with its keys ordered by count, largest first (ties by key, for stable output). */
export function sortCounts(tally: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(tally).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

/** The total of a tally. */
export function totalCount(tally: Readonly<Record<string, number>>): number {
  return Object.values(tally).reduce((sum, value) => sum + value, 0);
}
