/**
 * bench/results.json: the latest figures of every benchmark, with the machine they came from.
 * A run of some benchmarks replaces their entries and keeps the others', each entry dated, so
 * the file always holds the last measurement of each.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Check } from './benchmark.ts';
import type { MachineFacts } from './machine.ts';
import type { BenchOutcome } from './table.ts';

/** One benchmark's latest figures. */
export interface BenchEntry {
  measuredAt: string;
  machine: MachineFacts;
  wallMs: number;
  checks: Check[];
}

/** The file's shape. */
export interface BenchResults {
  kind: 'overload-bench-results';
  version: 1;
  benchmarks: Record<string, BenchEntry>;
}

/** The results with `outcomes` measured now on `machine` in place of their previous entries. Pure. */
export function mergeResults(previous: BenchResults | null, outcomes: readonly BenchOutcome[], machine: MachineFacts, measuredAt: string): BenchResults {
  const benchmarks = { ...(previous?.benchmarks ?? {}) };
  for (const outcome of outcomes) benchmarks[outcome.name] = { measuredAt, machine, wallMs: Math.round(outcome.wallMs), checks: outcome.checks };
  return { kind: 'overload-bench-results', version: 1, benchmarks };
}

/** Reads the file, or null when it is missing or not a results file (it is then rewritten whole). */
export async function readResults(path: string): Promise<BenchResults | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<BenchResults>;
    return parsed.kind === 'overload-bench-results' && parsed.version === 1 && typeof parsed.benchmarks === 'object' ? (parsed as BenchResults) : null;
  } catch {
    return null;
  }
}

/** Writes the file whole or not at all (a temporary file renamed over it). */
export async function writeResults(path: string, results: BenchResults): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(results, null, 2)}\n`);
  await rename(temporary, path);
}
