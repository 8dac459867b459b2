/**
 * `closed-overhead`: what overload's closed-loop driver costs over the tool it wraps. The driver
 * (harness/load/closed-driver.ts) is autocannon plus our own per-request accounting (float
 * latencies in HDR histograms, the client tally, the generator monitor); this benchmark divides
 * its request rate by that of autocannon's own CLI (`node_modules/.bin/autocannon --json`), both
 * against the same trivial server (`echo-server.ts`, a child process answering 200 at once, so
 * the client is what limits the rate), with the same {@link CONNECTIONS} connections.
 *
 * Fair to both: each measurement is a {@link WARM_UP_S} s warm-up on fresh connections (ours a
 * separate step, autocannon's `--warmup [ -c 32 -d 1 ]`), then a {@link DURATION_S} s measured
 * run on fresh connections, and only the measured run counts: ours `window.completed /
 * durationMs` (responses inside the step's window over the window), autocannon's `requests.total
 * / duration` of its measured run (autocannon-cli.ts), which excludes its warm-up and its
 * process start. The driver runs in this process, as in a real run (a warm JIT after the first
 * pair); autocannon starts a new process each time, as a user runs it, hence the warm-up. The
 * pairs run A B A B … (pairwise.ts) so that a neighbour's burst hits both alike; the figure is
 * the median of the per-pair ratios. Target: ≥ {@link TARGET_RATIO}.
 *
 * Each side's CPU per response is shown too: ours from the step's generator monitor, autocannon's
 * from `/proc/<pid>/stat` sampled while it runs (cpu-samples.ts).
 */
import { median } from 'simple-statistics';
import { closedStep } from './closed-step.ts';
import type { StepObservation } from '../harness/load/driver.ts';
import { formatCount, formatFixed, formatRate } from '../harness/format.ts';
import { runAutocannonCli } from './autocannon-cli.ts';
import { infoCheck, targetCheck, type Benchmark, type BenchContext, type Check } from './benchmark.ts';
import { forkEchoServer, type EchoServer } from './echo-child.ts';
import { alternate, pairedFigures } from './pairwise.ts';
import { cpuSince, formatCores, readCpu } from './proc-cpu.ts';

const CONNECTIONS = 32;
const DURATION_S = 3;
const WARM_UP_S = 1;
const PAIRS = 5;
/** overload's req/s over autocannon's: the wrapper may cost at most 5 %. */
const TARGET_RATIO = 0.95;

/** One side's measured run. */
interface Side {
  rps: number;
  responses: number;
  /** Responses other than 2xx, and client errors. */
  failures: number;
  /** CPU ms of the load generator over the measured run, null where unreadable. */
  cpuMs: number | null;
}

/** The `closed-overhead` benchmark (see the module comment). */
export const closedOverhead: Benchmark = {
  name: 'closed-overhead',
  summary: `req/s of overload's closed-loop driver over autocannon's CLI against a server that answers at once, ${CONNECTIONS} connections, ${PAIRS} pairs`,
  budgetMs: 90_000,
  async run(context) {
    const server = await forkEchoServer();
    try {
      const ours: Side[] = [];
      const theirs: Side[] = [];
      const paired = await alternate(
        PAIRS,
        async () => record(ours, await measureOurs(server, context)),
        async () => record(theirs, await measureAutocannon(server, context)),
        context.signal,
      );
      // A side cut off by the budget reads NaN: keep only the pairs measured whole.
      const whole = paired.a.map((a, index) => [a, paired.b[index] ?? Number.NaN] as const).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
      if (whole.length === 0) return [{ metric: 'req/s ratio', measured: 'no whole pair measured', target: `≥ ${TARGET_RATIO}`, verdict: 'ERROR' }];
      const figures = pairedFigures(
        whole.map(([a]) => a),
        whole.map(([, b]) => b),
      );
      return checks(figures, ours.slice(0, whole.length), theirs.slice(0, whole.length), context);
    } finally {
      await server.stop();
    }
  },
};

/** Keeps a side's details and hands its rate to `alternate` (NaN when it was cut off). */
function record(sides: Side[], side: Side | null): number {
  if (side === null) return Number.NaN;
  sides.push(side);
  return side.rps;
}

async function measureOurs(server: EchoServer, context: BenchContext): Promise<Side | null> {
  const step = (durationMs: number): Promise<StepObservation> => closedStep(server.url, CONNECTIONS, durationMs, context.signal);
  await step(WARM_UP_S * 1000);
  const before = readCpu([server.pid]);
  const observation = await step(DURATION_S * 1000);
  const used = cpuSince(before);
  if (context.signal.aborted) return null;
  // The generator monitor covers the window and the (short) tail.
  const stepMs = observation.durationMs + observation.tailMs;
  const cpuMs = observation.generator.cpu * stepMs;
  const rps = observation.durationMs > 0 ? (observation.window.completed * 1000) / observation.durationMs : 0;
  const failures = observation.errored + observation.lost + (observation.completed - countOk(observation.status));
  context.note(
    `overload:   ${formatCount(observation.window.completed)} responses in ${observation.durationMs} ms = ${formatRate(rps)} req/s; ` +
      formatCores([{ name: 'driver', ms: cpuMs }, { name: 'server', ms: used.processes.get(server.pid) ?? null }], used.machineMs, stepMs),
  );
  return { rps, responses: observation.completed, failures, cpuMs };
}

async function measureAutocannon(server: EchoServer, context: BenchContext): Promise<Side | null> {
  const outcome = await runAutocannonCli({ url: `${server.url}/`, connections: CONNECTIONS, durationS: DURATION_S, warmUpS: WARM_UP_S, signal: context.signal });
  if (outcome === null) return null;
  const { run, cpuMs } = outcome;
  context.note(
    `autocannon: ${formatCount(run.responses)} responses in ${run.durationMs} ms = ${formatRate(run.rps)} req/s; ` +
      `cores: autocannon ${cpuMs === null ? 'n/a' : formatFixed(cpuMs / run.durationMs, 2)}`,
  );
  return { rps: run.rps, responses: run.responses, failures: run.non2xx + run.errors, cpuMs };
}

function checks(figures: ReturnType<typeof pairedFigures>, ours: readonly Side[], theirs: readonly Side[], context: BenchContext): Check[] {
  const raw = figures.a.map((a, index) => ({
    overloadRps: Math.round(a),
    autocannonRps: Math.round(figures.b[index] ?? 0),
    ratio: round3(figures.ratios[index] ?? 0),
    overloadCpuMs: roundOrNull(ours[index]?.cpuMs),
    autocannonCpuMs: roundOrNull(theirs[index]?.cpuMs),
  }));
  context.note(`ratios pair by pair: ${figures.ratios.map((ratio) => formatFixed(ratio, 3)).join(', ')}`);
  const failures = [...ours, ...theirs].reduce((sum, side) => sum + side.failures, 0);
  return [
    targetCheck(
      `overload / autocannon req/s, ${CONNECTIONS} conn`,
      `${formatFixed(figures.medianRatio, 3)} (median of ${figures.ratios.length} pair${figures.ratios.length === 1 ? '' : 's'}; overload ${formatRate(figures.medianA)}, autocannon ${formatRate(figures.medianB)} req/s)`,
      `≥ ${TARGET_RATIO}`,
      figures.medianRatio >= TARGET_RATIO,
      { connections: CONNECTIONS, durationS: DURATION_S, warmUpS: WARM_UP_S, pairs: raw },
    ),
    infoCheck('CPU per response (median)', `overload ${cpuPerResponse(ours)}, autocannon ${cpuPerResponse(theirs)}`),
    targetCheck('failures (non-2xx, errors, lost), both sides', formatCount(failures), '0', failures === 0),
  ];
}

/** The median CPU µs per response over the runs where it was read. */
function cpuPerResponse(sides: readonly Side[]): string {
  const values = sides.flatMap((side) => (side.cpuMs === null || side.responses === 0 ? [] : [(side.cpuMs * 1000) / side.responses]));
  return values.length === 0 ? 'n/a' : `${formatFixed(median(values), 1)} µs`;
}

function countOk(status: Record<string, number>): number {
  return Object.entries(status).reduce((sum, [code, count]) => (/^2\d\d$/.test(code) ? sum + count : sum), 0);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function roundOrNull(value: number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(value);
}
