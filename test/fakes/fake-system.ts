/**
 * A fake gateway + upstream + driver behind the real interfaces, for runner and CLI tests that
 * must be exact and fast (STYLE.md example 11). It models the closed-loop theory exactly: no
 * failure while connections ≤ `limit`, and above it every excess connection spins on fast
 * `upstream_reset` 502s. Never reachable from the shipped CLI: it lives under test/.
 */
import type { Scenario } from '../../harness/config/scenario.ts';
import type { Driver, StepObservation, StepRequest } from '../../harness/load/driver.ts';
import type { FixtureLauncher, LaunchedFixtures } from '../../harness/runner/launch.ts';
import { quietGatewayStats, type GatewayStats, type UpstreamStats } from '../../fixtures/common/protocol.ts';

export interface FakeSystemOptions {
  /** Highest connection count with no failures (C + Q). */
  limit: number;
  /** 2xx per second the upstream serves (C / S). */
  capacityRps?: number;
  /** Requests each excess connection fails per second. */
  failuresPerExcessConnection?: number;
  /** Offered loads at which the generator reports itself saturated. */
  saturatedAt?: readonly number[];
  /** Called at the start of each step (e.g. to abort a run from a test). */
  onStep?: (offered: number) => void;
  /**
   * Open model: offered loads are req/s and `limit` is the capacity μ; above it the fluid model's
   * share 1 − μ/λ of the arrivals fails with upstream_reset.
   */
  model?: 'closed' | 'open';
}

/** One fake world shared by the driver and the fixtures, so their counters agree. */
export class FakeSystem {
  readonly offeredLoads: number[] = [];
  /** Every step request the driver received, as given. */
  readonly requests: StepRequest[] = [];
  launches = 0;
  stops = 0;
  private resets = 0;
  private served = 0;

  readonly driver: Driver;

  constructor(private readonly options: FakeSystemOptions) {
    this.driver = { model: options.model ?? 'closed', runStep: (request: StepRequest) => Promise.resolve(this.step(request)) };
  }

  readonly launcher: FixtureLauncher = {
    start: (_scenario: Scenario) => {
      this.launches++;
      const fixtures: LaunchedFixtures = {
        gatewayUrl: 'http://127.0.0.1:1',
        upstreamUrl: 'http://127.0.0.1:2',
        gateway: { stats: () => Promise.resolve(this.gatewayStats()) },
        upstream: { stats: () => Promise.resolve(this.upstreamStats()) },
        stop: () => {
          this.stops++;
          return Promise.resolve();
        },
      };
      return Promise.resolve(fixtures);
    },
  };

  private step(request: StepRequest): StepObservation {
    this.options.onStep?.(request.offered);
    this.offeredLoads.push(request.offered);
    this.requests.push(request);
    const seconds = request.durationMs / 1000;
    const open = this.options.model === 'open';
    const arrivals = Math.round(request.offered * seconds);
    const ok = open ? Math.min(arrivals, Math.round(this.options.limit * seconds)) : Math.round(Math.min(request.offered * 100, this.options.capacityRps ?? 400) * seconds);
    const excess = Math.max(0, request.offered - this.options.limit);
    const failed = open ? arrivals - ok : Math.round(excess * (this.options.failuresPerExcessConnection ?? 500) * seconds);
    this.resets += failed;
    this.served += ok;
    const saturated = this.options.saturatedAt?.includes(request.offered) ?? false;
    return {
      durationMs: request.durationMs,
      tailMs: 0,
      window: { completed: ok + failed, ok },
      sent: ok + failed + (open ? 0 : request.offered),
      completed: ok + failed,
      errored: 0,
      lost: 0,
      unfinished: open ? 0 : request.offered,
      late: 0,
      status: failed > 0 ? { '200': ok, '502': failed } : { '200': ok },
      gatewayGenerated: failed > 0 ? { '502': failed } : {},
      upstreamAnswered: {},
      errors: {},
      latencyMs: {
        ok: { count: ok, p50: 10, p90: 12, p99: 15, max: 20 },
        failed: failed > 0 ? { count: failed, p50: 0.5, p90: 0.8, p99: 1.2, max: 3 } : null,
        fromIntended: null,
      },
      generator: { cpu: saturated ? 0.99 : 0.2, eventLoopDelayP99Ms: saturated ? 120 : 1, eventLoopDelayMaxMs: saturated ? 300 : 5, sendLagP99Ms: null },
    };
  }

  private gatewayStats(): GatewayStats {
    return {
      ...quietGatewayStats(),
      received: this.served + this.resets,
      responses: { '200': this.served, '502': this.resets },
      generated: { '502': this.resets },
      causes: this.resets > 0 ? { upstream_reset: this.resets } : {},
    };
  }

  private upstreamStats(): UpstreamStats {
    return {
      inFlight: 0,
      inService: 0,
      queued: 0,
      peakQueued: 0,
      received: this.served + this.resets,
      served: this.served,
      shed: this.resets,
      serviceMsMeasured: 10,
      connections: 0,
    };
  }
}
