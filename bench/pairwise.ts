/**
 * Side-by-side measurement on a shared, noisy machine: run A and B alternately (A B A B …), so a
 * neighbour's burst or a CPU frequency change hits both alike, and report the median of the
 * per-pair ratios A/B rather than a ratio of means (one bad pair moves a median by one rank).
 * Pure but for the two measuring functions it is given.
 */
import { median } from 'simple-statistics';

/** The figures of each side, pair by pair, and their medians. */
export interface Paired {
  a: number[];
  b: number[];
  /** a[i] / b[i], pair by pair. */
  ratios: number[];
  medianA: number;
  medianB: number;
  medianRatio: number;
}

/**
 * Measures `pairs` times A then B and returns every figure with the medians; stops early (with
 * the pairs measured so far) when `signal` aborts. Throws when not one pair was measured.
 */
export async function alternate(pairs: number, a: () => Promise<number>, b: () => Promise<number>, signal?: AbortSignal): Promise<Paired> {
  const figuresA: number[] = [];
  const figuresB: number[] = [];
  const stopped = (): boolean => signal?.aborted === true;
  for (let pair = 0; pair < pairs && !stopped(); pair++) {
    const figureA = await a();
    if (stopped()) break;
    const figureB = await b();
    figuresA.push(figureA);
    figuresB.push(figureB);
  }
  return pairedFigures(figuresA, figuresB);
}

/** The medians and ratios of figures measured pairwise. */
export function pairedFigures(a: readonly number[], b: readonly number[]): Paired {
  if (a.length === 0 || a.length !== b.length) throw new Error(`pairwise figures need as many A as B, at least one (got ${a.length} and ${b.length})`);
  const ratios = a.map((figure, index) => figure / (b[index] ?? Number.NaN));
  return { a: [...a], b: [...b], ratios, medianA: median([...a]), medianB: median([...b]), medianRatio: median(ratios) };
}
