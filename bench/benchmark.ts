/**
 * What a benchmark is, and what it hands back: a list of {@link Check}s, each a measured figure
 * beside its target and a verdict. Benchmarks report; they never fail CI (the machines are shared
 * and noisy), so a MISS is information for a person, and only `bench/run.ts` prints.
 */

/**
 * PASS / MISS: the figure met its target or not. INFO: a figure shown for context, with no
 * target of its own. ERROR: the benchmark could not measure (it threw, or ran out of time).
 */
export type Verdict = 'PASS' | 'MISS' | 'INFO' | 'ERROR';

/** One measured figure. `measured` and `target` are already formatted for people. */
export interface Check {
  metric: string;
  measured: string;
  target: string;
  verdict: Verdict;
  /** The raw figures behind `measured` (each pair's, each rate's…), written to bench/results.json. */
  raw?: unknown;
}

/** What the runner gives a benchmark. */
export interface BenchContext {
  /** Aborted when the benchmark's time budget is spent: stop the load, return what was measured. */
  signal: AbortSignal;
  /** Prints one line of detail under the benchmark's heading (progress, raw figures). */
  note(line: string): void;
}

/** One benchmark: `npm run bench -- <name>` runs it alone. */
export interface Benchmark {
  name: string;
  /** One line: what it measures and why. */
  summary: string;
  /** The runner aborts `signal` after this long; keep it well above the usual run time. */
  budgetMs: number;
  run(context: BenchContext): Promise<Check[]>;
}

/** A check with a target: PASS when `ok`, else MISS; `raw` goes to bench/results.json. */
export function targetCheck(metric: string, measured: string, target: string, ok: boolean, raw?: unknown): Check {
  return { metric, measured, target, verdict: ok ? 'PASS' : 'MISS', ...(raw === undefined ? {} : { raw }) };
}

/** A figure shown for context; `reference` says what to compare it with, if anything. */
export function infoCheck(metric: string, measured: string, reference = '—', raw?: unknown): Check {
  return { metric, measured, target: reference, verdict: 'INFO', ...(raw === undefined ? {} : { raw }) };
}

/** Whether `measured` lies within `tolerance` (a ratio: 0.01 = 1 %) of `expected`. */
export function withinRatio(measured: number, expected: number, tolerance: number): boolean {
  return Math.abs(measured - expected) <= tolerance * expected;
}

/** The signed relative error of `measured` against `expected`, as `+0.42 %`. */
export function formatDeviation(measured: number, expected: number): string {
  const pct = ((measured - expected) / expected) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(2)} %`;
}
