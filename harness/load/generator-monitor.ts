/**
 * The load generator's own health over one step (DESIGN.md §3, "Generator self-check"): the CPU
 * share of this process and the p99 delay of its event loop. On a 2-core machine the generator,
 * the gateway and the upstream share the cores, so a step where the generator itself ran out of
 * CPU or stalled measures the generator, not the gateway.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { GeneratorHealth } from '../report/schema.ts';

/** Sampling resolution of the event-loop delay histogram, in ms (Node's default is 10). */
const EVENT_LOOP_RESOLUTION_MS = 10;

export interface GeneratorMonitor {
  /** Stops sampling and returns what was seen since `startGeneratorMonitor()`. */
  stop(): GeneratorHealth;
}

/** Starts measuring this process's CPU share and event-loop delay. */
export function startGeneratorMonitor(): GeneratorMonitor {
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  delay.enable();
  return {
    stop(): GeneratorHealth {
      delay.disable();
      const wallMs = Math.max(performance.now() - startedAt, 1);
      const cpu = process.cpuUsage(cpuAtStart);
      // The histogram records each sampling timer's whole interval in ns (an idle loop reads
      // ~10.2 ms at a 10 ms resolution here), so the delay is what exceeds the resolution.
      const beyondResolution = (ns: number): number => (delay.count > 0 ? Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) : 0);
      return {
        cpu: round3((cpu.user + cpu.system) / 1000 / wallMs),
        eventLoopDelayP99Ms: round3(beyondResolution(delay.percentile(99))),
        eventLoopDelayMaxMs: round3(beyondResolution(delay.max)),
        sendLagP99Ms: null,
      };
    },
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
