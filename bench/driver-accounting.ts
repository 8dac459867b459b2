/**
 * `driver-accounting`: the closed-loop driver's own ceiling. It drives a trivial node:http server
 * (`bench/echo-server.ts`, in a child process so that it does not share this event loop) that
 * answers at once, with 1, 16 and 64 connections for {@link STEP_MS} ms each, and reads its own
 * CPU share from the step's generator health (`harness/load/generator-monitor.ts`).
 *
 * Why: a step where the generator used more than {@link GENERATOR_CPU_LIMIT} of a core is
 * marked invalid (DESIGN.md §3, generator self-check). The req/s at which the driver reaches
 * that share is the rate above which the generator, not the gateway, is the bottleneck; it must
 * sit above the gateway's target (3,000 req/s, `gateway-overhead`) for that benchmark to mean
 * anything. The estimate assumes the driver's CPU grows in proportion to its rate.
 */
import { closedStep } from './closed-step.ts';
import type { StepObservation } from '../harness/load/driver.ts';
import { formatCount, formatFixed, formatRate } from '../harness/format.ts';
import { GENERATOR_CPU_LIMIT, generatorVerdict } from '../harness/stats/criterion.ts';
import { infoCheck, targetCheck, type Benchmark, type BenchContext, type Check } from './benchmark.ts';
import { forkEchoServer } from './echo-child.ts';
import { cpuSince, formatCores, readCpu } from './proc-cpu.ts';

const CONNECTIONS = [1, 16, 64] as const;
/** The connection count `gateway-overhead` uses: its ceiling is the one that matters. */
const REFERENCE_CONNECTIONS = 16;
const STEP_MS = 2000;
const WARM_UP_MS = 1000;
/** The gateway's target in `gateway-overhead`: the driver must reach it with CPU to spare. */
const TARGET_RPS = 3000;

/** The `driver-accounting` benchmark (see the module comment). */
export const driverAccounting: Benchmark = {
  name: 'driver-accounting',
  summary: `the closed-loop driver's own ceiling against a server that answers at once (${CONNECTIONS.join(', ')} connections) and its CPU share`,
  budgetMs: 30_000,
  async run(context) {
    const server = await forkEchoServer();
    try {
      await drive(server.url, REFERENCE_CONNECTIONS, WARM_UP_MS, context);
      const checks: Check[] = [];
      let reference: StepObservation | undefined;
      for (const connections of CONNECTIONS) {
        const before = readCpu([server.pid]);
        const observation = await drive(server.url, connections, STEP_MS, context);
        const used = cpuSince(before);
        const rps = rate(observation);
        const { cpu } = observation.generator;
        const health = generatorVerdict(observation.generator);
        const parts = [
          { name: 'driver', ms: cpu * observation.durationMs },
          { name: 'server', ms: used.processes.get(server.pid) ?? null },
        ];
        context.note(
          `${connections} conn: ${formatCount(observation.completed)} responses = ${formatRate(rps)} req/s, ` +
            `driver event-loop p99 ${formatFixed(observation.generator.eventLoopDelayP99Ms, 1)} ms; ${formatCores(parts, used.machineMs, observation.durationMs)}` +
            (health.valid ? '' : `; ${health.invalidReason ?? 'generator limited'}`),
        );
        const measured = `${formatRate(rps)} (driver ${formatFixed(cpu, 2)} core)`;
        if (connections === REFERENCE_CONNECTIONS) {
          reference = observation;
          checks.push(targetCheck(`driver req/s, ${connections} conn`, measured, `≥ ${formatCount(TARGET_RPS)} (gateway target)`, rps >= TARGET_RPS));
        } else {
          checks.push(infoCheck(`driver req/s, ${connections} conn`, measured));
        }
      }
      if (reference !== undefined && reference.generator.cpu > 0) {
        // Where the driver would reach the self-check's CPU limit, CPU taken as proportional to rate.
        const bound = (rate(reference) * GENERATOR_CPU_LIMIT) / reference.generator.cpu;
        checks.push(
          infoCheck(
            `generator-bound above (${REFERENCE_CONNECTIONS} conn)`,
            `≈ ${formatRate(bound)} req/s`,
            `driver at ${formatFixed(GENERATOR_CPU_LIMIT * 100, 0)} % CPU: invalid above`,
          ),
        );
      }
      return checks;
    } finally {
      await server.stop();
    }
  },
};

function drive(url: string, connections: number, durationMs: number, context: BenchContext): Promise<StepObservation> {
  return closedStep(url, connections, durationMs, context.signal);
}

function rate(observation: StepObservation): number {
  return observation.durationMs > 0 ? (observation.completed * 1000) / observation.durationMs : 0;
}
