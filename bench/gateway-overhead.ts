/**
 * `gateway-overhead`: what the gateway fixture costs. A healthy upstream (S = 0, answers at once)
 * is driven with the real closed-loop driver at {@link CONNECTIONS} connections for
 * {@link STEP_MS} ms, first directly, then through the gateway; each after a short warm-up.
 *
 * Both fixtures run as child processes (`forkUpstream`, `forkGateway`), as in a real run, so the
 * gateway's CPU per request can be read from `/proc/<pid>/stat` apart from the driver's (this
 * process). Target: the gateway sustains ≥ 3,000 req/s on this 2-core machine; the default
 * scenario needs ~1–3k (C / S = 400 req/s of goodput, plus fast 502s above the onset).
 */
import type { GatewayStats } from '../fixtures/common/protocol.ts';
import { DEFAULTS } from '../harness/config/defaults.ts';
import { closedStep } from './closed-step.ts';
import type { StepObservation } from '../harness/load/driver.ts';
import { formatCount, formatFixed, formatMs, formatRate } from '../harness/format.ts';
import { forkGateway, forkUpstream, type FixtureProcess } from '../harness/runner/fixtures.ts';
import { generatorVerdict } from '../harness/stats/criterion.ts';
import { infoCheck, targetCheck, type Benchmark, type BenchContext, type Check } from './benchmark.ts';
import { cpuSince, formatCores, readCpu } from './proc-cpu.ts';

const CONNECTIONS = 16;
const STEP_MS = 2000;
/** autocannon runs whole seconds: one second opens the connections and warms the JIT. */
const WARM_UP_MS = 1000;
/** req/s the gateway must sustain (the default scenario needs ~1–3k). */
const TARGET_RPS = 3000;

/** The two fixture processes, whose CPU is read around each measured step. */
interface Fixtures {
  upstream: { pid: number };
  gateway: { pid: number };
}

/** The `gateway-overhead` benchmark (see the module comment). */
export const gatewayOverhead: Benchmark = {
  name: 'gateway-overhead',
  summary: `req/s, p50/p99 and CPU per request of a healthy upstream (S = 0), direct vs through the gateway, ${CONNECTIONS} connections`,
  budgetMs: 45_000,
  async run(context) {
    const upstream = await forkUpstream({ ...DEFAULTS.upstream, serviceMs: 0, seed: 1 });
    let gateway: FixtureProcess<GatewayStats> | undefined;
    try {
      gateway = await forkGateway({ ...DEFAULTS.gateway, upstreamUrl: upstream.url, upstreamKeepAliveTimeoutMs: DEFAULTS.upstream.keepAliveTimeoutMs });
      const fixtures = { upstream, gateway };
      const direct = await measure('direct', upstream.url, fixtures, context);
      const proxied = await measure('via gateway', gateway.url, fixtures, context);
      return checks(direct, proxied);
    } finally {
      await gateway?.stop();
      await upstream.stop();
    }
  },
};

interface Measured {
  observation: StepObservation;
  rps: number;
  /** CPU ms the gateway used during the measured step (null without /proc). */
  gatewayCpuMs: number | null;
}

/** A warm-up step, then the measured one, with the fixtures' and the machine's CPU read around it. */
async function measure(label: string, url: string, fixtures: Fixtures, context: BenchContext): Promise<Measured> {
  const step = (durationMs: number): Promise<StepObservation> => closedStep(url, CONNECTIONS, durationMs, context.signal);
  await step(WARM_UP_MS);
  const before = readCpu([fixtures.upstream.pid, fixtures.gateway.pid]);
  const observation = await step(STEP_MS);
  const used = cpuSince(before);
  const wallMs = observation.durationMs;
  const gatewayCpuMs = used.processes.get(fixtures.gateway.pid) ?? null;
  const parts = [
    { name: 'driver', ms: observation.generator.cpu * wallMs },
    { name: 'upstream', ms: used.processes.get(fixtures.upstream.pid) ?? null },
    { name: 'gateway', ms: gatewayCpuMs },
  ];
  const rps = wallMs > 0 ? (observation.completed * 1000) / wallMs : 0;
  const ok = observation.latencyMs.ok;
  const health = generatorVerdict(observation.generator);
  context.note(
    `${label}: ${formatCount(observation.completed)} responses in ${formatMs(wallMs)} = ${formatRate(rps)} req/s, ` +
      `p50 ${ok === null ? 'n/a' : formatMs(ok.p50)}, p99 ${ok === null ? 'n/a' : formatMs(ok.p99)}; ${formatCores(parts, used.machineMs, wallMs)}` +
      (health.valid ? '' : ` (${health.invalidReason ?? 'generator limited'})`),
  );
  return { observation, rps, gatewayCpuMs };
}

function checks(direct: Measured, proxied: Measured): Check[] {
  const latency = (m: Measured): string => {
    const ok = m.observation.latencyMs.ok;
    return ok === null ? 'n/a' : `${formatMs(ok.p50)} / ${formatMs(ok.p99)}`;
  };
  const failures = proxied.observation.errored + proxied.observation.lost + nonOk(proxied.observation.status);
  const gatewayCpu = proxied.gatewayCpuMs;
  const durationS = proxied.observation.durationMs / 1000;
  const cpuPerRequest =
    gatewayCpu === null || proxied.observation.completed === 0
      ? 'n/a (no /proc)'
      : `${formatCount((gatewayCpu * 1000) / proxied.observation.completed)} µs (${formatFixed(gatewayCpu / 1000 / durationS, 2)} core)`;
  const slower = (proxied.observation.latencyMs.ok?.p50 ?? 0) - (direct.observation.latencyMs.ok?.p50 ?? 0);
  return [
    targetCheck(`gateway req/s, ${CONNECTIONS} conn`, formatRate(proxied.rps), `≥ ${formatCount(TARGET_RPS)}`, proxied.rps >= TARGET_RPS),
    targetCheck('gateway failures (healthy upstream)', formatCount(failures), '0', failures === 0),
    infoCheck(`direct req/s, ${CONNECTIONS} conn`, formatRate(direct.rps)),
    infoCheck('p50 / p99 direct', latency(direct)),
    infoCheck('p50 / p99 via gateway', latency(proxied), `p50 +${formatMs(slower)} vs direct`),
    infoCheck('gateway CPU per request', cpuPerRequest),
  ];
}

/** Responses other than 2xx. */
function nonOk(status: Record<string, number>): number {
  return Object.entries(status).reduce((sum, [code, count]) => (/^2\d\d$/.test(code) ? sum : sum + count), 0);
}
