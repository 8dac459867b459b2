/**
 * `overload compare --format json`: the {@link Comparison} as it is, for tools (a CI step that
 * reads `regressed`, a dashboard that plots `change`). Keys keep the order `compare` built them in.
 */
import type { Comparison } from '../comparison.ts';

/** Serializes the comparison with a 2-space indent and a trailing newline; writes nothing. */
export function render(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
