/**
 * `npm run bench [-- <name>...]`: runs the benchmarks (all, or the named ones) one after another,
 * prints each one's figures as it finishes, then a summary table. Speed and accuracy targets
 * live here rather than in timed tests because the machines are shared and noisy: a MISS is
 * reported, and the exit code is 0 whatever was measured (2 only for an unknown name).
 *
 * Each benchmark has a time budget; when it is spent the benchmark's signal aborts, its load
 * stops, and it returns what it measured. Everything listens on 127.0.0.1, port 0.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Benchmark, Check } from './benchmark.ts';
import { closedOverhead } from './closed-overhead.ts';
import { defaultScenario } from './default-scenario.ts';
import { driverAccounting } from './driver-accounting.ts';
import { gatewayOverhead } from './gateway-overhead.ts';
import { gatewayVsNginx } from './gateway-vs-nginx.ts';
import { pacerCapacity } from './pacer-capacity.ts';
import { pacing } from './pacing.ts';
import { serviceTime } from './service-time.ts';
import { timeToOnset } from './time-to-onset.ts';
import { renderSummary, type BenchOutcome } from './table.ts';
import { machineFacts } from './machine.ts';
import { memory } from './memory.ts';
import { mergeResults, readResults, writeResults } from './results.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The latest figures of every benchmark (bench/results.ts). */
const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

/** Every benchmark, in the order `npm run bench` runs them. */
export const BENCHMARKS: readonly Benchmark[] = [serviceTime, gatewayOverhead, driverAccounting, pacing, defaultScenario, pacerCapacity, gatewayVsNginx, closedOverhead, memory, timeToOnset];

/** How long the process may linger after the summary (an unclosed handle) before it exits anyway. */
const EXIT_GRACE_MS = 5000;

const print = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    print(usage());
    return;
  }
  const unknown = args.filter((name) => !BENCHMARKS.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`Error: unknown benchmark${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}\n${usage()}\n`);
    process.exitCode = 2;
    return;
  }
  const selected = args.length === 0 ? BENCHMARKS : BENCHMARKS.filter((bench) => args.includes(bench.name));
  const machine = machineFacts();
  print(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.kernel}; node ${machine.node}; ${Object.entries(machine.tools).map(([tool, version]) => `${tool} ${version ?? 'absent'}`).join(', ')}`);
  const outcomes: BenchOutcome[] = [];
  for (const bench of selected) outcomes.push(await runOne(bench));
  print('');
  print(renderSummary(outcomes));
  await writeResults(RESULTS_PATH, mergeResults(await readResults(RESULTS_PATH), outcomes, machine, new Date().toISOString()));
  print(`\nfigures written to ${path.relative(process.cwd(), RESULTS_PATH)}`);
}

/** Runs one benchmark under its budget; an exception or an exceeded budget becomes an ERROR check. */
async function runOne(bench: Benchmark): Promise<BenchOutcome> {
  print('');
  print(`== ${bench.name}: ${bench.summary}`);
  const controller = new AbortController();
  // A benchmark hands the signal to each of its concurrent requests (16 in service-time): more
  // than Node's default 10 listeners is expected here, not a leak.
  setMaxListeners(256, controller.signal);
  const budget = setTimeout(() => controller.abort(), bench.budgetMs);
  const startedAt = performance.now();
  let checks: Check[];
  try {
    checks = await bench.run({ signal: controller.signal, note: (line) => print(`   ${line}`) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    checks = [{ metric: 'run', measured: `failed: ${message.split('\n')[0] ?? ''}`, target: 'completes', verdict: 'ERROR' }];
  } finally {
    clearTimeout(budget);
  }
  if (controller.signal.aborted) {
    checks.push({ metric: 'time budget', measured: `spent (${bench.budgetMs / 1000} s): figures are partial`, target: `< ${bench.budgetMs / 1000} s`, verdict: 'ERROR' });
  }
  for (const check of checks) print(`   ${check.verdict.padEnd(5)} ${check.metric}: ${check.measured} (target ${check.target})`);
  return { name: bench.name, wallMs: performance.now() - startedAt, checks };
}

function usage(): string {
  const names = BENCHMARKS.map((bench) => `  ${bench.name.padEnd(18)} ${bench.summary}`).join('\n');
  return `Usage: npm run bench [-- <name>...]\n\nBenchmarks (all by default):\n${names}`;
}

await main(process.argv.slice(2));
// Every benchmark closes what it opened; if a handle was missed anyway, do not hang CI over it.
setTimeout(() => {
  process.stderr.write(`bench: something was still open ${EXIT_GRACE_MS / 1000} s after the summary; exiting anyway\n`);
  process.exit();
}, EXIT_GRACE_MS).unref();
