/**
 * The result of comparing two reports (DESIGN.md §6, `overload compare`): what `compare.ts`
 * returns and what the comparison renderers (text, markdown, json) and the junit renderer read.
 * Types only; the logic is in `compare.ts`.
 */
import type { LoadUnit } from '../format.ts';

/** The metrics compared, each per DESIGN.md §6; a timeline's are the share of requests failed and the slowest recovery. */
export type MetricName = 'onset' | 'maxGoodput' | 'p99Latency' | 'failureShare' | 'recoveryMs';

/** What became of one metric between the baseline and the current run. */
export type MetricVerdict = 'regressed' | 'improved' | 'unchanged' | 'insufficient-data';

/**
 * The values of one metric in one report: one value per trial (`--repeat`), or one value with its
 * measurement bracket (an onset's low..high). `low` ≤ `median` ≤ `high`.
 */
export interface MetricInterval {
  low: number;
  median: number;
  high: number;
  /** How many trials gave a value. */
  trials: number;
}

/** One metric of the comparison, with the numbers that justify its verdict. */
export interface MetricComparison {
  metric: MetricName;
  /** The metric in words, e.g. `onset`, `max goodput`, `p99 latency at 20 connections`. */
  label: string;
  /** Unit of the values: `connections`, `req/s` or `ms`. */
  unit: string;
  /** True for onset and goodput; false for latency, where a rise is the regression. */
  higherIsBetter: boolean;
  baseline: MetricInterval | null;
  current: MetricInterval | null;
  /** (current − baseline) / baseline on the medians; null when either is missing or the baseline is 0. */
  change: number | null;
  verdict: MetricVerdict;
  /** One sentence with the numbers behind the verdict. */
  reason: string;
}

/** Which run a side of the comparison is. */
export interface ComparedRun {
  /** Where the report was read from, when it came from a file. */
  source: string | null;
  scenario: string;
  model: 'closed' | 'open';
  unit: LoadUnit;
  createdAt: string;
  toolVersion: string;
  environment: { node: string; platform: string; cpuModel: string; cpus: number };
  trials: number;
  interrupted: boolean;
}

/** The whole comparison. */
export interface Comparison {
  baseline: ComparedRun;
  current: ComparedRun;
  /** Relative tolerance, e.g. 0.05 for 5 %. */
  tolerance: number;
  metrics: MetricComparison[];
  /** Things a reader should know that do not change a verdict (another machine, an interrupted run). */
  warnings: string[];
  /** True when any metric regressed: `overload compare` exits 3. */
  regressed: boolean;
}
