/**
 * The theory of a run, kept current as steps are measured: the model's formulas
 * (`stats/theory.ts`) with the upstream's measured mean service time S.
 *
 * S is measured over the valid steps where the upstream shed less than half of what it received.
 * Under heavy shedding the fixtures share the CPU with thousands of failures per second, which
 * delays their timers: measured, S rose to 12.6 ms with shed = 503 at 64 connections and would
 * have put the predicted capacity 20 % under the measured one. Steps that shed a little are kept:
 * with exponential service one step's mean has a standard error of S / √n (±5 % over 400
 * requests), so S needs every sample it can get. Before the first step S is unknown (null); the
 * closed-loop onset does not depend on it, the open-loop one does.
 */
import type { Scenario } from '../config/scenario.ts';
import type { Theory } from '../report/schema.ts';
import { closedLoopTheory, openLoopTheory, predictedClosedFailure, predictedOpenFailure, type OpenLoopInput } from '../stats/theory.ts';
import type { MeasuredStep } from './measure-step.ts';

interface ServiceTotals {
  served: number;
  totalMs: number;
}

export class TheoryTracker {
  private calm: ServiceTotals = { served: 0, totalMs: 0 };
  private all: ServiceTotals = { served: 0, totalMs: 0 };

  constructor(private readonly scenario: Scenario) {}

  /** Adds a measured step's service to S. */
  add(measured: MeasuredStep): void {
    const { served, totalMs } = measured.service;
    this.all = { served: this.all.served + served, totalMs: this.all.totalMs + totalMs };
    const shed = measured.step.fixtures?.upstreamShed ?? 0;
    // Shed less than half of what it received: shed < (served + shed) / 2, i.e. shed < served.
    if (measured.step.valid && shed < served) {
      this.calm = { served: this.calm.served + served, totalMs: this.calm.totalMs + totalMs };
    }
  }

  /** S so far, in ms, or null before anything was served. */
  serviceMs(): number | null {
    const basis = this.calm.served > 0 ? this.calm : this.all;
    return basis.served > 0 ? basis.totalMs / basis.served : null;
  }

  /** The model's theory with the current S. */
  theory(): Theory {
    const { scenario } = this;
    return scenario.model === 'closed'
      ? closedLoopTheory({ ...scenario.upstream, ...scenario.gateway, serviceMsMeasured: this.serviceMs(), maxConnections: scenario.caps.maxConnections, failureRatio: scenario.criterion.failureRatio })
      : openLoopTheory(this.openInput());
  }

  /**
   * The predicted failure ratio of a step at `offered`, or null where no formula applies. The open
   * model's formulas take the service time the upstream gave during that very step when known:
   * the realised S drifts with the load on the shared cores (measured with exponential service:
   * 10.9 ms at 160 req/s, ~10 ms near capacity), and the step is what is being predicted.
   */
  predict(offered: number, stepServiceMs: number | null = null): number | null {
    return this.scenario.model === 'closed'
      ? predictedClosedFailure(offered, this.theory())
      : predictedOpenFailure(offered, this.openInput(stepServiceMs ?? this.serviceMs()));
  }

  private openInput(serviceMs: number | null = this.serviceMs()): OpenLoopInput {
    const { upstream, gateway, load, criterion } = this.scenario;
    return {
      ...upstream,
      ...gateway,
      serviceMsMeasured: serviceMs,
      arrivals: load.arrivals,
      burst: load.burst,
      serviceDistribution: upstream.serviceDistribution,
      failureRatio: criterion.failureRatio,
    };
  }
}
